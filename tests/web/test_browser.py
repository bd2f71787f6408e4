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

from browser_kit import LiveServer, assert_accessible, make_driver, wait  # skips this module without Chromium
from insatskatalog.loader import default_catalogue
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from web_testkit import STACK_CASES, FakeRasa, closed_port, main_kommun

from insatskatalog.rights import ratt_att_ansoka_kort
from web.helpers import STATISTIK_MENING
from web.lattlast import STATISTIK_LATTLAST

# Screenshots for a person to look at (build/ is git-ignored).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"

K = main_kommun()
CARD = {
    "id": None, "namn": None, "varfor": "Den passar eftersom den handlar om alkohol och droger.",
    "varfor_lattlast": "Stödet handlar om alkohol och droger.",
    "villkor": [{"text": "Barnets ålder: 13–20 år", "status": "uppfyllt"},
                {"text": "Folkbokförd i kommunen", "status": "okant"}],
    "anonymitet": "Du kan vara anonym.", "kontakt": "Kontakt: kontakta kommunens socialtjänst.", "url": None,
}


def first_insats():
    return default_catalogue().kommun(K).insatser[0]


def recommended_insatser(n=3):
    return [i for i in default_catalogue().kommun(K).insatser if not i.behovsprovad][:n]


def card_for(insats, **extra):
    return dict(CARD, id=insats.id, namn=insats.namn, url=f"/{insats.kommun}/insatser/{insats.slug}",
                lattlast=insats.sammanfattning(lattlast=True), **extra)


RATT_KORT = "Du har alltid rätt att ansöka om stöd hos socialtjänsten."
RATT_MER = ("Du har alltid rätt att ansöka om insatser hos socialtjänsten och få din ansökan prövad "
            "(11 kap. 1 § socialtjänstlagen). Den som ger en insats utan behovsprövning ska informera dig "
            "om den rätten (11 kap. 6 §).")
SAMMANFATTNING = "Du vill ha stöd för ditt barn som röker cannabis. Tre insatser kan passa."


CONSENT = "Om barnet är under 15 år behövs ofta att en vårdnadshavare säger ja."
ALSO = "Det finns också: Något annat – barnets ålder passar inte."


def recommending_reply(sender: str) -> list[dict]:
    """A recommending reply in the order the bot sends it since issue 13 (bot/actions/respond.py
    _recommend): the full text version for channels without cards, a custom payload that names the
    texts it replaces, and the right to apply last, with the follow-up choices."""
    insatser = recommended_insatser()
    understood = "Jag har förstått att det gäller ditt barn och droger."
    texts = ["Det här kan passa. Du behöver inte ansöka."]
    texts += [f"{n}. {i.namn}\nDen passar eftersom den handlar om alkohol och droger.\nVillkor: ..."
              for n, i in enumerate(insatser, 1)]
    long_villkor = [{"text": f"Villkor nummer {n} som gäller för insatsen", "status": status}
                    for n, status in enumerate(("uppfyllt", "ej_uppfyllt", "okant", "uppfyllt"), 1)]
    custom = {
        "insatser": [card_for(i, villkor=CARD["villkor"] + long_villkor) for i in insatser],
        "sammanfattning": SAMMANFATTNING,
        "ersatter": [understood] + texts + [RATT_MER],
        "ratt_att_ansoka": {"kort": RATT_KORT, "mer": RATT_MER},
    }
    said = [understood, CONSENT] + texts + [ALSO]
    return ([{"recipient_id": sender, "text": t} for t in said]
            + [{"recipient_id": sender, "custom": custom},
               {"recipient_id": sender, "text": RATT_MER,
                "buttons": [{"title": "Berätta mer om den första", "payload": "Berätta mer om den första"}]}])


