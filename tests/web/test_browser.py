"""Real-browser tests in headless Chromium (Debian's chromium + chromedriver, installed by the
Makefile): the widget on a municipality's page (another origin), keyboard-only use, Rasa being
down, and axe-core with zero serious or critical violations on every page type.

Most tests serve the app with waitress in this process against a fake Rasa, so they need no
trained model; the tests that use the `stack` fixture talk to the REAL trained assistant.
"""
from __future__ import annotations

import re
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from catalogue.loader import default_catalogue
from web import create_app
from web_testkit import STACK_CASES, FakeRasa, closed_port, main_kommun

pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = Path(__file__).resolve().parents[1] / "browser" / "node_modules" / "axe-core" / "axe.min.js"

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip("Chromium saknas: kör `make test` (installerar chromium och chromium-driver)", allow_module_level=True)

K = main_kommun()
CARD = {
    "id": None, "namn": None, "varfor": "Den passar eftersom den handlar om alkohol och droger.",
    "villkor": [{"text": "Barnets ålder: 13–20 år", "status": "uppfyllt"},
                {"text": "Folkbokförd i kommunen", "status": "okant"}],
    "anonymitet": "Du kan vara anonym.", "kontakt": "Kontakt: kontakta kommunens socialtjänst.", "url": None,
}


def first_insats():
    return default_catalogue().kommun(K).insatser[0]


# -- servers -------------------------------------------------------------------------------

class LiveServer:
    """The real app under waitress (as in production) on a free loopback port, in a thread."""

    def __init__(self, **config):
        from waitress import create_server
        base = {"STATISTIK_DB": Path(tempfile.mkdtemp()) / "statistik.db", "SESSION_COOKIE_SECURE": False}
        base.update(config)
        self.app = create_app(base)
        self.server = create_server(self.app, host="127.0.0.1", port=0, threads=8)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self):
        self.server.close()


class HostPages:
    """Pages of a "municipality's website" on another origin, each embedding the widget snippet."""

    def __init__(self, pages: dict[str, str]):
        self.dir = Path(tempfile.mkdtemp())
        for name, html in pages.items():
            (self.dir / name).write_text(html, encoding="utf-8")

        class Quiet(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(self.dir)))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def host_html(web_url: str, kommun: str) -> str:
    return f"""<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kommunens webbplats</title></head>
<body><header><a href="#main">Till innehållet</a></header>
<main id="main"><h1>Stöd och hjälp</h1><p>Här kan du chatta med Insatsguiden.</p></main>
<script src="{web_url}/widget.js" data-kommun="{kommun}" defer></script>
</body></html>"""


def conversation(received: dict) -> list:
    """The fake assistant: asks who, then answers with a card; markup in its text must stay text."""
    text = received["message"]
    sender = received["sender"]
    insats = first_insats()
    if "röker" in text:
        return [{"recipient_id": sender, "text": "Vem gäller det?",
                 "buttons": [{"title": "Mitt barn", "payload": "Mitt barn"}, {"title": "Mig själv", "payload": "Mig själv"}]}]
    if text == "Mitt barn":
        card = dict(CARD, id=insats.id, namn=insats.namn, url=f"/{insats.kommun}/insatser/{insats.slug}")
        return [{"recipient_id": sender, "text": "Det här kan passa."},
                {"recipient_id": sender, "custom": {"insatser": [card]}},
                {"recipient_id": sender, "text": "Du har alltid rätt att ansöka (11 kap. 1 §)."}]
    if "markup" in text:
        return [{"recipient_id": sender, "text": "<img src=x onerror=\"window.__pwned=1\"><b>fet</b>"}]
    return [{"recipient_id": sender, "text": "Jag förstår. Berätta mer."}]


@pytest.fixture(scope="module")
def rasa():
    fake = FakeRasa()
    fake.respond = conversation
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def web(rasa):
    server = LiveServer(RASA_URL=rasa.url)
    yield server
    server.close()


@pytest.fixture(scope="module")
def web_rasa_down():
    server = LiveServer(RASA_URL=f"http://127.0.0.1:{closed_port()}")
    yield server
    server.close()


