"""The scaled layout with the real trained model (issue 15): a private Redis (persistence off,
password), a private PostgreSQL for the statistics, two action servers, two Rasa instances on
Rasa's RedisTrackerStore (`record_exp`) and RedisLockStore, and the web tier with RASA_URLS.

- nothing of a conversation on disk (no dump.rdb, no AOF, no log line), and the tracker gone
  from Redis after its idle expiry (short here: TTL seconds);
- two simultaneous messages of one conversation, one to each instance, are processed one
  after the other (the lock store);
- the conversation's home instance killed with SIGKILL: the next message is answered by the
  other with the facts intact, after exactly one retry inside the web tier, without a notice;
- Redis hung (SIGSTOP) or lost: the chat's restarting notice with the guide link within a few
  seconds, never a hang or a traceback; Redis back: answers again (after a hang with the facts); PostgreSQL lost: the chat answers, counting is skipped with a warning.

The tests share one layout (a module fixture, about a minute to start on 2 cores) and run in
file order: the last ones kill a Rasa instance, Redis and PostgreSQL."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from bot import processes
from bot.processes import Stack
from bot.servers import PostgresServer, RedisServer, free_port, postgres_bindir, redis_server_binary
from web.rasa_pool import DOWN_FOR, home_index

pytestmark = [pytest.mark.stack, pytest.mark.servers]

TTL = 12           # seconds idle before a conversation expires in Redis (30 minutes in production)
KOMMUN = "sala"


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    if not processes.MODEL.exists():
        pytest.skip("no trained model (make setup)")
    if redis_server_binary() is None or postgres_bindir() is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server/PostgreSQL saknas: kör scripts/install-servers.sh")
        pytest.skip("redis-server/PostgreSQL saknas: kör scripts/install-servers.sh")
    tmp = tmp_path_factory.mktemp("scaled")
    model = tmp / "model.tar.gz"
    shutil.copy(processes.MODEL, model)   # the project's model may be retrained meanwhile
    logs = tmp / "logs"
    logs.mkdir()
    redis = RedisServer(tmp / "redis").start()
    pg_dir = Path(tempfile.mkdtemp(prefix="insatsguiden-pg-"))
    pg = PostgresServer(pg_dir, fast=True, log=logs / "postgres.log").start()
    stack = Stack(ports=processes.Ports(web=free_port()), log_dir=logs, model=model, redis_url=redis.url,
                  rasa_ports=[free_port(), free_port()], action_ports=[free_port(), free_port()],
                  env={"DATABASE_URL": pg.url, "INSATSGUIDEN_TRACKER_TTL": str(TTL),
                       "INSATSGUIDEN_CHAT_RATE_LIMIT": "100000", "INSATSGUIDEN_COOKIE_SECURE": "0"})
    started = time.monotonic()
    try:   # also when the stack does not start: Redis and PostgreSQL must not outlive the test
        stack.start(timeout=300)
        stack.start_seconds = time.monotonic() - started
        yield stack, redis, pg, logs
    finally:
        stack.stop()
        redis.stop()
        pg.stop()
        shutil.rmtree(pg_dir, ignore_errors=True)


def chat_web(stack, sender, text, kommun=KOMMUN):
    body = json.dumps({"sender": sender, "message": text, "kommun": kommun}).encode()
    req = urllib.request.Request(f"{stack.web_url}/api/chatt", data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def chat_rasa(url, sender, text, kommun=KOMMUN):
    body = json.dumps({"sender": sender, "message": text, "metadata": {"kommun": kommun, "kanal": "chatt"}}).encode()
    req = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def tracker(redis, sender) -> dict | None:
    raw = redis.client().get(f"insatsguiden:tracker:{sender}")
    return json.loads(raw) if raw else None


def slots(events) -> dict:
    out = {}
    for e in events:
        if e.get("event") == "slot":
            out[e["name"]] = e["value"]
    return out


def user_texts(events) -> list[str]:
    return [e.get("text") for e in events if e.get("event") == "user"]


def sender_with_home(index: int, n: int = 2) -> str:
    while True:
        s = uuid.uuid4().hex
        if home_index(s, n) == index:
            return s


def texts(replies) -> str:
    return "\n".join(r.get("text", "") for r in replies if isinstance(r, dict))


def test_conversations_live_only_in_redis_memory_and_expire(scaled):
    stack, redis, pg, logs = scaled
    canary = "kanariefagel" + uuid.uuid4().hex[:10]
    sender = uuid.uuid4().hex
    for text in ("min son är 15 år", f"han heter {canary} och röker på varje dag"):
        status, replies = chat_web(stack, sender, text)
        assert status == 200 and texts(replies), replies
    stored = tracker(redis, sender)
    assert stored is not None and len(user_texts(stored["events"])) == 2
    assert 0 < redis.client().ttl(f"insatsguiden:tracker:{sender}") <= TTL
    # Persistence is off: Redis has not written (and will not write) a file.
    assert list(Path(redis.workdir).iterdir()) == []
    info = redis.client().info("persistence")
    assert info["aof_enabled"] == 0 and info["rdb_bgsave_in_progress"] == 0 and info["rdb_changes_since_last_save"] > 0
    # Nothing of it in any process's log, nor in PostgreSQL's files (only counters are there).
    found = subprocess.run(["grep", "-r", "-l", "-a", "-F", canary, str(logs), str(pg.workdir), str(redis.workdir)],
                           capture_output=True, text=True)
    assert found.stdout == "", found.stdout
    # Idle past the expiry: the conversation is gone from Redis's memory, not only hidden.
    deadline = time.monotonic() + TTL + 10
    while time.monotonic() < deadline and redis.client().exists(f"insatsguiden:tracker:{sender}"):
        time.sleep(0.5)
    assert not redis.client().exists(f"insatsguiden:tracker:{sender}")
    assert canary.encode() not in b"".join(redis.client().dump(k) or b"" for k in redis.client().keys("*"))
    assert list(Path(redis.workdir).iterdir()) == []


def test_simultaneous_messages_of_one_conversation_are_serialised_by_the_lock(scaled):
    stack, redis, pg, logs = scaled
    a, b = stack.rasa_urls
    sender = uuid.uuid4().hex
    chat_rasa(a, sender, "hej")
    barrier = threading.Barrier(2)
    results = {}

    def send(name, url, text):
        barrier.wait()
        results[name] = chat_rasa(url, sender, text)

    threads = [threading.Thread(target=send, args=("a", a, "min dotter är 14 år")),
               threading.Thread(target=send, args=("b", b, "hon dricker alkohol varje helg"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert texts(results.get("a", [])) and texts(results.get("b", [])), results
    events = tracker(redis, sender)["events"]
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    assert len(users) == 3, user_texts(events)   # nothing lost or overwritten
    first, second = users[1], users[2]
    # The second message was read only after the first had been answered completely: its turn
    # ends with action_listen before the second user event, and the second started later.
    turn = events[first:second]
    assert turn[-1].get("event") == "action" and turn[-1].get("name") == "action_listen", turn[-1]
    assert any(e.get("event") == "bot" for e in turn)
    assert events[second]["timestamp"] >= turn[-1]["timestamp"]
    # Both messages' facts are in the one conversation.
    facts = slots(events)
    assert facts.get("barn_alder") and facts.get("amnen"), facts


def test_redis_hung_gives_the_restart_notice_within_seconds_and_the_conversation_resumes(scaled):
    """A Redis that accepts connections and never answers (SIGSTOP): every Redis call of the
    stores and of the web tier times out (INSATSGUIDEN_REDIS_TIMEOUT, 1 s), both instances answer
    503, and the resident gets the restarting notice with the guide link in a few seconds, never a
    hang. SIGCONT: the next message is answered with the conversation's facts, which Redis kept."""
    stack, redis, pg, logs = scaled
    sender = uuid.uuid4().hex
    status, replies = chat_web(stack, sender, "min son är 15 år och röker på varje dag")
    assert status == 200 and texts(replies), replies
    before = slots(tracker(redis, sender)["events"])
    assert before.get("barn_alder") and before.get("amnen"), before
    sizes = {p.name: p.stat().st_size for p in logs.iterdir()}
    os.kill(redis.proc.pid, signal.SIGSTOP)
    try:
        waits = []
        for _ in range(2):    # the second also finds the connections of the first timed out
            started = time.monotonic()
            status, body = chat_web(stack, sender, "finns det något i grupp?")
            waits.append(time.monotonic() - started)
            assert status == 503, (status, body)
            assert body["fel"].startswith("Chatten startar om – använd guiden under tiden") and "112" in body["fel"]
            assert body["guide"].endswith(f"/{KOMMUN}/guide")
        assert max(waits) < 6, waits
    finally:
        os.kill(redis.proc.pid, signal.SIGCONT)
    deadline = time.monotonic() + 20
    while True:
        status, replies = chat_web(stack, sender, "finns det något i grupp?")
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert status == 200 and texts(replies), (status, replies)
    after = slots(tracker(redis, sender)["events"])
    for fact in ("kommun", "barn_alder", "amnen"):
        assert after.get(fact) == before.get(fact), fact
    for path in logs.iterdir():
        with open(path, "rb") as f:
            f.seek(sizes.get(path.name, 0))
            text = f.read().decode(errors="replace")
        assert "Traceback" not in text and "finns det något i grupp" not in text and sender not in text, path.name
    print(f"\nscaled: Redis hung (SIGSTOP): restarting notice after {', '.join(f'{w:.1f}' for w in waits)} s")


