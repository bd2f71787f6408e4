"""Staff statistics at /personal/: login, access rules, filters, small-cell protection (page and
CSV, including attempts to subtract one's way to a suppressed number), the CLI, and the schema."""
from __future__ import annotations

import csv
import datetime as dt
import html as html_lib
import io
import itertools
import random
import re
from html.parser import HTMLParser

import numpy as np
import pytest

from insatskatalog import statistics
from insatskatalog import vocabulary as v
from insatskatalog.loader import default_catalogue
from web.staff import users, data, disclosure
from conftest import column_names, query, table_names
from staff_kit import LOSEN, csrf, fyll, logga_in, session_of
from web_testkit import text_of


@pytest.fixture
def stat_db(stat_target):
    """Every test here runs against SQLite and against PostgreSQL (issue 15, item 4)."""
    return stat_target

VECKA = dt.date(2025, 3, 3)          # Monday of 2025-W10
PERIOD = "fran=2025-W08&till=2025-W12"


@pytest.fixture
def app(make_app):
    app = make_app()
    db = app.config["STAFF_DB"]
    users.create(db, "sala1", LOSEN, kommun="sala")
    users.create(db, "uppsala1", LOSEN, kommun="uppsala")
    users.create(db, "admin", LOSEN, admin=True)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def inloggad_klient(app, namn="sala1"):
    c = app.test_client()
    resp = logga_in(c, namn)
    assert resp.status_code == 302, text_of(resp)
    return c


# -- reading tables back from the page and the CSV (as an outsider would) -------------------

