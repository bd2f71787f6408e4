"""The chat proxy /api/chatt: validation, redaction, metadata, CORS, limits and Rasa being down."""
import socket
import time

import pytest

from insatskatalog.loader import default_catalogue
from web_testkit import main_kommun, text_of

K = main_kommun()
SENDER = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def proxied(make_app, fake_rasa):
    app = make_app(RASA_URL=fake_rasa.url)
    return app.test_client(), fake_rasa


def post(c, **body):
    payload = {"sender": SENDER, "message": "hej", "kommun": K}
    payload.update(body)
    return c.post("/api/chatt", json=payload)


def test_message_is_redacted_and_forwarded_with_municipality_metadata(proxied):
    c, rasa = proxied
    resp = post(c, message="mitt personnummer är 19850312-1234, maila kalle@example.com eller ring 070-123 45 67")
    assert resp.status_code == 200
    sent = rasa.received[-1]
    assert sent["path"] == "/webhooks/rest/webhook"
    assert sent["json"]["sender"] == SENDER
    assert sent["json"]["metadata"] == {"kommun": K, "kanal": "chatt"}
    text = sent["json"]["message"]
    assert "19850312" not in text and "1234" not in text and "kalle" not in text and "070" not in text
    assert "«personnummer borttaget»" in text


def test_every_canary_is_removed_before_the_text_leaves_for_rasa(proxied):
    """The forms the memory test (tests/stack/test_memory_canaries.py) looks for in Rasa: the web
    tier redacts them before the request to Rasa is made, so Rasa never parses them."""
    from conftest import Canaries

    c, rasa = proxied
    canaries = Canaries()
    for message in canaries.messages:
        assert post(c, message=message).status_code == 200
    sent = " ".join(r["json"]["message"] for r in rasa.received)
    assert len(rasa.received) == len(canaries.messages)
    for value in canaries.values:
        assert value not in sent, value
    for placeholder in ("«namn borttaget»", "«adress borttagen»", "«telefonnummer borttaget»",
                        "«e-postadress borttagen»", "«personnummer borttaget»"):
        assert placeholder in sent
    assert "min son röker på" in sent and "han är 16" in sent


@pytest.mark.parametrize("url,forwarded", [("https://www.alingsas.se/socialtjanst", True),
                                            ("javascript:alert(1)", False), ("http://x.se", False), (42, False)])
def test_the_sites_contact_page_is_forwarded_only_as_https(proxied, url, forwarded):
    c, rasa = proxied
    assert post(c, kontakt_url=url).status_code == 200
    metadata = rasa.received[-1]["json"]["metadata"]
    assert (metadata.get("kontakt_url") == url) if forwarded else ("kontakt_url" not in metadata)


def test_replies_pass_through_as_rasas_json_list(proxied):
    c, rasa = proxied
    card = {"id": f"{K}/x", "namn": "X", "varfor": "För att", "villkor": [{"text": "Ålder", "status": "okant"}],
            "anonymitet": "Du kan vara anonym.", "kontakt": "Kontakt: ring", "url": f"/{K}/insatser/x"}
    rasa.replies = [
        {"recipient_id": SENDER, "text": "Vem gäller det?",
         "buttons": [{"title": "Mitt barn", "payload": "Mitt barn"}, {"bad": 1}]},
        {"recipient_id": SENDER, "custom": {"insatser": [card]}},
        {"recipient_id": SENDER, "image": "https://example.com/x.png"},
        "skräp",
    ]
    data = post(c).get_json()
    assert data[0] == {"recipient_id": SENDER, "text": "Vem gäller det?",
                       "buttons": [{"title": "Mitt barn", "payload": "Mitt barn"}]}
    assert data[1]["custom"]["insatser"][0] == card
    assert data[2] == {"recipient_id": SENDER}  # images are not part of the contract
    assert len(data) == 3


def test_html_in_messages_is_never_reflected(proxied, client):
    c, rasa = proxied
    rasa.replies = [{"recipient_id": SENDER, "text": "Jag förstod inte."}]
    resp = post(c, message="<script>alert('x')</script><img src=x onerror=alert(1)>")
    assert resp.status_code == 200 and "<script>" not in text_of(resp) and "onerror" not in text_of(resp)
    for body in ({"kommun": "<b>ond</b>"}, {"sender": "<script>"}, {"message": {"<i>": 1}}):
        resp = post(client, **body)
        assert resp.status_code in (400, 404)
        assert "<b>" not in text_of(resp) and "<script>" not in text_of(resp) and "<i>" not in text_of(resp)


def test_malformed_json_is_a_swedish_400(client):
    for data, ctype in (("{inte json", "application/json"), ("[1, 2]", "application/json"),
                        ("message=hej", "application/x-www-form-urlencoded"), ("", "application/json")):
        resp = client.post("/api/chatt", data=data, content_type=ctype)
        assert resp.status_code == 400, data
        assert resp.is_json and "JSON" in resp.get_json()["fel"]


@pytest.mark.parametrize("body,code,word", [
    ({"sender": ""}, 400, "id"),
    ({"sender": "kort"}, 400, "id"),
    ({"sender": 123}, 400, "id"),
    ({"message": None}, 400, "Meddelandet"),
    ({"message": 5}, 400, "Meddelandet"),
    ({"kommun": None}, 400, "kommun"),
    ({"kommun": "stockholm"}, 404, "finns inte"),
])
def test_invalid_fields_get_swedish_messages(client, body, code, word):
    resp = post(client, **body)
    assert resp.status_code == code
    assert word in resp.get_json()["fel"]