def test_a_killed_instance_is_replaced_by_the_other_with_the_facts_intact(scaled):
    stack, redis, pg, logs = scaled
    # An earlier test (the hung Redis) made both instances fail, and the web tier passes a failed
    # instance over for DOWN_FOR seconds: until that has run out, this conversation would go
    # straight to rasa-2 and the kill below would need no retry (seen once in CI). Wait it out so
    # the messages before the kill are answered by the home instance.
    time.sleep(DOWN_FOR + 0.5)
    sender = sender_with_home(0)       # its home is rasa-1, the instance we kill
    for text in ("min son är 15 år", "han röker på varje dag"):
        status, replies = chat_web(stack, sender, text)
        assert status == 200 and texts(replies)
    before = slots(tracker(redis, sender)["events"])
    assert before.get("barn_alder") and before.get("amnen"), before
    retries_before = (logs / "web.log").read_text(errors="replace").count("svarar inte; försöker med nästa")

    os.kill(stack.procs["rasa-1"].pid, signal.SIGKILL)
    stack.procs["rasa-1"].wait(timeout=10)
    killed = time.monotonic()
    status, replies = chat_web(stack, sender, "finns det något för honom i grupp?")
    answered_after = time.monotonic() - killed
    assert status == 200 and texts(replies), (status, replies)
    assert "startat om" not in texts(replies) and "fel" not in replies   # the resident saw nothing
    events = tracker(redis, sender)["events"]
    after = slots(events)
    assert len(user_texts(events)) == 3
    for fact in ("kommun", "barn_alder", "amnen", "for_vem"):
        assert after.get(fact) == before.get(fact), fact
    log = (logs / "web.log").read_text(errors="replace")
    assert log.count("svarar inte; försöker med nästa") - retries_before == 1   # exactly one retry
    assert "Traceback" not in log
    assert answered_after < 5, answered_after
    print(f"\nscaled: start {stack.start_seconds:.0f} s; answered by the surviving instance "
          f"{answered_after * 1000:.0f} ms after SIGKILL")