class Tabeller(HTMLParser):
    """Every <table>: caption and rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tabeller, self._t, self._rad, self._cell, self._caption = [], None, None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._t = {"caption": "", "rader": []}
        elif tag == "caption" and self._t is not None:
            self._caption = []
        elif tag == "tr" and self._t is not None:
            self._rad = []
        elif tag in ("td", "th") and self._rad is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self._t is not None:
            self.tabeller.append(self._t)
            self._t = None
        elif tag == "caption" and self._caption is not None:
            self._t["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag == "tr" and self._rad is not None:
            self._t["rader"].append(self._rad)
            self._rad = None
        elif tag in ("td", "th") and self._cell is not None:
            self._rad.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, d):
        if self._cell is not None:
            self._cell.append(d)
        elif self._caption is not None:
            self._caption.append(d)


def tabeller(html: str) -> list[dict]:
    p = Tabeller()
    p.feed(html)
    return p.tabeller


def tabell(html: str, caption_start: str) -> list[list[str]]:
    for t in tabeller(html):
        if t["caption"].startswith(caption_start):
            return t["rader"]
    raise AssertionError(f"ingen tabell {caption_start!r}")


def las_csv(text: str) -> list[dict]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


# -- an attacker that knows only what is shown ------------------------------------------------

SMALL = {"<5"}


def intervall(s: str, total: bool) -> tuple[int, int]:
    """What a reader learns from a shown value (hidden cells are assumed to be at least 5, the
    strongest reading)."""
    if s == "0":
        return 0, 0
    if s == "<5":
        return 1, 4
    if s == "–":
        return (1, 10**6) if total else (5, 10**6)
    n = int(s)  # every number is rounded to the nearest 5 (issue 12, item 7): 5 = 5–7, 10 = 8–12 …
    return max(5, n - 2), n + 2


def brute_force_linje(celler: list[str], total: str, avrundade: bool = False) -> list[set[int]]:
    """The rule's own check, done independently: every combination of 1–4 for the "<5" cells that
    fits the other shown numbers (exact, or rounded if `avrundade`, or hidden) and the rounded
    total. Returns the possible values per "<5" cell."""
    sma = [i for i, s in enumerate(celler) if s in SMALL]
    andra = [intervall(s, avrundade) for s in celler if s not in SMALL]
    s_lo, s_hi = sum(lo for lo, _ in andra), sum(hi for _, hi in andra)
    t_lo, t_hi = intervall(total, True)
    mojliga = [set() for _ in sma]
    for combo in itertools.product(range(1, 5), repeat=len(sma)):
        x = sum(combo)
        if s_lo + x <= t_hi and s_hi + x >= t_lo:   # some values of the others make it add up
            for i, val in enumerate(combo):
                mojliga[i].add(val)
    return mojliga


def anfall_tabell(rader: list[list[str]], har_totalrad: bool, avrundade: bool = False) -> list[str]:
    """Subtraction on every row and column of a published table (first row = header, first
    column = labels, last column = total, last row = totals if `har_totalrad`). Returns the
    suppressed cells that could be worked out exactly (should be none)."""
    body = rader[1:-1] if har_totalrad else rader[1:]
    avslojade = []
    for r in body:
        for val in brute_force_linje(r[1:-1], r[-1], avrundade):
            if len(val) < 2:
                avslojade.append(f"rad {r[0]}: {val}")
    if har_totalrad:
        totaler = rader[-1][1:-1]
        for j, total in enumerate(totaler):
            for val in brute_force_linje([r[1 + j] for r in body], total, avrundade):
                if len(val) < 2:
                    avslojade.append(f"kolumn {rader[0][1 + j]}: {val}")
        # the totals row itself: the column totals (rounded) against the grand total
        for val in brute_force_linje(totaler, rader[-1][-1], True):
            if len(val) < 2:
                avslojade.append(f"totalraden: {val}")
        # the totals column: the row totals (rounded) against the grand total
        for val in brute_force_linje([r[-1] for r in body], rader[-1][-1], True):
            if len(val) < 2:
                avslojade.append(f"totalkolumnen: {val}")
    return avslojade


# -- access ---------------------------------------------------------------------------------

def staff_urls(app) -> list[tuple[str, str]]:
    out = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/personal") and rule.endpoint not in ("personal.login", "personal.om_statistiken"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                out.append((method, rule.rule))
    return out


def test_every_staff_url_requires_login(app, client):
    urls = staff_urls(app)
    assert ("GET", "/personal/") in urls and ("GET", "/personal/export.csv") in urls and ("POST", "/personal/logga-ut") in urls
    urls += [("GET", "/personal"), ("GET", "/personal/finns-inte"), ("GET", f"/personal/?{PERIOD}&kommun=sala"),
             ("GET", f"/personal/export.csv?{PERIOD}"), ("POST", "/personal/")]
    for method, url in urls:
        resp = client.open(url, method=method)
        assert resp.status_code == 302, (method, url, resp.status_code)
        assert resp.headers["Location"].startswith("/personal/login"), (method, url)
        assert "personal" not in session_of(app, client)   # the cookie's value is signed base64: decode it
    assert logga_in(client).status_code == 302 and "personal" in session_of(app, client)  # the check can see a login


def test_public_pages_need_no_login(client):
    login = client.get("/personal/login")
    assert login.status_code == 200 and 'name="csrf_token"' in text_of(login)
    om = client.get("/personal/om-statistiken")
    html = text_of(om)
    assert om.status_code == 200
    for ord_ in ("vecka", "kommun", "chatten eller guiden", "IP-adress", "samtals-id", "&lt;5", "dataskyddsinformation",
                 "Aldrig dag eller klockslag"):
        assert ord_ in html, ord_


def test_login_redirects_back_and_sets_a_safe_session_cookie(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True)
    users.create(app.config["STAFF_DB"], "sala1", LOSEN, kommun="sala")
    c = app.test_client()
    first = c.get(f"/personal/export.csv?{PERIOD}", base_url="https://localhost")
    assert first.status_code == 302
    nasta = re.search(r"nasta=([^&]+)", first.headers["Location"]).group(1)
    page = c.get(first.headers["Location"], base_url="https://localhost")
    form = text_of(page)
    resp = c.post("/personal/login", base_url="https://localhost",
                  data={"csrf_token": csrf(form), "anvandarnamn": "Sala1", "losenord": LOSEN,
                        "nasta": html_lib.unescape(re.search(r'name="nasta" value="([^"]+)"', form).group(1))})
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/personal/export.csv?")
    assert nasta
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and re.search(r"SameSite=(Lax|Strict)", cookie)
    assert c.get(resp.headers["Location"], base_url="https://localhost").status_code == 200


def test_login_never_redirects_elsewhere(client):
    for nasta in ("https://evil.example/", "//evil.example/personal/", "/annat", "/\\evil.example"):
        token = csrf(text_of(client.get("/personal/login")))
        resp = client.post("/personal/login", data={"csrf_token": token, "anvandarnamn": "sala1", "losenord": LOSEN,
                                                    "nasta": nasta})
        assert resp.status_code == 302 and resp.headers["Location"] == "/personal/", nasta
        client.post("/personal/logga-ut", data={"csrf_token": csrf(text_of(client.get("/personal/")))})


def test_wrong_password_gives_one_generic_error(client):
    svar = []
    for namn, losen in (("sala1", "fel-losenord-helt"), ("finns-inte", LOSEN), ("", ""), ("sala1", "x" * 5000)):
        resp = logga_in(client, namn, losen)
        html = text_of(resp)
        assert resp.status_code == 401 and "Fel användarnamn eller lösenord" in html
        svar.append(re.search(r'<div class="felruta".*?</div>', html, re.S).group(0))
    assert len(set(svar)) == 1  # nothing tells which part was wrong
    assert client.get("/personal/").status_code == 302


def test_login_rate_limit_per_username_and_address(app, client):
    for _ in range(5):
        assert logga_in(client, "sala1", "fel-losenord-igen").status_code == 401
    resp = logga_in(client, "sala1", LOSEN)  # even the right password is refused now, from here
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 0
    assert "För många misslyckade inloggningar" in text_of(resp)
    # the same account from another address is not locked out (issue 12, item 10)
    other = app.test_client()
    assert logga_in(other, "sala1", LOSEN, environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code == 302


def test_login_rate_limit_per_client(make_app):
    app = make_app(STAFF_FEL_PER_ADRESS=5)
    users.create(app.config["STAFF_DB"], "sala1", LOSEN, kommun="sala")
    c = app.test_client()
    env = {"REMOTE_ADDR": "198.51.100.7"}
    for i in range(5):
        assert logga_in(c, f"gissning{i}", LOSEN, environ_base=env).status_code == 401
    assert logga_in(c, "sala1", LOSEN, environ_base=env).status_code == 429
    assert logga_in(app.test_client(), "sala1", LOSEN, environ_base={"REMOTE_ADDR": "198.51.100.8"}).status_code == 302


def test_rate_limit_keeps_no_username_or_address(app, client, caplog):
    with caplog.at_level("DEBUG"):
        logga_in(client, "hemlig-person", "fel-losenord-igen", environ_base={"REMOTE_ADDR": "203.0.113.77"})
    sparr = app.extensions["personal_inloggning"]
    assert sparr._fel and all(isinstance(k, bytes) and b"hemlig" not in k and b"203.0.113" not in k for k in sparr._fel)
    assert "203.0.113.77" not in caplog.text and "hemlig-person" not in caplog.text


def test_rate_limit_window_passes():
    from web.staff.login import LoginThrottle
    sparr = LoginThrottle(max_fel=2, fonster=0.2)
    for _ in range(2):
        sparr.attempt("a", "1.1.1.1")
    assert sparr.wait("a", "1.1.1.1") > 0 and sparr.wait("a", "2.2.2.2") == 0 and sparr.wait("b", "1.1.1.1") == 0
    import time
    time.sleep(0.25)
    assert sparr.wait("a", "1.1.1.1") == 0


def test_csrf_on_login_and_logout(app, client):
    resp = client.post("/personal/login", data={"anvandarnamn": "sala1", "losenord": LOSEN})
    assert resp.status_code == 400 and "Formuläret" in text_of(resp)
    assert client.get("/personal/").status_code == 302  # not logged in
    c = inloggad_klient(app)
    assert c.post("/personal/logga-ut", data={}).status_code == 400
    assert c.post("/personal/logga-ut", data={"csrf_token": "fel"}).status_code == 400
    assert c.get("/personal/").status_code == 200  # still logged in
    assert c.get("/personal/logga-ut").status_code == 405  # logout is POST only
    page = text_of(c.get("/personal/"))
    resp = c.post("/personal/logga-ut", data={"csrf_token": csrf(page)})
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/personal/login")
    assert c.get("/personal/").status_code == 302


def test_new_password_or_removed_account_ends_sessions(app):
    c = inloggad_klient(app)
    users.set_password(app.config["STAFF_DB"], "sala1", "ett-annat-langt-losenord")
    assert c.get("/personal/").status_code == 302
    assert logga_in(c, "sala1", "ett-annat-langt-losenord").status_code == 302
    users.delete(app.config["STAFF_DB"], "sala1")
    assert c.get("/personal/").status_code == 302


def test_staff_sees_only_their_own_municipality(app, stat_db):
    fyll(stat_db, 7, kommun="sala")
    fyll(stat_db, 9, kommun="uppsala", amne="ekonomi")
    c = inloggad_klient(app, "sala1")
    own = c.get(f"/personal/?{PERIOD}")
    html = text_of(own)
    assert own.status_code == 200 and "Sala" in html and '<select id="kommun"' not in html
    rader = tabell(html, "Antal per ämne och vecka")
    assert [r[0] for r in rader[1:-1]] == [v.amne_etikett("beroende")]
    assert c.get(f"/personal/?{PERIOD}&kommun=sala").status_code == 200
    for url in (f"/personal/?{PERIOD}&kommun=uppsala", f"/personal/?{PERIOD}&kommun=alla", "/personal/?kommun=okand",
                f"/personal/export.csv?{PERIOD}&kommun=uppsala", "/personal/export.csv?kommun=alla"):
        resp = c.get(url)
        assert resp.status_code == 403, url
        assert "behörighet" in text_of(resp) and "Ekonomi" not in text_of(resp)


def test_admin_sees_every_municipality_and_all_together(app, stat_db):
    fyll(stat_db, 7, kommun="sala")
    fyll(stat_db, 9, kommun="uppsala", amne="ekonomi")
    fyll(stat_db, 6, kommun=None, amne="kris")  # chat without a municipality → "okand"
    c = inloggad_klient(app, "admin")
    page = text_of(c.get(f"/personal/?{PERIOD}"))
    assert '<select id="kommun"' in page and "Alla kommuner" in page
    alla = tabell(page, "Antal per ämne och vecka")
    assert {r[0] for r in alla[1:-1]} == {v.amne_etikett(a) for a in ("beroende", "ekonomi", "kris")}
    for kommun, amne in (("sala", "beroende"), ("uppsala", "ekonomi"), ("okand", "kris")):
        rader = tabell(text_of(c.get(f"/personal/?{PERIOD}&kommun={kommun}")), "Antal per ämne och vecka")
        assert [r[0] for r in rader[1:-1]] == [v.amne_etikett(amne)]
    assert c.get(f"/personal/export.csv?{PERIOD}&kommun=uppsala").status_code == 200


@pytest.mark.parametrize("query, falt", [
    ("fran=2025-W60", "finns inte"),
    ("fran=igår", "till exempel 2025-W07"),
    ("till=2025-13-01", "till exempel 2025-W07"),
    ("kvartal=2025-K5", "Välj ett kvartal"),
    ("kvartal=2099-K1", "inte slut ännu"),
    ("amne=%3Cscript%3E", "Välj ett ämne"),
    ("kanal=sms", "Välj kanal"),
    ("kommun=stockholm", "Välj en kommun"),
])
def test_malformed_filters_give_a_clear_swedish_400(app, query, falt):
    c = inloggad_klient(app, "admin")
    resp = c.get(f"/personal/?{query}")
    html = text_of(resp)
    assert resp.status_code == 400 and "Filtret behöver rättas" in html and falt in html
    assert 'aria-invalid="true"' in html and "<script>" not in html
    csv_resp = c.get(f"/personal/export.csv?{query}")
    assert csv_resp.status_code == 400 and falt in text_of(csv_resp)


def test_lenient_week_spelling_and_defaults(app):
    c = inloggad_klient(app)
    # old links with weeks show the whole quarter of the last week (fixed publication periods)
    html = text_of(c.get("/personal/?fran=2025w8&till=2025-W12"))
    assert "Kvartal 1 2025: vecka 2025-W01 till och med 2025-W13 (13 veckor)" in html
    html = text_of(c.get("/personal/"))
    y, q = data.senaste_avslutade_kvartal(dt.date.today())
    assert f"Kvartal {q} {y}: vecka" in html


# -- what is shown --------------------------------------------------------------------------

def test_small_cells_and_rounded_totals_on_page_and_csv(app, stat_db):
    fyll(stat_db, 17, vecka=9)
    fyll(stat_db, 3, vecka=10)
    fyll(stat_db, 21, vecka=11, amne="ekonomi")
    c = inloggad_klient(app)
    html = text_of(c.get(f"/personal/?{PERIOD}"))
    rader = tabell(html, "Antal per ämne och vecka")
    assert rader[0][1:] == ["Vecka 1 2025", *[f"Vecka {w}" for w in range(2, 14)], "Totalt (avrundat)"]
    beroende = next(r for r in rader if r[0] == v.amne_etikett("beroende"))
    assert beroende[8:13] == ["0", "15", "<5", "0", "0"]  # weeks 8–12; 17 is rounded to 15
    assert beroende[-1] == "20"
    assert "3" not in beroende[1:] and "17" not in beroende[1:]
    ekonomi = next(r for r in rader if r[0] == v.amne_etikett("ekonomi"))
    assert ekonomi[8:13] == ["0", "0", "0", "20", "0"] and ekonomi[-1] == "20"
    rows = las_csv(text_of(c.get(f"/personal/export.csv?{PERIOD}")))
    cell = {(r["tabell"], r["amne"], r["vecka"], r["utfall"], r["kanal"]): r["antal"] for r in rows}
    assert cell[("Ämne per vecka", v.amne_etikett("beroende"), "2025-W10", "", "Chatt och guide")] == "<5"
    assert cell[("Ämne per vecka", v.amne_etikett("beroende"), "2025-W09", "", "Chatt och guide")] == "15"
    assert cell[("Ämne per vecka", v.amne_etikett("ekonomi"), "Hela perioden", "", "Chatt och guide")] == "20"
    assert not any(r["antal"] in ("1", "2", "3", "4") for r in rows)


def test_csv_and_page_show_the_same_numbers(app, stat_db):
    rnd = random.Random(3)
    for _ in range(120):
        fyll(stat_db, 1, amne=rnd.choice(["beroende", "ekonomi", "kris", "vald"]), kanal=rnd.choice(["chatt", "guide"]),
             vecka=rnd.choice([8, 9, 10, 11, 12]), utfall=rnd.choice(list(statistics.UTFALL)))
    c = inloggad_klient(app)
    for kanal in ("alla", "chatt", "guide"):
        html = text_of(c.get(f"/personal/?{PERIOD}&kanal={kanal}"))
        rows = las_csv(text_of(c.get(f"/personal/export.csv?{PERIOD}&kanal={kanal}")))
        rader = tabell(html, "Antal per ämne och vecka")
        veckor = data.veckor_mellan("2025-W01", "2025-W13")
        for r in rader[1:-1]:
            fran_csv = [next(x["antal"] for x in rows if x["tabell"] == "Ämne per vecka" and x["amne"] == r[0]
                             and x["vecka"] == w) for w in [*veckor, "Hela perioden"]]
            assert fran_csv == r[1:], (kanal, r[0])


def test_chart_works_without_javascript_and_has_a_text_alternative(app, stat_db):
    fyll(stat_db, 12, vecka=9)
    fyll(stat_db, 2, vecka=10)
    c = inloggad_klient(app)
    resp = c.get(f"/personal/?{PERIOD}")
    html = text_of(resp)
    assert "<script" not in html and "style=" not in html  # CSP without unsafe-inline holds
    assert "unsafe-inline" not in resp.headers["Content-Security-Policy"]
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1)
    assert "vecka 9: 10" in desc and "vecka 10: färre än 5" in desc
    assert svg.count('class="stapel"') == 1 and svg.count('class="stapel-liten"') == 1
    assert "&lt;5" in svg  # the label, never the true height of a small bar
    # the accessible table: caption and header scopes
    assert re.search(r"<table[^>]*>\s*<caption", html)
    assert 'scope="col"' in html and 'scope="row"' in html
    assert resp.headers["Cache-Control"] == "no-store"
    assert 'name="robots" content="noindex' in html


def test_top_topics_chat_versus_guide_outcomes_and_unmet_needs(app, stat_db):
    kat = default_catalogue()
    kommun = "uppsala" if "uppsala" in kat.kommuner else sorted(kat.kommuner)[0]
    har = {a for i in kat.kommuner[kommun].insatser for a in i.amnen}
    saknas = next(a for a in v.amnen() if a not in har)
    finns = next(a for a in v.amnen() if a in har)
    fyll(stat_db, 30, kommun=kommun, amne=finns, kanal="chatt")
    fyll(stat_db, 12, kommun=kommun, amne=finns, kanal="guide", utfall="inget_passade")
    fyll(stat_db, 8, kommun=kommun, amne=saknas, kanal="chatt", utfall="inget_passade")
    users.create(app.config["STAFF_DB"], "k1", LOSEN, kommun=kommun)
    c = inloggad_klient(app, "k1")
    html = text_of(c.get(f"/personal/?{PERIOD}"))
    topp = tabell(html, "De vanligaste ämnena")
    assert [r[1:] for r in topp[1:]] == [[v.amne_etikett(finns), "40"], [v.amne_etikett(saknas), "10"]]
    kanal = tabell(html, "Antal per ämne i chatten och i guiden")
    assert kanal[1] == [v.amne_etikett(finns), "30", "10", "40"]
    utfall = tabell(html, "Utfall per ämne")
    assert utfall[0][1:-1] == list(statistics.UTFALL.values())
    assert utfall[1][:3] == [v.amne_etikett(finns), "30", "10"]
    inget = tabell(html, "Ämnen där Insatsguiden inte hittade")
    assert [r[0] for r in inget[1:]] == [v.amne_etikett(finns), v.amne_etikett(saknas)]
    utan = tabell(html, "Ämnen som invånare frågade om men som kommunen inte har")
    assert utan[1:] == [[v.amne_etikett(saknas), "10"]]
    rows = las_csv(text_of(c.get(f"/personal/export.csv?{PERIOD}")))
    assert {r["amne"] for r in rows if r["tabell"] == "Ämne utan insats i kommunen"} == {v.amne_etikett(saknas)}


def test_topic_and_channel_filters_select(app, stat_db):
    fyll(stat_db, 11, amne="beroende", kanal="chatt")
    fyll(stat_db, 6, amne="ekonomi", kanal="guide")
    c = inloggad_klient(app)
    rader = tabell(text_of(c.get(f"/personal/?{PERIOD}&amne=ekonomi")), "Antal per ämne och vecka")
    assert [r[0] for r in rader[1:]] == [v.amne_etikett("ekonomi")]  # one row, no all-topic totals
    rader = tabell(text_of(c.get(f"/personal/?{PERIOD}&kanal=chatt")), "Antal per ämne och vecka")
    assert [r[0] for r in rader[1:-1]] == [v.amne_etikett("beroende")]


# -- the protection rule and attacks on it --------------------------------------------------

def test_rule_hides_a_total_that_would_pin_a_number():
    # four cells of 1 ("<5", each at least 1) under a total of 4 ("<5", at most 4): each would be
    # exactly 1 → one of them is hidden, and then none can be worked out
    plan = disclosure.Plan()
    celler = [plan.post(1, disclosure.CELL) for _ in range(4)]
    total = plan.post(4, disclosure.SUMMA)
    plan.summa(total, celler)
    disclosure.protect(plan)
    assert "–" in [plan.visas(i) for i in (*celler, total)]
    lo, hi, ok = disclosure._System(plan).propagate(10_000)
    assert ok and all(lo[i] < hi[i] for i in (*celler, total))
    # the old giveaway row (31 visible + 4 under a total of 35) is safe with rounding to 5
    plan = disclosure.Plan()
    celler = [plan.post(n, disclosure.CELL) for n in (10, 11, 10, 4)]
    total = plan.post(35, disclosure.SUMMA)
    plan.summa(total, celler)
    disclosure.protect(plan)
    assert [plan.visas(i) for i in celler] == ["10", "10", "10", "<5"] and plan.visas(total) == "35"


def test_rounding_is_to_the_nearest_five():
    assert [disclosure.avrunda(n) for n in (5, 7, 8, 12, 13, 17, 18, 22)] == [5, 5, 10, 10, 15, 15, 20, 20]
    assert disclosure.Post(3, disclosure.SUMMA).visas() == "<5" and disclosure.Post(0, disclosure.SUMMA).visas() == "0"
    assert disclosure.Post(6, disclosure.CELL).visas() == "5"  # cells too: no count is shown exactly


def fyll_svar_data(db, seed: int, kommun="sala", n=22):
    """Many small counts: the hard case for small-cell protection."""
    rnd = random.Random(seed)
    for _ in range(n):
        fyll(db, rnd.choice([1, 1, 1, 2, 3, 4, 6]), kommun=kommun, amne=rnd.choice(["beroende", "ekonomi", "kris"]),
             kanal=rnd.choice(["chatt", "guide"]), vecka=rnd.choice([8, 9, 10, 11, 12]),
             utfall=rnd.choice(["rekommenderat", "inget_passade", "kris"]))


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_subtraction_attack_on_the_page_fails(app, stat_db, seed):
    fyll_svar_data(stat_db, seed)
    c = inloggad_klient(app)
    sidor = {k: text_of(c.get(f"/personal/?{PERIOD}&kanal={k}")) for k in ("alla", "chatt", "guide")}
    for kanal, html in sidor.items():
        veckor = tabell(html, "Antal per ämne och vecka")
        assert any("<5" in r for r in veckor), "the test data must have small cells"
        assert anfall_tabell(veckor, har_totalrad=True) == [], kanal
        assert anfall_tabell(tabell(html, "Utfall per ämne"), har_totalrad=True, avrundade=True) == [], kanal
    # The chat/guide table: chatt + guide = both, per topic (all rounded or "<5")
    for r in tabell(sidor["alla"], "Antal per ämne i chatten och i guiden")[1:]:
        assert all(len(val) >= 2 for val in brute_force_linje(r[1:3], r[3], avrundade=True)), r
    # Across channel filters: both = chatt + guide for every topic and week
    assert korsvis_anfall({k: tabell(h, "Antal per ämne och vecka") for k, h in sidor.items()}) == []


def korsvis_anfall(tabeller_per_kanal: dict) -> list:
    """Subtract the chat view's cell from the both-channels view's cell (and so on) to recover a
    "<5" cell in the other view."""
    def celler(rader):
        head = rader[0]
        return {(r[0], head[j]): r[j] for r in rader[1:-1] for j in range(1, len(head) - 1)}
    alla, chatt, guide = (celler(tabeller_per_kanal[k]) for k in ("alla", "chatt", "guide"))
    avslojade = []
    for key, t in alla.items():
        c, g = chatt.get(key, "0"), guide.get(key, "0")
        lt, lc, lg = intervall(t, False), intervall(c, False), intervall(g, False)
        mojliga_c = {x for x in range(lc[0], min(lc[1], 200) + 1)
                     if any(lt[0] <= x + y <= lt[1] for y in range(lg[0], min(lg[1], 200) + 1))}
        mojliga_g = {y for y in range(lg[0], min(lg[1], 200) + 1)
                     if any(lt[0] <= x + y <= lt[1] for x in range(lc[0], min(lc[1], 200) + 1))}
        mojliga_t = {x + y for x in mojliga_c for y in mojliga_g if lt[0] <= x + y <= lt[1]}
        for namn, s, mojliga in (("chatt", c, mojliga_c), ("guide", g, mojliga_g), ("båda", t, mojliga_t)):
            if s == "<5" and len(mojliga) < 2:
                avslojade.append((key, namn, mojliga))
    return avslojade


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_subtraction_attack_on_the_csv_fails(app, stat_db, seed):
    fyll_svar_data(stat_db, seed + 10)
    c = inloggad_klient(app)
    veckor = data.veckor_mellan("2025-W08", "2025-W12")
    per_kanal = {}
    for kanal in ("alla", "chatt", "guide"):
        rows = las_csv(text_of(c.get(f"/personal/export.csv?{PERIOD}&kanal={kanal}")))
        assert any(r["antal"] == "<5" for r in rows)
        amnen = list(dict.fromkeys(r["amne"] for r in rows if r["tabell"] == "Ämne per vecka" and r["amne"] != "Alla ämnen"))
        get = {(r["tabell"], r["amne"], r["vecka"], r["utfall"]): r["antal"] for r in rows}
        # rebuild the topic × week table from the CSV rows and attack it
        head = ["Ämne", *veckor, "Totalt"]
        body = [[a, *[get[("Ämne per vecka", a, w, "")] for w in veckor], get[("Ämne per vecka", a, "Hela perioden", "")]]
                for a in amnen]
        tot = ["Alla ämnen", *[get[("Ämne per vecka", "Alla ämnen", w, "")] for w in veckor],
               get[("Ämne per vecka", "Alla ämnen", "Hela perioden", "")]]
        assert anfall_tabell([head, *body, tot], har_totalrad=True) == [], kanal
        utfall = [u for u in statistics.UTFALL.values()]
        ubody = [[a, *[get[("Utfall per ämne", a, "Hela perioden", u)] for u in utfall],
                  get[("Utfall per ämne", a, "Hela perioden", "Alla utfall")]] for a in amnen]
        utot = ["Alla ämnen", *[get[("Utfall per ämne", "Alla ämnen", "Hela perioden", u)] for u in utfall],
                get[("Ämne per vecka", "Alla ämnen", "Hela perioden", "")]]
        assert anfall_tabell([["Ämne", *utfall, "Totalt"], *ubody, utot], har_totalrad=True, avrundade=True) == [], kanal
        per_kanal[kanal] = [head, *body, tot]
    assert korsvis_anfall(per_kanal) == []


@pytest.mark.parametrize("seed", range(8))
def test_no_small_number_can_be_recovered_by_any_combination(seed):
    """An exhaustive attacker on a small case: one topic, two weeks, chat and guide. It tries
    EVERY possible set of true counts (0–30 per cell), keeps those that agree with everything
    shown in all three channel views (cells, topic/week/outcome totals, grand totals), and checks
    that each number shown as "<5" still has at least two possible values."""
    rnd = random.Random(seed)
    veckor = ["2025-W10", "2025-W11"]
    sann = {(k, w): rnd.choice([0, 1, 1, 2, 3, 4, 5, 6, 9, 12]) for k in ("chatt", "guide") for w in veckor}
    rader = [("sala", k, "beroende", w, "rekommenderat", n) for (k, w), n in sann.items() if n]
    assert rader, "each seed gives some counts (else this test would check nothing)"
    s = data.Skyddad(rader, veckor, "sala")
    grid = np.indices((31,) * 4).reshape(4, -1)   # candidates for (chatt W10, chatt W11, guide W10, guide W11)
    kand = {("chatt", veckor[0]): grid[0], ("chatt", veckor[1]): grid[1],
            ("guide", veckor[0]): grid[2], ("guide", veckor[1]): grid[3]}
    mask = np.ones(grid.shape[1], dtype=bool)
    kontroller = []   # (shown text, candidate values)
    for kanal in ("alla", "chatt", "guide"):
        vy = s.vy(kanal)
        kanaler = ("chatt", "guide") if kanal == "alla" else (kanal,)
        cell = {w: sum(kand[(k, w)] for k in kanaler) for w in veckor}
        total = cell[veckor[0]] + cell[veckor[1]]
        poster = [(vy.cell("beroende", w), cell[w], False) for w in veckor]
        poster += [(vy.vecka_total(w), cell[w], True) for w in veckor]
        poster += [(vy.amne_total("beroende"), total, True), (vy.total(), total, True),
                   (vy.utfall("beroende", "rekommenderat"), total, True), (vy.utfall_total("rekommenderat"), total, True)]
        for text, varden, ar_total in poster:
            lo, hi = intervall(text, ar_total)
            mask &= (varden >= lo) & (varden <= hi)
            kontroller.append((text, varden))
    assert mask.any()  # the truth itself is always a candidate
    for text, varden in kontroller:
        if text == "<5":
            assert len(np.unique(varden[mask])) >= 2, (seed, sann, text)


# -- the schema and the CLI -------------------------------------------------------------------

def test_no_free_text_column_reachable_by_resident_input(app, stat_db):
    fritext = "Jag heter Anna 19850312-1234 och min son röker på"
    statistics.record(kommun=fritext, kanal="chatt", amne=fritext, intent=fritext, utfall="rekommenderat", db_path=stat_db)
    assert statistics.record(kommun="sala", kanal=fritext, amne="beroende", intent="x", utfall="rekommenderat", db_path=stat_db) is False
    assert statistics.record(kommun="sala", kanal="chatt", amne="beroende", intent="x", utfall=fritext, db_path=stat_db) is False
    tabeller_ = table_names(stat_db)
    # With PostgreSQL the staff accounts live in the same database, in their own tables.
    assert [t for t in tabeller_ if t not in ("anvandare", "inloggningar")] == ["rakneverk"]
    kolumner = column_names(stat_db, "rakneverk")
    assert kolumner == ["vecka", "kommun", "kanal", "amne", "intent", "utfall", "antal"]
    for kommun, kanal, amne, intent, utfall in query(stat_db, "select kommun, kanal, amne, intent, utfall from rakneverk"):
        assert kommun in (*v.KOMMUN_IDS, statistics.OKAND_KOMMUN)
        assert kanal in statistics.KANALER and utfall in statistics.UTFALL
        assert amne in (*v.amnen(), statistics.INGET_AMNE)
        assert intent in (*statistics.INTENT_TILLATNA, "annat")
    assert all(re.fullmatch(r"\d{4}-W\d{2}", w) for (w,) in query(stat_db, "select vecka from rakneverk"))
    # The staff page only reads: nothing is added by looking at it.
    c = inloggad_klient(app)
    before = query(stat_db, "select count(*), sum(antal) from rakneverk")
    c.get("/personal/")
    c.get("/personal/export.csv")
    assert query(stat_db, "select count(*), sum(antal) from rakneverk") == before
    # The staff accounts table holds staff data only: nothing a resident can type reaches it.
    kol = column_names(app.config["STAFF_DB"], "anvandare")
    assert kol == ["namn", "losenord_hash", "roll", "kommun", "sessionsnyckel"]


def test_passwords_are_hashed_with_scrypt(app):
    rows = query(app.config["STAFF_DB"], "select namn, losenord_hash from anvandare")
    assert rows and all(h.startswith("scrypt:") and LOSEN not in h for _, h in rows)


def test_cli_creates_users_and_sets_passwords(app):
    runner = app.test_cli_runner()
    res = runner.invoke(args=["personal", "skapa-anvandare", "Maja", "--kommun", "lekeberg", "--losenord", LOSEN])
    assert res.exit_code == 0 and "Skapade maja" in res.output
    res = runner.invoke(args=["personal", "skapa-anvandare", "chef", "--admin"], input=f"{LOSEN}\n{LOSEN}\n")
    assert res.exit_code == 0 and "administratör" in res.output and LOSEN not in res.output
    for args, fel in (
        (["skapa-anvandare", "x1", "--losenord", LOSEN], "antingen"),
        (["skapa-anvandare", "x2", "--admin", "--kommun", "sala", "--losenord", LOSEN], "antingen"),
        (["skapa-anvandare", "x3", "--kommun", "sala", "--losenord", "kort"], "minst 12"),
        (["skapa-anvandare", "maja", "--kommun", "sala", "--losenord", LOSEN], "finns redan"),
        (["skapa-anvandare", "x4", "--kommun", "stockholm", "--losenord", LOSEN], "stockholm"),
        (["satt-losenord", "finns-inte", "--losenord", LOSEN], "finns inte"),
    ):
        res = runner.invoke(args=["personal", *args])
        assert res.exit_code != 0 and fel in res.output, (args, res.output)
    user = users.get(app.config["STAFF_DB"], "maja")
    assert user.kommun == "lekeberg" and not user.admin
    assert users.get(app.config["STAFF_DB"], "chef").admin
    res = runner.invoke(args=["personal", "satt-losenord", "maja", "--losenord", "ett-nytt-langt-losenord"])
    assert res.exit_code == 0
    assert logga_in(app.test_client(), "maja", LOSEN).status_code == 401
    assert logga_in(app.test_client(), "maja", "ett-nytt-langt-losenord").status_code == 302
    res = runner.invoke(args=["personal", "lista"])
    assert "maja\tpersonal\tlekeberg" in res.output and "scrypt" not in res.output
    assert runner.invoke(args=["personal", "ta-bort", "maja"]).exit_code == 0
    assert users.get(app.config["STAFF_DB"], "maja") is None


def test_staff_db_defaults_next_to_the_statistics_db(app, stat_db):
    if isinstance(stat_db, str):   # PostgreSQL: the same database as the counters
        assert app.config["STAFF_DB"] == stat_db
    else:
        assert app.config["STAFF_DB"] == stat_db.parent / "personal.db"