# -- servers -------------------------------------------------------------------------------


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
        return recommending_reply(sender)
    if text == "gammalt format":  # a reply from before issue 13: texts and cards, no `ersatter`
        return [{"recipient_id": sender, "text": "Det här kan passa."},
                {"recipient_id": sender, "custom": {"insatser": [card_for(insats)]}},
                {"recipient_id": sender, "text": "Du har alltid rätt att ansöka (11 kap. 1 §)."}]
    if text == "prata":  # something to scroll past before the recommendation
        return [{"recipient_id": sender, "text": "Jag förstår. Berätta gärna mer om vad som har hänt. " * 4}]
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
    server = LiveServer(RASA_URL=rasa.url, CHATT_PER_MINUT=1000)  # many conversations in a minute
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


@pytest.fixture(scope="module")
def driver():
    d = make_driver()
    yield d
    d.quit()


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


# What a screen reader gets from the live region: its text without hidden or aria-hidden parts.
SPOKEN_JS = """
function spoken(node) {
  if (node.nodeType === Node.TEXT_NODE) { return node.textContent; }
  if (node.nodeType !== Node.ELEMENT_NODE) { return ""; }
  if (node.hidden || node.getAttribute("aria-hidden") === "true") { return ""; }
  if (getComputedStyle(node).display === "none" || getComputedStyle(node).visibility === "hidden") { return ""; }
  var out = "";
  node.childNodes.forEach(function (c) { out += spoken(c); });
  return out + " ";
}
return spoken(arguments[0]);
"""


def spoken(driver, element) -> str:
    return re.sub(r"\s+", " ", driver.execute_script(SPOKEN_JS, element))


