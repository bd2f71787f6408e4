"""REDIS_URL: the web tier's rate limits and guide tokens shared by several web processes through
a private Redis, and what happens when Redis is missing or lost (issue 15, items 2 and faults).
Each `create_app` here stands for one web process."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import uuid

import pytest

from bot import redis_config
from bot.servers import RedisServer, free_port
from web import shared_state
from web_testkit import TRACEBACK_SIGNS, text_of

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
pytestmark = pytest.mark.servers


def chat(client, sender=None):
    return client.post("/api/chatt", json={"sender": sender or uuid.uuid4().hex, "message": "hej", "kommun": "sala"})


def test_two_web_processes_share_one_chat_limit(make_app, fake_rasa, redis_server):
    a = make_app(RASA_URL=fake_rasa.url, REDIS_URL=redis_server.url, CHATT_PER_MINUT=4).test_client()
    b = make_app(RASA_URL=fake_rasa.url, REDIS_URL=redis_server.url, CHATT_PER_MINUT=4).test_client()
    codes = [chat(c).status_code for c in (a, b, a, b, a, b)]
    assert codes == [200, 200, 200, 200, 429, 429]
    resp = chat(b)
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) >= 1
    # Keys are HMACs with a salt kept only in Redis: no address, nothing readable.
    keys = [k.decode() for k in redis_server.client().keys("*")]
    assert any(k.startswith("insatsguiden:web:rl:chatt:") for k in keys)
    assert not any("127.0.0.1" in k or "localhost" in k for k in keys)
    for k in keys:
        if k.startswith("insatsguiden:web:rl:"):
            assert 0 < redis_server.client().pttl(k) <= 60_000   # every count expires with its window


def test_a_guide_token_issued_by_one_process_counts_once_on_another(make_app, redis_server):
    app_a = make_app(REDIS_URL=redis_server.url)
    app_b = make_app(REDIS_URL=redis_server.url)
    token = app_a.extensions["guide_tokens"].issue()
    assert app_b.extensions["guide_tokens"].consume(token) is True
    assert app_a.extensions["guide_tokens"].consume(token) is False
    assert app_b.extensions["guide_tokens"].consume("förfalskad") is False
    stored = [k.decode() for k in redis_server.client().keys("insatsguiden:web:token:*")]
    assert stored == [] and token not in str(redis_server.client().keys("*"))


def test_redis_lost_while_running_falls_back_and_comes_back(make_app, fake_rasa, redis_server, monkeypatch, caplog):
    monkeypatch.setattr(shared_state, "PAUSE", 0.2)
    app = make_app(RASA_URL=fake_rasa.url, REDIS_URL=redis_server.url, CHATT_PER_MINUT=100)
    client = app.test_client()
    assert chat(client).status_code == 200
    redis_server.kill()
    with caplog.at_level(logging.WARNING, logger="web.shared_state"):
        for _ in range(3):
            resp = chat(client)
            assert resp.status_code == 200 and not any(s in text_of(resp) for s in TRACEBACK_SIGNS)
        token = app.extensions["guide_tokens"].issue()        # in memory while Redis is away
        assert app.extensions["guide_tokens"].consume(token) is True
    warnings = [r.getMessage() for r in caplog.records if r.name == "web.shared_state"]
    assert len(warnings) == 1 and "REDIS_URL" in warnings[0]
    assert redis_server.password not in warnings[0]
    # Redis back on the same port (empty: it never wrote anything): shared counting resumes.
    restarted = RedisServer(redis_server.workdir, port=redis_server.port, password=redis_server.password).start()
    try:
        import time
        time.sleep(0.3)
        assert chat(client).status_code == 200
        assert restarted.client().keys("insatsguiden:web:rl:chatt:*")
    finally:
        restarted.stop()


def test_redis_unreachable_at_start_is_one_line_naming_redis_url():
    url = f"redis://:hemligt-losenord@127.0.0.1:{free_port()}/0"
    for module in ("web.serve", "bot.rasa_instance"):
        env = dict(os.environ, REDIS_URL=url)
        res = subprocess.run([sys.executable, "-m", module, "--port", str(free_port())], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
        lines = [line for line in res.stderr.splitlines() if line.strip() and "declare_namespace" not in line
                 and "Warning" not in line and "pkg_resources" not in line]
        assert res.returncode == 2, (module, res.stderr)
        assert len(lines) == 1 and "REDIS_URL" in lines[0] and "svarar inte" in lines[0], (module, lines)
        assert "hemligt" not in res.stderr and "Traceback" not in res.stderr


def test_redis_url_is_parsed_and_never_shown_with_its_password(redis_server):
    s = redis_config.parse("redis://:p%40ss@10.0.0.4:6380/2")
    assert (s.host, s.port, s.db, s.password) == ("10.0.0.4", 6380, 2, "p@ss")
    assert s.shown == "redis://:***@10.0.0.4:6380/2"
    t = redis_config.parse("rediss://:x@h:6380/1")
    assert t.tls and t.shown == "rediss://:***@h:6380/1" and t.ca_certs == ""
    for bad in ("http://x", "redis://", "redis://h:6379/abc", "redis://h/0?ssl_ca_certs=/etc/hostname",
                "rediss://h/0?ssl_ca_certs=/finns/inte.crt", "rediss://h/0?ssl=false"):
        with pytest.raises(redis_config.RedisConfigError) as err:
            redis_config.parse(bad)
        assert "REDIS_URL" in str(err.value) and "\n" not in str(err.value)
    wrong = redis_server.url.replace(redis_server.password, "fel-losenord")
    with pytest.raises(redis_config.RedisConfigError) as err:
        redis_config.check(wrong)
    assert "fel lösenord" in str(err.value) and "fel-losenord" not in str(err.value)
    assert redis_config.check(redis_server.url).port == redis_server.port


def test_two_web_processes_share_the_staff_login_limit(make_app, redis_server):
    from test_staff import LOSEN, logga_in
    from web.staff import users

    a = make_app(REDIS_URL=redis_server.url, STAFF_MAX_FEL=3)
    b = make_app(REDIS_URL=redis_server.url, STAFF_MAX_FEL=3, STAFF_DB=a.config["STAFF_DB"])
    users.create(a.config["STAFF_DB"], "sala1", LOSEN, kommun="sala")
    ca, cb = a.test_client(), b.test_client()
    assert [logga_in(c, "sala1", "fel-losenord-123").status_code for c in (ca, cb, ca)] == [401, 401, 401]
    # the fourth attempt, on either process and even with the right password, must wait
    for c in (cb, ca):
        resp = logga_in(c, "sala1", LOSEN)
        assert resp.status_code == 429 and int(resp.headers["Retry-After"]) >= 1
    keys = [k.decode() for k in redis_server.client().keys("insatsguiden:web:login:*")]
    assert keys and not any("sala1" in k or "127.0.0.1" in k for k in keys)
    # another account from the same address is not locked out by sala1's failures
    users.create(a.config["STAFF_DB"], "sala2", LOSEN, kommun="sala")
    assert logga_in(cb, "sala2", LOSEN).status_code == 302
