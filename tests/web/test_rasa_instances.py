"""RASA_URLS: the web tier spreads conversations over several Rasa instances by hash of the
conversation id, and retries a failed instance's message once on another (issue 15, item 3).
Stand-in Rasa servers; the real two-instance fault test is tests/stack/test_scaled.py."""
from __future__ import annotations

import collections
import uuid

import pytest

from web import default_config
from web.rasa_pool import RasaInstances, home_index, parse_urls
from web_testkit import FakeRasa, TRACEBACK_SIGNS, closed_port, text_of


@pytest.fixture
def two_rasa():
    a, b = FakeRasa(), FakeRasa()
    a.replies = [{"recipient_id": "x", "text": "Svar från A"}]
    b.replies = [{"recipient_id": "x", "text": "Svar från B"}]
    yield a, b
    a.close()
    b.close()


def post(client, sender=None, text="min son röker på"):
    return client.post("/api/chatt", json={"sender": sender or uuid.uuid4().hex, "message": text, "kommun": "sala"})


def test_rasa_urls_from_the_environment(monkeypatch):
    assert parse_urls("http://10.0.1.11:5005, http://10.0.1.12:5005/  http://10.0.1.13:5005") == [
        "http://10.0.1.11:5005", "http://10.0.1.12:5005", "http://10.0.1.13:5005"]
    assert parse_urls("") == [] and parse_urls(None) == []
    monkeypatch.setenv("RASA_URLS", "http://127.0.0.1:5005 http://127.0.0.1:5006")
    assert parse_urls(default_config()["RASA_URLS"]) == ["http://127.0.0.1:5005", "http://127.0.0.1:5006"]


def test_a_conversation_stays_with_its_instance_and_conversations_spread(make_app, two_rasa):
    a, b = two_rasa
    client = make_app(RASA_URLS=[a.url, b.url], CHATT_PER_MINUT=10_000).test_client()
    sender = uuid.uuid4().hex
    first = text_of(post(client, sender))
    for _ in range(5):
        assert text_of(post(client, sender)) == first   # the same home every time
    homes = collections.Counter(home_index(uuid.uuid4().hex, 2) for _ in range(2000))
    assert 900 < homes[0] < 1100   # even spread by hash
    for _ in range(40):
        post(client)
    assert len(a.received) > 5 and len(b.received) > 5


def test_the_home_instance_gone_means_one_retry_on_the_other(make_app, two_rasa):
    a, b = two_rasa
    dead = f"http://127.0.0.1:{closed_port()}"
    client = make_app(RASA_URLS=[dead, b.url]).test_client()
    senders = [s for s in (uuid.uuid4().hex for _ in range(200)) if home_index(s, 2) == 0][:3]
    for sender in senders:
        resp = post(client, sender)
        assert resp.status_code == 200 and "Svar från B" in text_of(resp)
    assert len(b.received) == 3   # each message reached B exactly once


def test_an_http_error_is_retried_once_and_the_instance_is_passed_over(make_app, two_rasa):
    a, b = two_rasa
    a.status = 500
    client = make_app(RASA_URLS=[a.url, b.url]).test_client()
    senders = [s for s in (uuid.uuid4().hex for _ in range(200)) if home_index(s, 2) == 0][:4]
    for sender in senders:
        assert "Svar från B" in text_of(post(client, sender))
    # A failed once; for the next DOWN_FOR seconds it is tried last, so it got one request only.
    assert len(a.received) == 1 and len(b.received) == 4


def test_at_most_one_retry_then_the_restart_notice_with_the_guide(make_app):
    fakes = [FakeRasa() for _ in range(3)]
    try:
        for f in fakes:
            f.status = 502
        client = make_app(RASA_URLS=[f.url for f in fakes]).test_client()
        resp = post(client)
        body = resp.get_json()
        assert resp.status_code == 503 and "Chatten startar om" in body["fel"] and "/sala/guide" in body["guide"]
        assert sum(len(f.received) for f in fakes) == 2   # the home instance and one other
        assert not any(sign in text_of(resp) for sign in TRACEBACK_SIGNS)
    finally:
        for f in fakes:
            f.close()


def test_a_slow_instance_is_not_retried(make_app, two_rasa):
    a, b = two_rasa
    a.delay = b.delay = 1.0
    client = make_app(RASA_URLS=[a.url, b.url], RASA_READ_TIMEOUT=0.3).test_client()
    resp = post(client)
    assert resp.status_code == 504 and "långsamt" in resp.get_json()["fel"]
    assert len(a.received) + len(b.received) == 1   # waiting twice as long would help nobody


def test_the_order_puts_failed_instances_last():
    inst = RasaInstances(down_for=5)
    urls = ["http://a", "http://b", "http://c"]
    sender = next(s for s in (uuid.uuid4().hex for _ in range(100)) if home_index(s, 3) == 1)
    assert inst.order(urls, sender, now=100) == ["http://b", "http://c", "http://a"]
    inst.failed("http://b", now=100)
    assert inst.order(urls, sender, now=101) == ["http://c", "http://a", "http://b"]
    assert inst.order(urls, sender, now=106) == ["http://b", "http://c", "http://a"]   # tried again later
    inst.failed("http://a", now=200)
    inst.failed("http://c", now=200)
    inst.failed("http://b", now=200)
    assert sorted(inst.order(urls, sender, now=201)) == sorted(urls)   # all down: all still tried in turn


def test_a_single_rasa_url_works_as_before(make_app, fake_rasa):
    client = make_app(RASA_URL=fake_rasa.url).test_client()
    assert "Hej från Rasa" in text_of(post(client))
