"""bot/endpoints.scaled.yml as Rasa reads it (issue 15, item 2), without a trained model: Rasa's
own RedisTrackerStore with `record_exp` and RedisLockStore (its steps atomic, bot/lock_store.py), against a private Redis with
persistence off — the tracker expires by itself, and no file is ever written, not even when Redis
stops."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

pytest.importorskip("rasa.core.tracker_store")

from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore, TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import rasa_instance
from bot.redis_config import parse

pytestmark = pytest.mark.servers


def stores(monkeypatch, redis_server, ttl: str):
    monkeypatch.setenv("INSATSGUIDEN_TRACKER_TTL", ttl)
    monkeypatch.delenv("INSATSGUIDEN_ACTION_URL", raising=False)
    env = rasa_instance.environment(parse(redis_server.url))
    for key, value in env.items():
        if key.startswith(("INSATSGUIDEN_", "TICKET_")):
            monkeypatch.setenv(key, value)
    endpoints = AvailableEndpoints.read_endpoints(str(rasa_instance.ENDPOINTS_SCALED))
    return (TrackerStore.create(endpoints.tracker_store, Domain.empty()), LockStore.create(endpoints.lock_store),
            endpoints, env)


def test_the_scaled_endpoints_give_rasa_its_redis_stores(monkeypatch, redis_server):
    tracker_store, lock_store, endpoints, env = stores(monkeypatch, redis_server, "1800")
    from bot.lock_store import AtomicRedisLockStore
    from bot.tracker_store import DEFAULT_MAX_EVENTS, BoundedRedisTrackerStore
    assert type(tracker_store) is BoundedRedisTrackerStore and isinstance(tracker_store, RedisTrackerStore)
    assert tracker_store.max_events == DEFAULT_MAX_EVENTS          # the embedded store's bound
    for store in (tracker_store, lock_store):                      # a hung Redis fails, never holds
        assert store.red.connection_pool.connection_kwargs["socket_timeout"] == 1.0
        assert store.red.connection_pool.connection_kwargs["socket_connect_timeout"] == 1.0
    assert type(lock_store) is AtomicRedisLockStore and isinstance(lock_store, RedisLockStore)   # Rasa's, atomic
    assert int(tracker_store.record_exp) == 1800
    assert tracker_store.key_prefix == "insatsguiden:tracker:" and lock_store.key_prefix == "insatsguiden:lock:"
    assert endpoints.action.url == f"http://127.0.0.1:{env['ACTION_PORT']}/webhook"
    assert endpoints.event_broker is None        # nothing is sent anywhere else
    assert env["TICKET_LOCK_LIFETIME"] == "5"
    cmd = rasa_instance.command(5005)
    assert "--enable-api" not in cmd and cmd[cmd.index("--interface") + 1] == "127.0.0.1"


def test_a_tracker_in_redis_expires_and_nothing_reaches_a_disk(monkeypatch, redis_server):
    tracker_store, lock_store, _, _ = stores(monkeypatch, redis_server, "1")
    canary = "kanariefagel-i-redis"
    tracker = DialogueStateTracker.from_events("samtal-x", [
        ActionExecuted("action_listen"), UserUttered(f"min son {canary} röker"), BotUttered("Hur gammal är han?")])

    async def scenario():
        async with lock_store.lock("samtal-x"):
            await tracker_store.save(tracker)
        stored = await tracker_store.retrieve("samtal-x")
        assert stored is not None and canary in stored.latest_message.text
        await asyncio.sleep(1.6)
        assert await tracker_store.retrieve("samtal-x") is None

    asyncio.run(scenario())
    client = redis_server.client()
    assert not client.keys("insatsguiden:tracker:*")
    assert not client.keys("insatsguiden:lock:*")   # released locks are deleted
    assert list(Path(redis_server.workdir).iterdir()) == []
    client.set("kvar", canary)         # something in memory when Redis stops …
    redis_server.stop()                # … SIGTERM: with save "" Redis writes no dump on the way out
    time.sleep(0.2)
    assert list(Path(redis_server.workdir).iterdir()) == []