@pytest.fixture(scope="module")
def host(web, web_rasa_down):
    pages = HostPages({
        "kommun.html": host_html(web.url, K),
        "nere.html": host_html(web_rasa_down.url, K),
        "fel-kommun.html": host_html(web.url, "atlantis"),
    })
    yield pages
    pages.close()


# -- the browser ---------------------------------------------------------------------------

def make_driver():
    opts = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-')}"):
        opts.add_argument(flag)
    opts.binary_location = str(CHROMIUM)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=opts)
    driver.set_window_size(1024, 900)
    driver.set_script_timeout(60)
    return driver


@pytest.fixture(scope="module")
def driver():
    d = make_driver()
    yield d
    d.quit()


def wait(driver, condition, timeout=10.0, message=""):
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: condition(d), message)


def active(driver):
    return driver.switch_to.active_element


def open_widget(driver, url):
    driver.get(url)
    launcher = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".ig-launcher"), message="no launcher")[0]
    launcher.click()
    wait(driver, lambda d: active(d).get_attribute("class") == "ig-input", message="focus not in the input")
    return active(driver)


def bot_texts(driver) -> list[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".ig-bot .ig-text")]


# -- widget on a municipality's page -------------------------------------------------------

def test_widget_on_another_sites_page_shows_replies_choices_and_cards(driver, host, web, rasa):
    field = open_widget(driver, f"{host.url}/kommun.html")
    panel = driver.find_element(By.CSS_SELECTOR, ".ig-panel")
    assert "Skriv inte ditt namn, personnummer" in panel.text and "ring 112" in panel.text
    assert "Ingen personal läser chatten" in panel.text
    log = driver.find_element(By.CSS_SELECTOR, ".ig-log")
    assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "polite"
    label = driver.find_element(By.CSS_SELECTOR, ".ig-label")
    assert label.get_attribute("for") == field.get_attribute("id") and label.text == "Skriv ditt meddelande"

    field.send_keys("min son röker på", Keys.ENTER)
    wait(driver, lambda d: "Vem gäller det?" in bot_texts(d), message="no reply")
    choices = driver.find_elements(By.CSS_SELECTOR, ".ig-choice")
    assert [c.text for c in choices] == ["Mitt barn", "Mig själv"]
    choices[0].click()
    card = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".ig-card"), message="no card")[0]
    insats = first_insats()
    assert card.get_attribute("data-insats-id") == insats.id
    assert insats.namn in card.text and "Den passar eftersom" in card.text and "Du kan vara anonym." in card.text
    assert "✓" in card.text and "uppfyllt" in card.text and "kontrolleras av verksamheten" in card.text
    link = card.find_element(By.CSS_SELECTOR, ".ig-card-title a")
    assert link.get_attribute("href") == f"{web.url}/{insats.kommun}/insatser/{insats.slug}"
    assert not driver.find_elements(By.CSS_SELECTOR, ".ig-choice")  # used choices go away
    assert active(driver).get_attribute("class") == "ig-input"

    # What the proxy forwarded: one random conversation id per tab, the municipality as metadata.
    sent = [r["json"] for r in rasa.received[-2:]]
    assert sent[0]["sender"] == sent[1]["sender"] and re.fullmatch(r"[0-9a-f]{32}", sent[0]["sender"])
    assert all(s["metadata"] == {"kommun": K, "kanal": "chatt"} for s in sent)
    stored = driver.execute_script(f"return window.sessionStorage.getItem('insatsguiden-samtal-{K}')")
    assert stored == sent[0]["sender"]
    assert driver.execute_script("return document.cookie") == ""


def test_bot_text_is_rendered_as_text_never_as_html(driver, host):
    field = open_widget(driver, f"{host.url}/kommun.html")
    field.send_keys("visa markup", Keys.ENTER)
    wait(driver, lambda d: any("<b>fet</b>" in t for t in bot_texts(d)), message="markup not shown as text")
    assert not driver.find_elements(By.CSS_SELECTOR, ".ig-log img, .ig-log b")
    assert driver.execute_script("return window.__pwned") is None


