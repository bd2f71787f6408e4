"""REDIS_URL with a password and with TLS (rediss://), end to end against private redis-servers
(issue 15): Debian's redis-server is built with TLS, so a test CA and a server certificate are
made here with openssl. The stores Rasa builds from bot/endpoints.scaled.yml and the web tier's
shared limits work over TLS; a wrong password, a wrong CA or plain redis:// to a TLS port is one
line naming REDIS_URL at start, from the processes themselves, without the password."""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys

import pytest

pytest.importorskip("rasa.core.tracker_store")

from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import rasa_instance, redis_config
from bot.servers import RedisServer, free_port, redis_server_binary

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
pytestmark = pytest.mark.servers


def make_ca(folder, name):
    """A CA and a certificate for localhost / 127.0.0.1 signed by it: (cert, key, ca)."""
    folder.mkdir(parents=True, exist_ok=True)

    def ssl(*args):
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)
    ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1",
        "-subj", f"/CN={name}")
    ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
    (folder / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    ssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.crt", "-days", "1", "-extfile", "san.ext")
    return folder / "server.crt", folder / "server.key", folder / "ca.crt"


@pytest.fixture
def tls_redis(tmp_path):
    if redis_server_binary() is None or shutil.which("openssl") is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server/openssl saknas: kör scripts/install-servers.sh")
        pytest.skip("redis-server/openssl saknas")
    server = RedisServer(tmp_path / "redis", tls=make_ca(tmp_path / "ca", "Insatsguiden test-CA")).start()
    yield server
    server.stop()


def start_line(url: str, module: str) -> tuple[int, list[str], str]:
    res = subprocess.run([sys.executable, "-m", module, "--port", str(free_port())], cwd=ROOT,
                         env=dict(os.environ, REDIS_URL=url), capture_output=True, text=True, timeout=120)
    lines = [line for line in res.stderr.splitlines() if line.strip() and "declare_namespace" not in line
             and "Warning" not in line and "pkg_resources" not in line]
    return res.returncode, lines, res.stderr


def test_rasa_stores_and_web_limits_work_over_tls(tls_redis, monkeypatch, make_app, fake_rasa):
    settings = redis_config.check(tls_redis.url)
    assert settings.tls and settings.shown.startswith("rediss://:***@localhost:")
    env = rasa_instance.environment(settings)
    assert env["INSATSGUIDEN_REDIS_TLS"] == "1" and env["INSATSGUIDEN_REDIS_CA_CERTS"] == str(tls_redis.tls[2])
    for key, value in env.items():
        if key.startswith(("INSATSGUIDEN_", "TICKET_")):
            monkeypatch.setenv(key, value)
    endpoints = AvailableEndpoints.read_endpoints(str(rasa_instance.ENDPOINTS_SCALED))
    tracker_store = TrackerStore.create(endpoints.tracker_store, Domain.empty())
    lock_store = LockStore.create(endpoints.lock_store)
    tracker = DialogueStateTracker.from_events("samtal-tls", [
        ActionExecuted("action_listen"), UserUttered("min son röker"), BotUttered("Hur gammal är han?")])

    async def scenario():
        async with lock_store.lock("samtal-tls"):
            await tracker_store.save(tracker)
        return await tracker_store.retrieve("samtal-tls")
    assert asyncio.run(scenario()).latest_message.text == "min son röker"
    assert tls_redis.client().exists("insatsguiden:tracker:samtal-tls")
    # The web tier's shared limit over the same TLS connection settings.
    client = make_app(RASA_URL=fake_rasa.url, REDIS_URL=tls_redis.url, CHATT_PER_MINUT=2).test_client()
    codes = [client.post("/api/chatt", json={"sender": "a" * 32, "message": "hej", "kommun": "sala"}).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]
    assert tls_redis.client().keys("insatsguiden:web:rl:chatt:*")


def test_wrong_password_wrong_ca_or_no_tls_is_one_line_naming_redis_url(tls_redis, tmp_path):
    other_ca = make_ca(tmp_path / "annan", "En annan CA")[2]
    wrong_password = tls_redis.url.replace(tls_redis.password, "fel-losenord")
    wrong_ca = tls_redis.url.replace(str(tls_redis.tls[2]), str(other_ca))
    plain = f"redis://:{tls_redis.password}@127.0.0.1:{tls_redis.port}/0"
    for url, why in ((wrong_password, "fel lösenord"), (wrong_ca, "TLS"), (plain, "svarar inte")):
        with pytest.raises(redis_config.RedisConfigError) as err:
            redis_config.check(url, timeout=2)
        assert why in str(err.value) and "REDIS_URL" in str(err.value) and "\n" not in str(err.value), url
        assert tls_redis.password not in str(err.value) and "fel-losenord" not in str(err.value)
    # The processes themselves, at start: one line on stderr, exit code 2, no password, no traceback.
    for module in ("bot.rasa_instance", "web.serve"):
        code, lines, stderr = start_line(wrong_password, module)
        assert code == 2 and len(lines) == 1, (module, stderr)
        assert "REDIS_URL" in lines[0] and "fel lösenord" in lines[0], (module, lines)
        assert "fel-losenord" not in stderr and "Traceback" not in stderr


def test_wrong_password_without_tls_at_start(redis_server):
    wrong = redis_server.url.replace(redis_server.password, "fel-losenord")
    code, lines, stderr = start_line(wrong, "bot.rasa_instance")
    assert code == 2 and len(lines) == 1 and "REDIS_URL" in lines[0] and "fel lösenord" in lines[0], stderr
    assert "fel-losenord" not in stderr and redis_server.password not in stderr
