"""Staff login under attack (issue 12, item 10, and the login's bad input): logout ends the session
on the server, HEAD never runs the login, the limit holds under concurrency, and an attacker
elsewhere cannot lock a staff member out (the limit is per account AND address, with growing
delays)."""
from __future__ import annotations

import threading
import time

import pytest

from web.staff import users
from web.staff.login import LoginThrottle
from staff_kit import LOSEN, csrf, logga_in, session_of
from web_testkit import text_of


@pytest.fixture
def app(make_app):
    app = make_app()
    users.create(app.config["STAFF_DB"], "sala1", LOSEN, kommun="sala")
    return app


def test_a_cookie_saved_before_logout_is_refused_afterwards(app):
    c = app.test_client()
    assert logga_in(c, "sala1").status_code == 302
    saved = c.get_cookie("insatsguiden").value
    page = text_of(c.get("/personal/"))
    assert c.post("/personal/logga-ut", data={"csrf_token": csrf(page)}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("insatsguiden", saved)
    assert thief.get("/personal/").status_code == 302
    assert thief.get("/personal/export.csv").status_code == 302


def test_logout_ends_only_that_session(app):
    first, second = app.test_client(), app.test_client()
    assert logga_in(first, "sala1").status_code == 302
    assert logga_in(second, "sala1").status_code == 302
    first.post("/personal/logga-ut", data={"csrf_token": csrf(text_of(first.get("/personal/")))})
    assert first.get("/personal/").status_code == 302
    assert second.get("/personal/").status_code == 200


def test_session_store_holds_no_usable_token(app):
    import sqlite3
    c = app.test_client()
    logga_in(c, "sala1")
    conn = sqlite3.connect(app.config["STAFF_DB"])
    rows = conn.execute("select * from inloggningar").fetchall()
    conn.close()
    cookie = c.get_cookie("insatsguiden").value
    assert len(rows) == 1 and all(str(x) not in cookie for x in rows[0] if len(str(x)) > 12)


def test_head_does_not_run_the_login(app):
    c = app.test_client()
    c.get("/personal/login")
    before = list(app.extensions["personal_inloggning"]._fel)
    resp = c.open("/personal/login", method="HEAD",
                  data={"anvandarnamn": "sala1", "losenord": LOSEN})
    assert resp.status_code == 200
    assert "personal" not in session_of(app, c)   # the cookie's value is signed base64: decode it
    assert c.get("/personal/").status_code == 302  # not logged in by a HEAD
    for _ in range(10):
        c.open("/personal/login", method="HEAD", data={"anvandarnamn": "sala1", "losenord": "fel-losenord-helt"})
    assert list(app.extensions["personal_inloggning"]._fel) == before  # no password was checked
    assert logga_in(c, "sala1").status_code == 302


def test_the_limit_holds_under_concurrency(app, monkeypatch):
    checked = []
    real = users.authenticate

    def slow(*a, **kw):
        checked.append(1)
        time.sleep(0.05)
        return real(*a, **kw)

    monkeypatch.setattr(users, "authenticate", slow)
    tokens = []
    clients = []
    for _ in range(40):
        c = app.test_client()
        tokens.append(csrf(text_of(c.get("/personal/login"))))
        clients.append(c)
    codes = []
    barrier = threading.Barrier(40)

    def attempt(c, token):
        barrier.wait()
        resp = c.post("/personal/login", data={"csrf_token": token, "anvandarnamn": "sala1", "losenord": "fel-losenord-helt"})
        codes.append(resp.status_code)

    threads = [threading.Thread(target=attempt, args=(c, t)) for c, t in zip(clients, tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checked) == 5
    assert sorted(codes) == [401] * 5 + [429] * 35


def test_an_attacker_elsewhere_cannot_lock_out_the_staff_member(app):
    attacker = app.test_client()
    for _ in range(30):
        logga_in(attacker, "sala1", "fel-losenord-helt", environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert logga_in(attacker, "sala1", LOSEN, environ_base={"REMOTE_ADDR": "203.0.113.5"}).status_code == 429
    staff = app.test_client()
    assert logga_in(staff, "sala1", LOSEN, environ_base={"REMOTE_ADDR": "192.0.2.20"}).status_code == 302


def test_delays_grow_with_each_failure():
    throttle = LoginThrottle(max_fel=3, fonster=3600, base_delay=10)
    waits = []
    for _ in range(7):
        ok, wait, ticket = throttle.attempt("anna", "1.1.1.1")
        assert ok  # we always waited long enough
        throttle.failed(ticket)
        waits.append(throttle.wait("anna", "1.1.1.1"))
        if waits[-1]:
            assert throttle.attempt("anna", "1.1.1.1")[0] is False  # refused while waiting
        throttle._forward_for_tests(waits[-1])
    # three free attempts, then 10 s, 20 s, 40 s, 80 s, 160 s (+1 for rounding up)
    assert waits == [0, 0, 10, 20, 40, 80, 160]
    assert throttle.wait("anna", "2.2.2.2") == 0  # another address: not slowed down


def test_one_address_guessing_many_accounts_is_limited():
    throttle = LoginThrottle(max_fel=5, fonster=900, per_address=20)
    for i in range(20):
        ok, _wait, ticket = throttle.attempt(f"konto{i}", "198.51.100.7")
        assert ok
        throttle.failed(ticket)
    assert throttle.attempt("konto99", "198.51.100.7")[0] is False
    assert throttle.attempt("konto99", "198.51.100.8")[0] is True


def test_a_right_password_clears_that_pair_only():
    throttle = LoginThrottle(max_fel=2, fonster=900)
    for addr in ("1.1.1.1", "2.2.2.2"):
        for _ in range(2):
            throttle.failed(throttle.attempt("anna", addr)[2])
    assert throttle.wait("anna", "1.1.1.1") and throttle.wait("anna", "2.2.2.2")
    throttle.succeeded("anna", "3.3.3.3")
    assert throttle.wait("anna", "1.1.1.1")


@pytest.mark.parametrize("nasta", ["/personal/\r\nSet-Cookie: x=1", "/personal/%0d%0aX: y", "/personal/\nx",
                                   "/personal/\x00", "/personal/\u2028"])
def test_crlf_in_nasta_is_no_500(app, nasta):
    c = app.test_client()
    page = c.get("/personal/login", query_string={"nasta": nasta})
    assert page.status_code in (200, 400)
    resp = c.post("/personal/login", data={"csrf_token": csrf(text_of(c.get("/personal/login"))),
                                           "anvandarnamn": "sala1", "losenord": LOSEN, "nasta": nasta})
    assert resp.status_code == 302
    assert "\r" not in resp.headers["Location"] and "\n" not in resp.headers["Location"]
    assert resp.headers["Location"] == "/personal/" or "%0d%0a" in resp.headers["Location"].lower()
    again = c.get("/personal/login", query_string={"nasta": nasta})  # logged in: redirected onwards
    assert again.status_code == 302 and "\n" not in again.headers["Location"]
