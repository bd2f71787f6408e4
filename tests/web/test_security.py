"""Security headers, CSRF on POST forms, the rate limiter, error pages and privacy-safe logging."""
import logging
import re

import pytest
from flask import render_template_string, request

from web.security import RateLimiter
from web_testkit import TRACEBACK_SIGNS, main_kommun, text_of

K = main_kommun()


def test_csp_and_security_headers_on_pages(client):
    for url in ("/", f"/{K}/", f"/{K}/guide", f"/{K}/insatser", "/finns-inte/"):
        resp = client.get(url)
        csp = resp.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp and "base-uri 'none'" in csp
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Referrer-Policy"] == "no-referrer"
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert resp.headers["Cross-Origin-Resource-Policy"] == "same-origin"
        assert "Access-Control-Allow-Origin" not in resp.headers


def test_pages_set_no_cookie_unless_a_form_needs_one(client):
    # Residents get no cookie at all: nothing to consent to, nothing to track.
    for url in ("/", f"/{K}/", f"/{K}/guide", f"/{K}/guide/resultat?for=sig&amne=ekonomi", f"/{K}/insatser"):
        assert "Set-Cookie" not in client.get(url).headers, url


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert "Strict-Transport-Security" in client.get("/", base_url="https://localhost").headers


def test_frame_ancestors_is_configurable(make_app):
    app = make_app(FRAME_ANCESTORS="https://www.example.se")
    resp = app.test_client().get("/")
    assert "frame-ancestors https://www.example.se" in resp.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in resp.headers


@pytest.fixture
def form_app(make_app):
    """An app with a POST form like the staff login, to test the CSRF protection every form gets."""
    app = make_app()

    @app.route("/testformular", methods=["GET", "POST"])
    def testformular():
        if request.method == "POST":
            return "sparat"
        return render_template_string(
            '<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">'
            '<button>Spara</button></form>')
    return app


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_csrf_token_is_required_on_post_forms(form_app):
    c = form_app.test_client()
    page = c.get("/testformular")
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    token = _token(text_of(page))
    missing = c.post("/testformular", data={})
    assert missing.status_code == 400 and "Formuläret" in text_of(missing)
    assert c.post("/testformular", data={"csrf_token": "fel"}).status_code == 400
    assert c.post("/testformular", data={"csrf_token": token}).status_code == 200
    # A token from another session does not work in this one.
    other = form_app.test_client()
    other.get("/testformular")
    assert other.post("/testformular", data={"csrf_token": token}).status_code == 400


def test_every_post_form_on_every_page_carries_a_csrf_token(client, app):
    urls = ["/", f"/{K}/", f"/{K}/chatt", f"/{K}/guide", f"/{K}/insatser", f"/{K}/foraldraprogram", "/tillganglighet",
            "/personal/", "/personal/login"]
    for url in urls:
        html = text_of(client.get(url, follow_redirects=True))
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S | re.I):
            if re.search(r'method="post"', form, flags=re.I):
                assert 'name="csrf_token"' in form, url


def test_session_cookie_is_secure_by_default(monkeypatch):
    monkeypatch.delenv("INSATSGUIDEN_COOKIE_SECURE", raising=False)
    from web import default_config
    assert default_config()["SESSION_COOKIE_SECURE"] is True


def test_rate_limiter_counts_per_client_and_forgets_after_the_window():
    limiter = RateLimiter(limit=3, window=0.3)
    assert [limiter.hit("1.2.3.4")[0] for _ in range(4)] == [True, True, True, False]
    assert limiter.hit("5.6.7.8")[0] is True  # another client is not affected
    import time
    time.sleep(0.35)
    assert limiter.hit("1.2.3.4")[0] is True


def test_rate_limiter_never_keeps_the_address():
    limiter = RateLimiter(limit=3)
    limiter.hit("203.0.113.7")
    assert all(isinstance(k, bytes) and b"203.0.113.7" not in k for k in limiter._hits)
    assert RateLimiter(3).key("203.0.113.7") != limiter.key("203.0.113.7")  # salt differs per process


def test_server_error_is_a_swedish_page_without_traceback_and_logs_no_details(make_app, caplog):
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.route("/krasch")
    def krasch():
        raise RuntimeError("hemligt: " + request.args["fraga"])

    with caplog.at_level(logging.DEBUG):
        resp = app.test_client().get("/krasch?fraga=19850312-1234")
    html = text_of(resp)
    assert resp.status_code == 500 and "Något gick fel" in html and "112" in html
    assert not any(sign in html for sign in TRACEBACK_SIGNS) and "hemligt" not in html
    assert "RuntimeError" in caplog.text
    assert "19850312" not in caplog.text  # neither the exception's message nor the query string


def test_api_errors_are_json_in_swedish(client):
    resp = client.get("/api/finns-inte")
    assert resp.status_code == 404 and resp.is_json and "hittar inte" in resp.get_json()["fel"]
    resp = client.get("/api/chatt")
    assert resp.status_code == 405 and resp.is_json


def test_nothing_about_a_request_is_logged(client, caplog):
    with caplog.at_level(logging.DEBUG):
        client.get(f"/{K}/guide/resultat?for=sig&alder=34&amne=beroende", environ_base={"REMOTE_ADDR": "198.51.100.23"})
        client.get(f"/{K}/insatser?q=hemligsokning")
        client.post("/api/chatt", json={"sender": "a" * 32, "message": "min hemliga text", "kommun": K},
                    environ_base={"REMOTE_ADDR": "198.51.100.23"})
    for secret in ("198.51.100.23", "hemligsokning", "min hemliga text", "alder=34", "a" * 32):
        assert secret not in caplog.text