def emulate(driver, width: int, height: int):
    """The page's viewport as on a phone (mobile) or a desktop, exactly width x height CSS px."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def stop_emulation(driver):
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.set_window_size(1024, 900)


def screenshot(driver, name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def rect(driver, element) -> dict:
    return driver.execute_script(
        "var r = arguments[0].getBoundingClientRect();"
        "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height, width: r.width,"
        " vh: window.innerHeight, vw: window.innerWidth};", element)


def in_first_screen(driver, element) -> bool:
    r = rect(driver, element)
    return element.is_displayed() and r["top"] >= 0 and r["bottom"] <= r["vh"] and r["left"] >= 0 and r["right"] <= r["vw"]


def wait_for_cards(driver, n_before=0):
    return wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".ig-card")) > n_before
                and d.find_element(By.CSS_SELECTOR, ".ig-status").text == "", message="no cards")


def recommend(driver, field):
    """The resident's two messages that lead to the fake assistant's recommending reply."""
    field.send_keys("min son röker på", Keys.ENTER)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".ig-choice"), message="no question")
    driver.find_element(By.CSS_SELECTOR, ".ig-choice").click()
    wait_for_cards(driver)
    return driver.find_elements(By.CSS_SELECTOR, ".ig-card")


# The widget's header and footer texts per mode (web/static/widget.js TEXT; the contact line from /api/kommun).
WIDGET_TEXTS = {
    "vanlig": {"akut": "Akut fara? Ring 112", "titel": "Chatta anonymt", "etikett": "Skriv ditt meddelande",
               "kontakt": "Socialtjänstens kontaktuppgifter saknas här ännu. Fråga kommunens växel."},
    "lättläst": {"akut": "I fara? Ring 112", "titel": "Chatta utan namn", "etikett": "Skriv här",
                 "kontakt": "Kontaktuppgifter till socialtjänsten saknas här. Ring kommunens växel."},
}


def lattlast_switch(driver):
    return driver.find_element(By.CSS_SELECTOR, ".ig-lattlast")


def open_chat(driver, host, web, where, mode="vanlig"):
    """The open chat on the municipality's page (the widget's switch pressed for lättläst) or our
    chat page (?lattlast=1 for lättläst), with the contact line loaded; returns the input."""
    if where == "kommunens sida":
        field = open_widget(driver, f"{host.url}/kommun.html")
        if mode == "lättläst":
            lattlast_switch(driver).click()
            field.click()
    else:
        driver.get(f"{web.url}/{K}/chatt" + ("?lattlast=1" if mode == "lättläst" else ""))
        field = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".ig-input"))[0]
        field.click()
    wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, ".ig-kontakt").text == WIDGET_TEXTS[mode]["kontakt"],
         message="the contact line did not load")
    assert lattlast_switch(driver).get_attribute("aria-pressed") == ("true" if mode == "lättläst" else "false")
    return field


# -- widget on a municipality's page -------------------------------------------------------

def test_widget_on_another_sites_page_shows_replies_choices_and_cards(driver, host, web, rasa):
    field = open_widget(driver, f"{host.url}/kommun.html")
    panel = driver.find_element(By.CSS_SELECTOR, ".ig-panel")
    assert "Skriv inte ditt namn, personnummer" in panel.text and "Akut fara? Ring 112" in panel.text
    assert "Ingen personal läser chatten" in panel.text and "Det du skriver sparas inte." in panel.text
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
    insats = recommended_insatser()[0]
    assert card.get_attribute("data-insats-id") == insats.id
    assert insats.namn in card.text and "Den passar eftersom" in card.text and "Du kan vara anonym." in card.text
    assert "✓" in card.text and "uppfyllt" in card.text and "kontrolleras av verksamheten" in card.text
    assert "✗" in card.text and "inte uppfyllt" in card.text
    link = card.find_element(By.CSS_SELECTOR, ".ig-card-title a")
    assert link.get_attribute("href") == f"{web.url}/{insats.kommun}/insatser/{insats.slug}"
    assert link.get_attribute("target") == "_blank" and "ny flik" in link.get_attribute("textContent")
    assert [c.text for c in driver.find_elements(By.CSS_SELECTOR, ".ig-choice")] == ["Berätta mer om den första"]
    # used choices go away; the new reply's own are there
    assert active(driver).get_attribute("class") == "ig-input"

    # What the proxy forwarded: one random conversation id per tab, the municipality as metadata.
    sent = [r["json"] for r in rasa.received[-2:]]
    assert sent[0]["sender"] == sent[1]["sender"] and re.fullmatch(r"[0-9a-f]{32}", sent[0]["sender"])
    assert all(s["metadata"] == {"kommun": K, "kanal": "chatt"} for s in sent)
    stored = driver.execute_script(f"return window.sessionStorage.getItem('insatsguiden-samtal-{K}')")
    assert stored == sent[0]["sender"]
    assert driver.execute_script("return document.cookie") == ""


def test_a_recommending_reply_shows_each_insats_once_as_a_card(driver, host):
    """Issue 13.1 and 13.5: the summary and one card per insats; the texts the payload replaces
    are not shown; the right to apply is one sentence with a "Läs mer" disclosure."""
    field = open_widget(driver, f"{host.url}/kommun.html")
    cards = recommend(driver, field)
    insatser = recommended_insatser()
    ids = [c.get_attribute("data-insats-id") for c in cards]
    assert ids == [i.id for i in insatser]  # each exactly once, in the bot's order
    log = driver.find_element(By.CSS_SELECTOR, ".ig-log")
    everything = log.get_attribute("textContent")
    for insats in insatser:
        assert everything.count(insats.namn) == 1, insats.namn
    texts = bot_texts(driver)
    assert SAMMANFATTNING in texts and RATT_KORT in texts
    assert not any(t.startswith(("1. ", "2. ", "Det här kan passa", "Jag har förstått")) for t in texts)
    reply = driver.find_elements(By.CSS_SELECTOR, ".ig-svar")[-1]
    # the order of the text version: summary, the note between, the cards, what else exists, the
    # right to apply, the choices
    parts = reply.find_elements(By.CSS_SELECTOR, ":scope > .ig-msg, :scope > .ig-kortlista, :scope > .ig-choices")
    seen = [p.find_element(By.CSS_SELECTOR, ".ig-text").text if "ig-msg" in p.get_attribute("class")
            else p.get_attribute("class") for p in parts]
    assert seen == [SAMMANFATTNING, CONSENT, "ig-kortlista", ALSO, RATT_KORT, "ig-choices"]
    assert len(re.findall(r"\w+", reply.text.split(insatser[0].namn)[0])) <= 120  # short before the cards

    more = reply.find_element(By.CSS_SELECTOR, "button.ig-lasmer")
    assert more.text.startswith("Läs mer") and more.get_attribute("aria-expanded") == "false"
    paragraph = driver.find_element(By.ID, more.get_attribute("aria-controls"))
    assert not paragraph.is_displayed()
    assert everything.count(RATT_MER) == 1  # the full paragraph is there once, behind the button
    more.send_keys(Keys.ENTER)  # by keyboard
    assert more.get_attribute("aria-expanded") == "true" and paragraph.is_displayed()
    assert "11 kap. 6 §" in paragraph.text
    par, lg = rect(driver, paragraph), rect(driver, log)
    assert lg["top"] <= par["top"] < lg["bottom"], "the opened text is out of view"
    assert active(driver) == more
    more.click()
    assert more.get_attribute("aria-expanded") == "false" and not paragraph.is_displayed()


def test_the_live_region_says_each_insats_once_in_order(driver, host):
    field = open_widget(driver, f"{host.url}/kommun.html")
    recommend(driver, field)
    log = driver.find_element(By.CSS_SELECTOR, ".ig-log")
    assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "polite"
    assert log.get_attribute("aria-busy") == "false"
    names = [i.namn for i in recommended_insatser()]
    reply = driver.find_elements(By.CSS_SELECTOR, ".ig-svar")[-1]
    for text in (spoken(driver, log), spoken(driver, reply)):
        assert [text.count(n) for n in names] == [1] * len(names), text
        assert sorted(names, key=text.index) == names  # in the order of the cards
    said = spoken(driver, reply)
    assert SAMMANFATTNING in said and RATT_KORT in said and RATT_MER not in said  # "Läs mer" is closed
    assert "Nytt svar" not in said  # the marker is for the eye; the reply itself is announced


def test_an_old_reply_without_the_new_fields_still_shows_text_and_cards(driver, host):
    field = open_widget(driver, f"{host.url}/kommun.html")
    field.send_keys("gammalt format", Keys.ENTER)
    card = wait_for_cards(driver) and driver.find_element(By.CSS_SELECTOR, ".ig-card")
    assert card.get_attribute("data-insats-id") == first_insats().id
    texts = bot_texts(driver)
    assert "Det här kan passa." in texts and "Du har alltid rätt att ansöka (11 kap. 1 §)." in texts
    reply = driver.find_elements(By.CSS_SELECTOR, ".ig-svar")[-1]
    order = [e.get_attribute("class") for e in reply.find_elements(By.CSS_SELECTOR, ".ig-bot, .ig-card")]
    assert order == ["ig-msg ig-bot", "ig-card", "ig-msg ig-bot"]  # as they came


# -- lättläst (issue 13.6) -------------------------------------------------------------------

# Mellerud: every insats has its lättläst summary (tests/catalogue/test_lattlast_field.py).
MELLERUD_INSATS = default_catalogue().kommun("mellerud").insatser[0].slug
RESULTAT_LL = "/mellerud/guide/resultat?for=sig&alder=16&amne=beroende"


def widget_text(driver, css) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).text


def test_the_lattlast_switch_works_by_keyboard(driver, host):
    """A toggle button beside the input's label (aria-pressed), reached by Shift+Tab from the
    input, Space and Enter switch it; the fixed texts, the cards' summaries and reasons and the
    right to apply change in place, focus stays on the switch, and the live region does not read
    the whole conversation again."""
    field = open_widget(driver, f"{host.url}/kommun.html")
    wait(driver, lambda d: widget_text(d, ".ig-kontakt") == WIDGET_TEXTS["vanlig"]["kontakt"])
    recommend(driver, field)
    switch = lattlast_switch(driver)
    assert switch.tag_name == "button" and switch.text == "Lättläst" and switch.get_attribute("type") == "button"
    assert switch.get_attribute("aria-pressed") == "false"
    assert not driver.find_elements(By.CSS_SELECTOR, ".ig-kort-sammanfattning")
    assert active(driver) == field
    field.send_keys(Keys.SHIFT, Keys.TAB)
    assert active(driver) == switch, "Shift+Tab from the input does not reach the switch"

    active(driver).send_keys(Keys.SPACE)
    assert switch.get_attribute("aria-pressed") == "true" and active(driver) == switch
    texts = WIDGET_TEXTS["lättläst"]
    assert widget_text(driver, ".ig-title") == texts["titel"] and widget_text(driver, ".ig-akut") == texts["akut"]
    assert widget_text(driver, ".ig-label") == texts["etikett"]
    assert widget_text(driver, ".ig-kontakt") == texts["kontakt"]
    note = widget_text(driver, ".ig-note")
    assert STATISTIK_LATTLAST in note and STATISTIK_MENING not in note and "Det du skriver sparas inte." in note
    insatser = recommended_insatser()
    cards = driver.find_elements(By.CSS_SELECTOR, ".ig-card")
    for card, insats in zip(cards, insatser):
        assert card.find_element(By.CSS_SELECTOR, ".ig-kort-sammanfattning").text == insats.sammanfattning(lattlast=True)
        assert card.find_element(By.CSS_SELECTOR, ".ig-why").text == CARD["varfor_lattlast"]
        assert "stämmer" in card.text and "verksamheten kollar det" in card.text and "kontrolleras" not in card.text
    ratt = driver.find_elements(By.CSS_SELECTOR, ".ig-ratt > .ig-text")[-1]
    assert ratt.text == ratt_att_ansoka_kort(lattlast=True)
    log = driver.find_element(By.CSS_SELECTOR, ".ig-log")
    wait(driver, lambda d: log.get_attribute("aria-live") == "polite", message="the live region stayed off")

    # a new reply while it is on comes in lättläst
    field.click()
    recommend(driver, field)
    newest = driver.find_elements(By.CSS_SELECTOR, ".ig-svar")[-1]
    assert newest.find_element(By.CSS_SELECTOR, ".ig-kort-sammanfattning").is_displayed()
    assert newest.find_element(By.CSS_SELECTOR, ".ig-ratt > .ig-text").text == ratt_att_ansoka_kort(lattlast=True)

    # Enter switches it back: the normal texts, no summaries
    field.send_keys(Keys.SHIFT, Keys.TAB)
    active(driver).send_keys(Keys.ENTER)
    assert switch.get_attribute("aria-pressed") == "false" and active(driver) == switch
    assert widget_text(driver, ".ig-title") == WIDGET_TEXTS["vanlig"]["titel"]
    assert widget_text(driver, ".ig-akut") == WIDGET_TEXTS["vanlig"]["akut"]
    assert STATISTIK_MENING in widget_text(driver, ".ig-note")
    assert not driver.find_elements(By.CSS_SELECTOR, ".ig-kort-sammanfattning")
    assert driver.find_element(By.CSS_SELECTOR, ".ig-why").text == CARD["varfor"]
    assert driver.find_elements(By.CSS_SELECTOR, ".ig-ratt > .ig-text")[-1].text == RATT_KORT
    # nothing remembered: not in the browser's storage, and a new page starts in normal text
    stored = driver.execute_script("var o = {}; for (var i = 0; i < sessionStorage.length; i++) {"
                                   " o[sessionStorage.key(i)] = 1; } for (var j = 0; j < localStorage.length; j++) {"
                                   " o[localStorage.key(j)] = 1; } return Object.keys(o);")
    assert stored == [f"insatsguiden-samtal-{K}"], stored
    lattlast_switch(driver).click()
    open_widget(driver, f"{host.url}/kommun.html")
    assert lattlast_switch(driver).get_attribute("aria-pressed") == "false"
    assert driver.execute_script("return document.cookie") == ""


@pytest.mark.parametrize("mode", list(WIDGET_TEXTS))
def test_the_widget_says_the_same_statistics_sentence_as_the_page(driver, web, mode):
    """Issue 13.5 and 13.6: on our chat page the widget's note and the page's footer say the same
    true sentence about the anonymous statistics, in normal text and in lättläst."""
    sentence = STATISTIK_LATTLAST if mode == "lättläst" else STATISTIK_MENING
    driver.get(f"{web.url}/{K}/chatt" + ("?lattlast=1" if mode == "lättläst" else ""))
    note = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".ig-note"))[0]
    footer = driver.find_element(By.CSS_SELECTOR, ".om-statistik")
    assert sentence in note.text and sentence in footer.text
    other = STATISTIK_MENING if mode == "lättläst" else STATISTIK_LATTLAST
    assert other not in note.text and other not in footer.text


def first_card_visible(driver) -> tuple[bool, dict]:
    reply = driver.find_elements(By.CSS_SELECTOR, ".ig-svar")[-1]
    card = reply.find_element(By.CSS_SELECTOR, ".ig-card")
    log = driver.find_element(By.CSS_SELECTOR, ".ig-log")
    c, lg = rect(driver, card), rect(driver, log)
    ok = 0 <= c["top"] < c["vh"] and lg["top"] <= c["top"] < lg["bottom"] - 20
    return ok, {"card": c, "log": lg}


def reading_order_checks(driver, field):
    """After the reply: its start in view (the first card's top inside the viewport and inside the
    conversation's visible part), the "Nytt svar" marker above it, focus still in the input."""
    for _ in range(3):  # earlier messages to scroll past
        before = len(driver.find_elements(By.CSS_SELECTOR, ".ig-svar"))
        active(driver).send_keys("prata", Keys.ENTER)
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".ig-svar")) > before)
    recommend(driver, active(driver))
    log = driver.find_element(By.CSS_SELECTOR, ".ig-log")
    assert driver.execute_script("return arguments[0].scrollHeight > arguments[0].clientHeight + 200", log), \
        "the reply must be longer than the conversation area for this test to mean something"
    ok, where = first_card_visible(driver)
    assert ok, where
    markers = driver.find_elements(By.CSS_SELECTOR, ".ig-nytt")
    assert len(markers) == 1 and markers[0].text == "Nytt svar" and markers[0].is_displayed()
    m, lg = rect(driver, markers[0]), rect(driver, log)
    assert lg["top"] <= m["top"] and m["bottom"] <= where["card"]["top"]
    assert active(driver) == field, "focus left the input"