def test_keyboard_only(driver, host):
    driver.get(f"{host.url}/kommun.html")
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".ig-launcher"))
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _ in range(10):
        if active(driver).get_attribute("class") == "ig-launcher":
            break
        active(driver).send_keys(Keys.TAB)
    launcher = active(driver)
    assert launcher.get_attribute("class") == "ig-launcher", "the launcher is not reachable with Tab"
    assert launcher.get_attribute("aria-expanded") == "false"
    launcher.send_keys(Keys.ENTER)
    wait(driver, lambda d: active(d).get_attribute("class") == "ig-input", message="Enter did not open the chat")
    active(driver).send_keys("min son röker på", Keys.ENTER)
    wait(driver, lambda d: driver.find_elements(By.CSS_SELECTOR, ".ig-choice"), message="no reply")
    assert active(driver).get_attribute("class") == "ig-input"  # focus stays where the resident types
    # Tab order inside the panel: input, send, guide link; Shift+Tab back up reaches the choices.
    active(driver).send_keys(Keys.TAB)
    assert active(driver).get_attribute("class") == "ig-send"
    active(driver).send_keys(Keys.SHIFT, Keys.TAB)
    active(driver).send_keys(Keys.SHIFT, Keys.TAB)
    assert active(driver).text == "Mig själv"
    active(driver).send_keys(Keys.SHIFT, Keys.TAB)
    assert active(driver).text == "Mitt barn"
    active(driver).send_keys(Keys.ENTER)  # a quick reply by keyboard
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".ig-card"), message="no card after a keyboard choice")
    assert active(driver).get_attribute("class") == "ig-input"
    active(driver).send_keys(Keys.ESCAPE)
    wait(driver, lambda d: active(d).get_attribute("class") == "ig-launcher", message="Escape did not return focus")
    assert active(driver).get_attribute("aria-expanded") == "false"


def test_rasa_down_shows_a_swedish_message_within_two_seconds(driver, host):
    field = open_widget(driver, f"{host.url}/nere.html")
    start = time.monotonic()
    field.send_keys("hej", Keys.ENTER)
    error = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".ig-error"), timeout=2.0,
                 message="no message within 2 s")[0]
    assert time.monotonic() - start < 2.0
    assert "Chatten startar om – använd guiden under tiden" in error.text and "112" in error.text
    link = error.find_element(By.TAG_NAME, "a")
    assert link.get_attribute("href").endswith(f"/{K}/guide")


def test_unknown_municipality_in_the_snippet_is_explained(driver, host):
    driver.get(f"{host.url}/fel-kommun.html")
    driver.find_element(By.CSS_SELECTOR, ".ig-launcher").click()
    error = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".ig-error"), message="no error shown")[0]
    assert "atlantis" in error.text and "finns inte" in error.text


def test_chat_page_works_at_320_px(driver, web):
    driver.set_window_size(320, 800)
    try:
        for path in (f"/{K}/chatt", f"/{K}/guide?for=sig&alder=30&steg=3",
                     f"/{K}/guide/resultat?for=mitt-barn&barn_alder=16&amne=beroende", f"/{K}/insatser"):
            driver.get(web.url + path)
            wait(driver, lambda d: d.execute_script("return document.readyState") == "complete")
            width = driver.execute_script("return document.documentElement.clientWidth")
            assert driver.execute_script("return document.documentElement.scrollWidth") <= width, path
        driver.get(f"{web.url}/{K}/chatt")
        field = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".ig-input"))[0]
        field.send_keys("hej", Keys.ENTER)
        wait(driver, lambda d: "Jag förstår. Berätta mer." in bot_texts(d))
        assert field.rect["x"] >= 0 and field.rect["x"] + field.rect["width"] <= 320
    finally:
        driver.set_window_size(1024, 900)


# -- axe-core ------------------------------------------------------------------------------

def axe_violations(driver) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"{AXE} saknas: kör `cd tests/browser && npm ci` (make test gör det)")
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))))"
        ".catch(e => done({error: String(e)}));")
    assert not isinstance(result, dict), result
    return [v for v in result if v["impact"] in ("serious", "critical")]


def assert_accessible(driver, what: str):
    bad = axe_violations(driver)
    if bad:
        print(f"\naxe-core, {what}:")
        for v in bad:
            print(f"  [{v['impact']}] {v['id']}: {v['help']} -> {v['nodes'][:5]}")
    assert not bad, f"{what}: {[v['id'] for v in bad]}"