def test_oversized_message_is_a_swedish_413(client):
    resp = post(client, message="å" * 1001)
    assert resp.status_code == 413 and "högst 1000 tecken" in resp.get_json()["fel"]
    resp = client.post("/api/chatt", data="x" * 100_000, content_type="application/json")
    assert resp.status_code == 413 and resp.is_json and "långt" in resp.get_json()["fel"]


def test_message_of_exactly_the_limit_is_accepted(proxied):
    c, _ = proxied
    assert post(c, message="a" * 1000).status_code == 200


def test_rate_limit_gives_429_with_retry_after(make_app, fake_rasa):
    app = make_app(RASA_URL=fake_rasa.url, CHATT_PER_MINUT=3)
    c = app.test_client()
    codes = [post(c).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    resp = post(c)
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) >= 1
    assert "Vänta" in resp.get_json()["fel"]
    # Another client address is not limited.
    other = c.post("/api/chatt", json={"sender": SENDER, "message": "hej", "kommun": K},
                   environ_base={"REMOTE_ADDR": "127.0.0.9"})
    assert other.status_code == 200


def test_rate_limit_from_environment(monkeypatch, make_app):
    monkeypatch.setenv("INSATSGUIDEN_CHAT_RATE_LIMIT", "7")
    from web import default_config
    assert default_config()["CHATT_PER_MINUT"] == 7


def test_rasa_down_gives_503_quickly_with_guide_and_contact(client):
    start = time.monotonic()
    resp = post(client)
    elapsed = time.monotonic() - start
    assert resp.status_code == 503 and elapsed < 2.0
    data = resp.get_json()
    assert "guiden" in data["fel"] and "112" in data["fel"]
    assert data["guide"].endswith(f"/{K}/guide")
    assert default_catalogue().kommun(K).namn in data["kontakt"]


@pytest.fixture
def hanging_port():
    """A loopback port whose accept queue is full, so a new connection hangs in the handshake
    (like a host that does not answer) without any traffic leaving this machine."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    port = srv.getsockname()[1]
    fillers = []
    for _ in range(4):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(s)
    time.sleep(0.1)
    yield port
    for s in fillers:
        s.close()
    srv.close()


def test_unanswering_host_times_out_within_two_seconds(make_app, hanging_port):
    app = make_app(RASA_URL=f"http://127.0.0.1:{hanging_port}")  # the default 1.5 s connect timeout
    start = time.monotonic()
    resp = post(app.test_client())
    assert resp.status_code == 503 and time.monotonic() - start < 2.0


def test_slow_rasa_gives_504_after_the_read_timeout(make_app, fake_rasa):
    fake_rasa.delay = 1.0
    app = make_app(RASA_URL=fake_rasa.url, RASA_READ_TIMEOUT=0.3)
    resp = post(app.test_client())
    assert resp.status_code == 504 and "guiden" in resp.get_json()["fel"]


def test_rasa_error_status_is_a_503(make_app, fake_rasa):
    fake_rasa.status = 500
    resp = post(make_app(RASA_URL=fake_rasa.url).test_client())
    assert resp.status_code == 503


def test_cors_allows_the_widget_on_municipal_sites(proxied):
    c, _ = proxied
    pre = c.options("/api/chatt", headers={"Origin": "https://www.kommun.example", "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 204
    assert pre.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in pre.headers["Access-Control-Allow-Headers"]
    resp = post(c)
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert resp.headers["Cache-Control"] == "no-store"
    assert "Access-Control-Allow-Credentials" not in resp.headers
    assert "Set-Cookie" not in resp.headers


def test_chat_proxy_needs_no_csrf_token_because_it_uses_no_cookies(proxied):
    c, _ = proxied
    assert post(c).status_code == 200


def test_kommun_info_for_the_widget(client):
    data = client.get(f"/api/kommun/{K}").get_json()
    assert data["id"] == K and data["namn"] == default_catalogue().kommun(K).namn
    assert data["guide"].endswith(f"/{K}/guide") and data["maxTecken"] == 1000
    resp = client.get("/api/kommun/stockholm")
    assert resp.status_code == 404 and "finns inte" in resp.get_json()["fel"]


def test_kommun_info_gives_the_widget_a_short_contact_line(client):
    """Issue 13.4: the line the widget keeps in view under its input."""
    from dataclasses import replace

    from insatskatalog.models import Kontakt
    from web.chat import kontakt_kort
    kommun = default_catalogue().kommun(K)
    data = client.get(f"/api/kommun/{K}").get_json()
    assert data["kortNamn"] == kommun.kort_namn
    if not (kommun.kontakt.telefon or kommun.kontakt.epost or kommun.kontakt.webb):
        assert data["kontaktKort"] == "Socialtjänstens kontaktuppgifter saknas här ännu. Fråga kommunens växel."
    site = client.get(f"/api/kommun/{K}?kontakt_url=https://www.example.se/stod").get_json()
    assert site["kontaktKort"] == f"Socialtjänsten i {kommun.kort_namn}: https://www.example.se/stod"
    for bad in ("javascript:alert(1)", "http://www.example.se/", "https://a b"):
        assert client.get(f"/api/kommun/{K}", query_string={"kontakt_url": bad}).get_json()["kontaktKort"] \
            == data["kontaktKort"]
    filled = replace(kommun, kontakt=Kontakt(telefon="0322-61 60 00", epost="social@example.se",
                                             webb="https://www.example.se/"))
    assert kontakt_kort(filled) == f"Socialtjänsten i {kommun.kort_namn}: telefon 0322-61 60 00, https://www.example.se/"
    only_mail = replace(kommun, kontakt=Kontakt(epost="social@example.se"))
    assert kontakt_kort(only_mail) == f"Socialtjänsten i {kommun.kort_namn}: e-post social@example.se"