def test_postgresql_lost_the_chat_answers_and_counting_is_skipped(scaled):
    stack, redis, pg, logs = scaled
    from conftest import query
    counted = query(pg.url, "select coalesce(sum(antal), 0) from rakneverk")[0][0]
    assert counted >= 1      # the conversations above were counted in PostgreSQL
    pg.stop()
    sender = uuid.uuid4().hex
    for text in ("min mamma har demens och jag orkar inte", "jag är 52"):
        status, replies = chat_web(stack, sender, text)
        assert status == 200 and texts(replies), (status, replies)
    logs_text = "".join(p.read_text(errors="replace") for p in logs.glob("actions-*.log"))
    assert "Statistiken räknas inte: databasen i DATABASE_URL svarar inte" in logs_text
    assert "demens" not in logs_text and pg.password not in logs_text and "Traceback" not in logs_text


def test_redis_lost_gives_the_restart_notice_and_service_resumes(scaled):
    stack, redis, pg, logs = scaled
    sender = uuid.uuid4().hex
    status, replies = chat_web(stack, sender, "min son är 15 år och röker på")
    assert status == 200 and texts(replies)
    redis.kill()
    status, body = chat_web(stack, sender, "finns det något i grupp?")
    assert status == 503, (status, body)
    assert body["fel"].startswith("Chatten startar om – använd guiden under tiden") and "112" in body["fel"]
    assert body["guide"].endswith(f"/{KOMMUN}/guide")
    for path in logs.iterdir():
        text = path.read_text(errors="replace")
        assert "Traceback" not in text and "finns det något i grupp" not in text, path.name
    # Redis back (empty, as it never wrote anything): the chat answers again by itself, and tells
    # the resident that the earlier conversation is gone.
    restarted = RedisServer(redis.workdir, port=redis.port, password=redis.password).start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            status, replies = chat_web(stack, sender, "min son är 15 år och röker på")
            if status == 200:
                break
            time.sleep(1)
        assert status == 200 and texts(replies), (status, replies)
        assert "startat om" in texts(replies)
    finally:
        restarted.stop()