def page_paths():
    insats = first_insats()
    return {
        "startsida": "/",
        "kommunens startsida": f"/{K}/",
        "guide steg 1": f"/{K}/guide",
        "guide steg 2": f"/{K}/guide?for=anhorig&steg=2",
        "guide steg 3": f"/{K}/guide?for=mitt-barn&barn_alder=16&steg=3",
        "guide steg 4": f"/{K}/guide?for=sig&alder=13&amne=psykisk-ohalsa&steg=4",
        "guide fel": f"/{K}/guide?for=sig&alder=500&steg=3",
        "resultat": f"/{K}/guide/resultat?for=mitt-barn&barn_alder=16&amne=beroende",
        "katalog": f"/{K}/insatser",
        "katalog sökning": f"/{K}/insatser?q=stöd&amne=beroende",
        "insats": f"/{K}/insatser/{insats.slug}",
        "föräldraprogram": f"/{K}/foraldraprogram?barn_alder=5&amne=foraldraskap&format=grupp",
        "tillgänglighet": "/tillganglighet",
        "404": f"/{K}/insatser/finns-inte",
    }


@pytest.mark.parametrize("name", list(page_paths()))
def test_axe_pages(driver, web, name):
    driver.get(web.url + page_paths()[name])
    wait(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    assert_accessible(driver, name)


def test_axe_chat_page_with_a_conversation(driver, web):
    driver.get(f"{web.url}/{K}/chatt")
    field = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".ig-input"))[0]
    field.send_keys("min son röker på", Keys.ENTER)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".ig-choice"))
    driver.find_element(By.CSS_SELECTOR, ".ig-choice").click()
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".ig-card"))
    assert_accessible(driver, "chattsidan med svar, val och kort")


def test_axe_widget_panel_on_a_municipal_page(driver, host):
    field = open_widget(driver, f"{host.url}/kommun.html")
    field.send_keys("min son röker på", Keys.ENTER)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".ig-choice"))
    assert_accessible(driver, "widgeten på kommunens sida")


def test_axe_staff_login(driver, web):
    driver.get(f"{web.url}/personal/login")
    assert_accessible(driver, "personalens inloggning")


# -- the real trained assistant ------------------------------------------------------------

def send_and_wait(driver, text=None, button=None, timeout=30.0):
    """Sends by typing or by a quick-reply button, then waits until the widget is idle again."""
    before = len(driver.find_elements(By.CSS_SELECTOR, ".ig-bot, .ig-error"))
    if button is not None:
        button.click()
    else:
        active(driver).send_keys(text, Keys.ENTER)
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".ig-bot, .ig-error")) > before
         and d.find_element(By.CSS_SELECTOR, ".ig-status").text == "", timeout=timeout, message="no reply")


def test_widget_with_the_real_assistant_shows_a_reply_and_a_card(stack):
    # Alingsås, "min son röker på", as in the brief.
    kommun, first, answers, _query = STACK_CASES[0]
    answers = dict(answers)
    pages = HostPages({"kommun.html": host_html(stack.web_url, kommun)})
    d = make_driver()
    try:
        open_widget(d, f"{pages.url}/kommun.html")
        send_and_wait(d, first)
        # Answer the questions the assistant asks, by its quick-reply buttons when it offers them.
        for _ in range(4):
            if d.find_elements(By.CSS_SELECTOR, ".ig-card"):
                break
            latest = bot_texts(d)[-1]
            question = next((q for q in answers if q in latest), None)
            assert question, f"unexpected reply: {latest!r}"
            answer = answers.pop(question)
            buttons = [b for b in d.find_elements(By.CSS_SELECTOR, ".ig-choice") if b.text == answer]
            send_and_wait(d, answer, buttons[0] if buttons else None)
        cards = d.find_elements(By.CSS_SELECTOR, ".ig-card")
        assert cards, "\n".join(bot_texts(d))
        assert all(c.get_attribute("data-insats-id").startswith(f"{kommun}/") for c in cards)
        assert all(c.find_element(By.CSS_SELECTOR, ".ig-card-title a").get_attribute("href").startswith(stack.web_url)
                   for c in cards)
        assert any("11 kap. 6 §" in t for t in bot_texts(d))
        assert_accessible(d, "widgeten med den riktiga assistenten")
    finally:
        d.quit()
        pages.close()
