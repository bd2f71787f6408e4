"""Security headers, CSRF on POST forms, the rate limiter, error pages and privacy-safe logging."""
import logging
import re

import pytest
from flask import render_template_string, request

from web.security import RateLimiter
from web_testkit import TRACEBACK_SIGNS, app, client, main_kommun, make_app, stat_db, text_of  # noqa: F401

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
    urls = ["/", f"/{K}/", f"/{K}/chatt", f"/{K}/guide", f"/{K}/insatser", f"/{K}/foraldraprogram", "/tillganglighet"]
    if app.config["STAFF_ENABLED"]:
        urls += ["/personal/", "/personal/login"]
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