# -- issue 12: forged statistics (item 8) and bad input --------------------------------------

def _guide_counts(db) -> int:
    import sqlite3
    try:
        conn = sqlite3.connect(db)
        try:
            return conn.execute("select coalesce(sum(antal), 0) from rakneverk where kanal = 'guide'").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def _token_from_step4(client, query="for=sig&alder=30&amne=ekonomi", **kw) -> str:
    html = text_of(client.get(f"/{K}/guide?{query}&steg=4", **kw))
    return re.search(r'<input type="hidden" name="t" value="([^"]+)">', html).group(1)


def test_guide_result_counts_once_per_guide_session(client, stat_db):
    token = _token_from_step4(client)
    url = f"/{K}/guide/resultat?for=sig&alder=30&amne=ekonomi&t={token}"
    for _ in range(200):  # the probe's 200 reloads
        assert client.get(url).status_code == 200
    assert _guide_counts(stat_db) == 1
    # a result URL without a token (bookmarked, shared, forged) is shown but not counted
    assert client.get(f"/{K}/guide/resultat?for=sig&alder=30&amne=ekonomi").status_code == 200
    assert client.get(f"/{K}/guide/resultat?for=sig&alder=30&amne=ekonomi&t=gissat").status_code == 200
    assert _guide_counts(stat_db) == 1
    # a new walk through the guide is a new session
    token2 = _token_from_step4(client)
    client.get(f"/{K}/guide/resultat?for=sig&alder=30&amne=ekonomi&t={token2}")
    assert _guide_counts(stat_db) == 2


def test_guide_tokens_expire_and_are_never_written(make_app, stat_db, tmp_path):
    app = make_app(GUIDE_TOKEN_TTL=0.05)
    c = app.test_client()
    token = _token_from_step4(c)
    import time
    time.sleep(0.1)
    c.get(f"/{K}/guide/resultat?for=sig&alder=30&amne=ekonomi&t={token}")
    assert _guide_counts(stat_db) == 0
    token = _token_from_step4(c)
    c.get(f"/{K}/guide/resultat?for=sig&alder=30&amne=ekonomi&t={token}")
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path
    assert "Set-Cookie" not in c.get(f"/{K}/guide?for=sig&alder=30&amne=ekonomi&steg=4").headers


def test_guide_counts_are_rate_limited_per_address(make_app, stat_db):
    app = make_app(GUIDE_RAKNINGAR_PER_TIMME=3)
    c = app.test_client()
    for _ in range(10):
        token = _token_from_step4(c, environ_base={"REMOTE_ADDR": "203.0.113.9"})
        assert c.get(f"/{K}/guide/resultat?for=sig&alder=30&amne=ekonomi&t={token}",
                     environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 200
    assert _guide_counts(stat_db) == 3
    token = _token_from_step4(c, environ_base={"REMOTE_ADDR": "203.0.113.10"})
    c.get(f"/{K}/guide/resultat?for=sig&alder=30&amne=ekonomi&t={token}", environ_base={"REMOTE_ADDR": "203.0.113.10"})
    assert _guide_counts(stat_db) == 4


def test_guide_token_store_is_bounded():
    from web.security import OneTimeTokens
    tokens = OneTimeTokens(ttl=60, max_tokens=100)
    issued = [tokens.issue() for _ in range(1000)]
    assert len(tokens) <= 100
    assert tokens.consume(issued[-1]) and not tokens.consume(issued[-1])
    assert not tokens.consume("") and not tokens.consume(None)


@pytest.mark.parametrize("alder", ["²", "¹⁶", "①⑥", "⑯", "１６", "٣", "1²", "  ", "-1", "16.5", "0x10", "16 år"])
def test_unusual_digits_as_an_age_are_a_clear_swedish_400(client, alder):
    for url, query in ((f"/{K}/guide", {"for": "sig", "steg": "3"}),
                       (f"/{K}/guide/resultat", {"for": "sig", "amne": "ekonomi"})):
        resp = client.get(url, query_string={**query, "alder": alder})
        html = text_of(resp)
        assert resp.status_code in (200, 400), (url, alder, resp.status_code)
        assert not any(sign in html for sign in TRACEBACK_SIGNS)
        if alder.strip():
            assert resp.status_code == 400 and "siffror" in html, (url, alder)


def test_absolute_urls_come_from_the_configured_base_url_not_the_host_header(make_app):
    app = make_app(PUBLIC_BASE_URL="https://insatsguiden.example.se")
    c = app.test_client()
    data = c.get(f"/api/kommun/{K}", headers={"Host": "evil.example"}).get_json()
    urls = [v for v in data.values() if isinstance(v, str) and v.startswith("http")]
    assert urls and all(u.startswith("https://insatsguiden.example.se/") for u in urls), data
    assert "evil.example" not in repr(data)


def test_without_a_configured_base_url_the_host_header_is_still_ignored(make_app):
    app = make_app()
    data = app.test_client().get(f"/api/kommun/{K}", headers={"Host": "evil.example"}).get_json()
    assert "evil.example" not in repr(data)