def test_a_new_reply_is_shown_from_its_start_on_a_municipal_page(driver, host):
    field = open_widget(driver, f"{host.url}/kommun.html")
    reading_order_checks(driver, field)


def test_a_new_reply_is_shown_from_its_start_on_the_chat_page(driver, web):
    driver.get(f"{web.url}/{K}/chatt")
    field = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".ig-input"))[0]
    field.click()
    reading_order_checks(driver, field)
    r = rect(driver, field)
    assert 0 <= r["top"] and r["bottom"] <= r["vh"], "the input left the screen"


@pytest.mark.parametrize("mode", list(WIDGET_TEXTS))
@pytest.mark.parametrize("where", ["kommunens sida", "chattsidan"])
def test_at_320_x_568_the_open_chat_is_the_whole_screen(driver, host, web, where, mode):
    """Issue 13.3 and 13.4: full screen, the conversation >= 60 % of the height, the input, a
    visible close button, and 112, the guide and the municipality's contact always in view; in
    lättläst too (issue 13.6), whose header and footer texts must stay as short."""
    emulate(driver, 320, 568)
    shot = f"320-{'widget' if where == 'kommunens sida' else 'chattsidan'}{'-lattlast' if mode == 'lättläst' else ''}"
    try:
        field = open_chat(driver, host, web, where, mode)
        recommend(driver, field)
        screenshot(driver, f"{shot}-svar")
        panel = driver.find_element(By.CSS_SELECTOR, ".ig-panel")
        p = rect(driver, panel)
        assert abs(p["top"]) <= 1 and abs(p["left"]) <= 1 and p["width"] >= 319 and p["height"] >= 567, p
        log = rect(driver, driver.find_element(By.CSS_SELECTOR, ".ig-log"))
        assert log["height"] >= 0.6 * 568, log
        ok, place = first_card_visible(driver)
        assert ok, place
        assert active(driver) == field
        akut = driver.find_element(By.CSS_SELECTOR, ".ig-akut")
        guide = driver.find_element(By.CSS_SELECTOR, ".ig-foot-guide a")
        contact = driver.find_element(By.CSS_SELECTOR, ".ig-kontakt")
        visible = [field, driver.find_element(By.CSS_SELECTOR, ".ig-send"), akut, guide, contact, lattlast_switch(driver)]
        if where == "kommunens sida":
            close = driver.find_element(By.CSS_SELECTOR, ".ig-close")
            assert close.text.endswith("Stäng") and close.get_attribute("aria-label") == "Stäng chatten"
            visible.append(close)
        for e in visible:
            assert in_first_screen(driver, e), (e.get_attribute("class") or e.text, rect(driver, e))
        assert akut.text == WIDGET_TEXTS[mode]["akut"]
        assert guide.get_attribute("href").endswith(f"/{K}/guide")
        assert contact.text == WIDGET_TEXTS[mode]["kontakt"]
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 320

        # The on-screen keyboard takes the lower half: the visual viewport shrinks, the input stays in it.
        emulate(driver, 320, 300)
        wait(driver, lambda d: rect(d, field)["bottom"] <= 300, message="the input is under the keyboard")
        assert in_first_screen(driver, akut) and in_first_screen(driver, field)
        screenshot(driver, f"{shot}-tangentbord")
    finally:
        stop_emulation(driver)


