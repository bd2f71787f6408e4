"""bot/lock_store.py: Rasa's RedisLockStore with atomic steps (issue 15, item 3). Several store
objects stand for several Rasa instances; a private Redis."""
from __future__ import annotations

import asyncio
import threading
import time

import pytest

pytest.importorskip("rasa.core.lock_store")

from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.core.utils import AvailableEndpoints

from bot import rasa_instance
from bot.lock_store import AtomicRedisLockStore
from bot.redis_config import parse

pytestmark = pytest.mark.servers


def stores(redis_server, n, cls=AtomicRedisLockStore):
    s = parse(redis_server.url)
    return [cls(host=s.host, port=s.port, db=s.db, password=s.password, key_prefix="insatsguiden") for _ in range(n)]


def at_once(n, fn):
    barrier = threading.Barrier(n)
    out = [None] * n

    def run(i):
        barrier.wait()
        out[i] = fn(i)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return out


def test_the_scaled_endpoints_name_the_atomic_lock_store(monkeypatch, redis_server):
    for key, value in rasa_instance.environment(parse(redis_server.url)).items():
        if key.startswith(("INSATSGUIDEN_", "TICKET_")):
            monkeypatch.setenv(key, value)
    endpoints = AvailableEndpoints.read_endpoints(str(rasa_instance.ENDPOINTS_SCALED))
    store = LockStore.create(endpoints.lock_store)
    assert type(store) is AtomicRedisLockStore and isinstance(store, RedisLockStore)
    assert store.key_prefix == "insatsguiden:lock:"
    ticket = store.issue_ticket("samtal-1")
    assert ticket == 0 and 0 < redis_server.client().ttl("insatsguiden:lock:samtal-1") <= 3600
    store.cleanup("samtal-1", ticket)
    assert not redis_server.client().exists("insatsguiden:lock:samtal-1")


def test_simultaneous_tickets_are_all_different(redis_server):
    instances = stores(redis_server, 12)
    for round_ in range(20):
        cid = f"samtal-{round_}"
        tickets = at_once(12, lambda i: instances[i].issue_ticket(cid, 30))
        assert sorted(tickets) == list(range(12)), tickets
        at_once(12, lambda i: instances[i].cleanup(cid, tickets[i]))
        assert not redis_server.client().exists(f"insatsguiden:lock:{cid}")   # nothing left over


def test_the_lock_lets_one_instance_in_at_a_time(redis_server):
    instances = stores(redis_server, 6)
    inside, overlaps, order = [0], [], []
    guard = threading.Lock()

    def work(i):
        async def critical():
            async with instances[i].lock("samtal-x", lock_lifetime=30, wait_time_in_seconds=0.01):
                with guard:
                    inside[0] += 1
                    overlaps.append(inside[0])
                    order.append(i)
                await asyncio.sleep(0.05)
                with guard:
                    inside[0] -= 1
        asyncio.run(critical())

    start = time.monotonic()
    at_once(6, work)
    assert sorted(order) == list(range(6)) and max(overlaps) == 1, overlaps
    assert time.monotonic() - start >= 6 * 0.05
    assert not redis_server.client().keys("insatsguiden:lock:*")
