"""Conversations leave Rasa's memory after they have been idle (issue 12, item 5).

Unit tests of bot/tracker_store.py, without a trained model: the store Rasa builds from
bot/endpoints.yml is ours, an idle conversation is gone after its expiry (also when nobody
writes again), an active one stays, and memory stays flat over 1,000-conversation rounds."""
from __future__ import annotations

import asyncio
import gc
import tracemalloc

import pytest

pytest.importorskip("rasa.core.tracker_store")

import rasa.core.tracker_store as rasa_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.paths import ENDPOINTS
from bot.tracker_store import DEFAULT_TTL, ExpiringInMemoryTrackerStore


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def tracker(sender: str, text: str = "jag heter Kanarie Fågelsson och bor på Kanariegatan 7") -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_listen"), UserUttered(text), BotUttered("Vem gäller det?"),
    ])


def run(coro):
    return asyncio.run(coro)


def test_endpoints_yml_gives_rasa_our_store(monkeypatch):
    monkeypatch.setenv("ACTION_PORT", "5055")
    from rasa.core.utils import AvailableEndpoints
    endpoints = AvailableEndpoints.read_endpoints(str(ENDPOINTS))
    assert endpoints.tracker_store.type == "bot.tracker_store.ExpiringInMemoryTrackerStore"
    store = rasa_tracker_store.TrackerStore.create(endpoints.tracker_store, Domain.empty())
    # Rasa falls back to its plain in-memory store (with only a warning) when the path is wrong.
    assert type(store) is ExpiringInMemoryTrackerStore
    assert store.idle_expiry == DEFAULT_TTL == 1800


def test_expiry_from_the_environment(monkeypatch):
    monkeypatch.setenv("INSATSGUIDEN_TRACKER_TTL", "90")
    assert ExpiringInMemoryTrackerStore(Domain.empty()).idle_expiry == 90
    for bad in ("", "abc", "0", "-5"):
        monkeypatch.setenv("INSATSGUIDEN_TRACKER_TTL", bad)
        assert ExpiringInMemoryTrackerStore(Domain.empty()).idle_expiry == DEFAULT_TTL
    assert ExpiringInMemoryTrackerStore(Domain.empty(), idle_expiry=5).idle_expiry == 5


def test_an_idle_conversation_is_gone_after_its_expiry():
    clock = Clock()
    store = ExpiringInMemoryTrackerStore(Domain.empty(), idle_expiry=60, clock=clock)

    async def scenario():
        await store.save(tracker("samtal-a"))
        clock.now += 59
        assert (await store.retrieve("samtal-a")) is not None
        clock.now += 1
        assert (await store.retrieve("samtal-a")) is None
        assert "samtal-a" not in store.store  # the text itself is deleted, not only hidden
        assert list(await store.keys()) == []
        assert (await store.retrieve_full_tracker("samtal-a")) is None
    run(scenario())


def test_a_message_keeps_the_conversation():
    clock = Clock()
    store = ExpiringInMemoryTrackerStore(Domain.empty(), idle_expiry=60, clock=clock)

    async def scenario():
        await store.save(tracker("samtal-b"))
        for _ in range(5):
            clock.now += 50
            t = await store.retrieve("samtal-b")
            assert t is not None
            await store.save(t)
        await store.save(tracker("samtal-c"))
        clock.now += 61
        assert store.evict_expired() == 2 and not store.store
    run(scenario())


def test_the_sweep_deletes_idle_conversations_without_any_new_message():
    store = ExpiringInMemoryTrackerStore(Domain.empty(), idle_expiry=0.2)

    async def scenario():
        for n in range(20):
            await store.save(tracker(f"samtal-{n}"))
        assert len(store.store) == 20
        await asyncio.sleep(0.6)  # nobody writes; Rasa's event loop keeps running
        assert store.store == {} and store._last_active == {}
        assert store._sweep_handle is None  # nothing left to sweep, no timer left behind
    run(scenario())


def test_memory_stays_flat_over_rounds_of_1000_conversations():
    clock = Clock()
    store = ExpiringInMemoryTrackerStore(Domain.empty(), idle_expiry=60, clock=clock)
    long_text = "min mamma har demens och jag orkar inte längre " * 20

    async def round_of(n: int, offset: int):
        for i in range(n):
            await store.save(tracker(f"samtal-{offset + i}", long_text))
        clock.now += 61
        store.evict_expired()

    tracemalloc.start()
    try:
        run(round_of(1000, 0))
        gc.collect()
        after_first = tracemalloc.get_traced_memory()[0]
        for r in range(1, 4):
            run(round_of(1000, r * 1000))
        gc.collect()
        after_four = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert not store.store and not store._last_active
    # Without expiry 4,000 trackers of this size hold well over 10 MB.
    assert after_four - after_first < 1_000_000, after_four - after_first