@pytest.mark.parametrize("lattlast", [False, True], ids=["vanlig", "lattlast"])
@pytest.mark.parametrize("name,path", [
    ("startsida", "/"), ("kommunens-startsida", f"/{K}/"), ("chattsidan", f"/{K}/chatt"),
    ("guide", f"/{K}/guide"), ("insats", None), ("foraldraprogram", f"/{K}/foraldraprogram")])
def test_112_is_on_the_first_screen_at_320_px(driver, web, name, path, lattlast):
    emulate(driver, 320, 568)
    try:
        url = web.url + (path or f"/{K}/insatser/{first_insats().slug}")
        driver.get(url + ("?lattlast=1" if lattlast else ""))
        wait(driver, lambda d: d.execute_script("return document.readyState") == "complete")
        assert driver.execute_script("return window.scrollY") == 0
        found = [e for e in driver.find_elements(By.XPATH, "//*[contains(text(), '112')]") if in_first_screen(driver, e)]
        assert found, f"{name}: no 112 on the first screen"
        assert any(("Är någon i fara? Ring 112." if lattlast else "Akut fara? Ring 112") in e.text for e in found)
        screenshot(driver, f"320-{'lattlast-' if lattlast else ''}{name}")
    finally:
        stop_emulation(driver)


def test_screenshots_at_1280_px(driver, web, host):
    """For a person to look at: build/screenshots/1280-*.png (and the 320 px ones above)."""
    emulate(driver, 1280, 800)
    try:
        for name, path in (("startsida", "/"), ("kommunens-startsida", f"/{K}/"),
                           ("insats", f"/{K}/insatser/{first_insats().slug}")):
            driver.get(web.url + path)
            wait(driver, lambda d: d.execute_script("return document.readyState") == "complete")
            screenshot(driver, f"1280-{name}")
        driver.get(f"{web.url}/{K}/chatt")
        field = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".ig-input"))[0]
        field.click()
        recommend(driver, field)
        assert first_card_visible(driver)[0]
        screenshot(driver, "1280-chattsidan-svar")
        field = open_widget(driver, f"{host.url}/kommun.html")
        recommend(driver, field)
        assert first_card_visible(driver)[0]
        screenshot(driver, "1280-widget-svar")
        driver.find_elements(By.CSS_SELECTOR, ".ig-lasmer")[-1].click()
        screenshot(driver, "1280-widget-las-mer")
        lattlast_switch(driver).click()
        screenshot(driver, "1280-widget-lattlast-svar")
        for name, path in (("kommunens-startsida", "/mellerud/"), ("resultat", RESULTAT_LL),
                           ("insats", f"/mellerud/insatser/{MELLERUD_INSATS}"), ("tillganglighet", "/tillganglighet")):
            driver.get(f"{web.url}{path}{'&' if '?' in path else '?'}lattlast=1")
            wait(driver, lambda d: d.execute_script("return document.readyState") == "complete")
            screenshot(driver, f"1280-lattlast-{name}")
    finally:
        stop_emulation(driver)
    assert len(list(SCREENSHOTS.glob("1280-*.png"))) >= 11


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
    # Tab order inside the panel: input, send, guide link; Shift+Tab back up reaches the lättläst
    # switch beside the input's label, then the choices.
    active(driver).send_keys(Keys.TAB)
    assert active(driver).get_attribute("class") == "ig-send"
    active(driver).send_keys(Keys.SHIFT, Keys.TAB)
    active(driver).send_keys(Keys.SHIFT, Keys.TAB)
    assert active(driver).get_attribute("class") == "ig-lattlast"
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
        "insats med lättläst text": f"/mellerud/insatser/{MELLERUD_INSATS}",
        "resultat med lättläst text": RESULTAT_LL,
        "föräldraprogram fel": f"/{K}/foraldraprogram?barn_alder=tre",
    }


