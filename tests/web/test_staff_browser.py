"""The staff pages in a real browser (headless Chromium, as tests/web/test_browser.py; tests/web/browser_kit.py): axe-core
finds no serious or critical problem on any staff page, login works with the keyboard alone, and
the dashboard reflows at 320 px with wide tables scrolling inside a focusable region."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from browser_kit import LiveServer, assert_accessible, make_driver, wait  # skips this module without Chromium
from insatskatalog import statistics
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from staff_kit import LOSEN
from web.staff import users

PERIOD = "fran=2025-W06&till=2025-W17"


@pytest.fixture(scope="module")
def web():
    server = LiveServer()
    db = server.app.config["STATISTIK_DB"]
    rnd = random.Random(7)
    for _ in range(400):
        statistics.record(kommun=rnd.choice(["sala", "uppsala"]), kanal=rnd.choice(["chatt", "guide"]),
                          amne=rnd.choice(["beroende", "ekonomi", "kris", "vald", "foraldraskap"]), intent="guide",
                          utfall=rnd.choice(list(statistics.UTFALL)), db_path=db,
                          day=dt.date.fromisocalendar(2025, rnd.randint(6, 17), 2))
    users.create(server.app.config["STAFF_DB"], "sala1", LOSEN, kommun="sala")
    users.create(server.app.config["STAFF_DB"], "admin", LOSEN, admin=True)
    yield server
    server.close()


@pytest.fixture(scope="module")
def driver():
    d = make_driver()
    yield d
    d.quit()


def logga_in_med_tangentbordet(driver, web, namn):
    driver.delete_all_cookies()
    driver.get(f"{web.url}/personal/")
    assert "/personal/login" in driver.current_url
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)  # skip link
    for _ in range(20):  # tab until the username field has focus
        if driver.switch_to.active_element.get_attribute("id") == "anvandarnamn":
            break
        driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("id") == "anvandarnamn"
    driver.switch_to.active_element.send_keys(namn, Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("id") == "losenord"
    driver.switch_to.active_element.send_keys(LOSEN, Keys.ENTER)
    wait(driver, lambda d: d.current_url.rstrip("/").endswith("/personal"), message="not logged in")


def test_axe_public_staff_pages(driver, web):
    driver.delete_all_cookies()
    for path, what in (("/personal/login", "inloggning"), ("/personal/om-statistiken", "om statistiken")):
        driver.get(web.url + path)
        assert_accessible(driver, what)
    driver.get(web.url + "/personal/login")
    driver.find_element(By.ID, "anvandarnamn").send_keys("sala1")
    driver.find_element(By.ID, "losenord").send_keys("fel-losenord-igen", Keys.ENTER)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".felruta"))
    assert "Fel användarnamn eller lösenord" in driver.page_source
    assert_accessible(driver, "inloggning med fel")


def test_keyboard_login_and_axe_on_the_dashboard(driver, web):
    logga_in_med_tangentbordet(driver, web, "sala1")
    for query, what in ((PERIOD, "översikten"), (PERIOD + "&kanal=guide", "översikten, guiden"),
                        (PERIOD + "&amne=beroende", "översikten, ett ämne"),
                        ("fran=2025-W60&kanal=sms", "översikten med fel i filtret"),
                        ("kommun=uppsala", "403")):
        driver.get(f"{web.url}/personal/?{query}")
        assert_accessible(driver, what)
    driver.get(f"{web.url}/personal/om-statistiken")
    assert_accessible(driver, "om statistiken, inloggad")


def test_admin_dashboard_and_reflow_at_320_px(driver, web):
    logga_in_med_tangentbordet(driver, web, "admin")
    driver.get(f"{web.url}/personal/?{PERIOD}&kommun=alla")
    assert_accessible(driver, "översikten, alla kommuner")
    try:
        driver.set_window_size(320, 800)
        driver.get(f"{web.url}/personal/?{PERIOD}")
        width = driver.execute_script("return document.documentElement.clientWidth")
        scroll = driver.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= width + 1, "the page itself must not scroll sideways at 320 px"
        region = driver.find_element(By.CSS_SELECTOR, ".tabell-rulla")
        assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
        assert driver.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", region)
    finally:
        driver.set_window_size(1024, 900)


def test_logout_button_works(driver, web):
    logga_in_med_tangentbordet(driver, web, "sala1")
    driver.find_element(By.CSS_SELECTOR, ".logga-ut button").click()
    wait(driver, lambda d: "/personal/login" in d.current_url)
    assert "Du är utloggad" in driver.page_source
    driver.get(f"{web.url}/personal/")
    assert "/personal/login" in driver.current_url