@pytest.mark.parametrize("lattlast", [False, True], ids=["vanlig", "lattlast"])
@pytest.mark.parametrize("name", list(page_paths()))
def test_axe_pages(driver, web, name, lattlast):
    path = page_paths()[name]
    driver.get(web.url + path + (("&" if "?" in path else "?") + "lattlast=1" if lattlast else ""))
    wait(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    if lattlast and name != "404":
        assert "Lättläst är på." in driver.find_element(By.TAG_NAME, "body").text, name
    assert_accessible(driver, name + (" (lättläst)" if lattlast else ""))


def test_axe_chat_page_with_a_conversation(driver, web):
    driver.get(f"{web.url}/{K}/chatt")
    field = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".ig-input"))[0]
    recommend(driver, field)
    assert_accessible(driver, "chattsidan med svar, val och kort")
    driver.find_elements(By.CSS_SELECTOR, ".ig-lasmer")[-1].click()
    assert_accessible(driver, "chattsidan med rätten att ansöka utfälld")


@pytest.mark.parametrize("mode", list(WIDGET_TEXTS))
def test_axe_full_screen_widget_at_320_px(driver, host, web, mode):
    emulate(driver, 320, 568)
    try:
        field = open_chat(driver, host, web, "kommunens sida", mode)
        recommend(driver, field)
        assert_accessible(driver, f"widgeten i helskärm, 320 px ({mode})")
    finally:
        stop_emulation(driver)


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
        emulate(d, 320, 568)  # on a phone
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
        screenshot(d, "320-riktiga-assistenten")
        # each insats once, in the cards and in what the live region says; the reply from its start;
        # the right to apply as one sentence with the full text behind "Läs mer"
        ids = [c.get_attribute("data-insats-id") for c in cards]
        assert len(ids) == len(set(ids))
        names = [c.find_element(By.CSS_SELECTOR, ".ig-card-title a").get_attribute("textContent")
                 .split(" (öppnas i en ny flik)")[0] for c in cards]
        said = spoken(d, d.find_elements(By.CSS_SELECTOR, ".ig-svar")[-1])
        assert [said.count(n) for n in names] == [1] * len(names), said
        assert not any(t.startswith("1. ") for t in bot_texts(d)), "the text version is shown as well"
        before_cards = said.split(names[0])[0].split("Nytt svar")[-1]
        assert len(re.findall(r"\w+", before_cards)) <= 120, before_cards  # issue 13.5
        assert first_card_visible(d)[0]
        assert d.find_elements(By.CSS_SELECTOR, ".ig-ratt .ig-lasmer")
        assert "11 kap. 6 §" in d.find_element(By.CSS_SELECTOR, ".ig-log").get_attribute("textContent")
        assert_accessible(d, "widgeten med den riktiga assistenten")
    finally:
        d.quit()
        pages.close()
