"""Conversations leave Rasa's memory after they have been idle (issue 12, item 5), and a long
conversation keeps a bounded event history without losing its facts.

Unit tests of bot/tracker_store.py, without a trained model: the store Rasa builds from
bot/endpoints.yml is ours, an idle conversation is gone after its expiry (also when nobody
writes again), an active one stays, and memory stays flat over 1,000-conversation rounds; a
conversation of 70 messages, each turn written as Rasa writes it with the real action_respond,
keeps at most the bound and gets the same replies as without it."""
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

from bench.long_conversation import MESSAGES_CYCLE as LONG   # the messages of the benchmark
from bot.paths import DOMAIN, ENDPOINTS
from bot.tracker_store import DEFAULT_MAX_EVENTS, DEFAULT_TTL, ExpiringInMemoryTrackerStore, compact


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
    assert store.max_events == DEFAULT_MAX_EVENTS == 400


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


# -- a bounded event history (a long conversation must not slow Rasa down) -------------------


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(DOMAIN))


@pytest.fixture
def _stats(tmp_path, monkeypatch):
    monkeypatch.setattr("insatskatalog.statistics.DEFAULT_DB", tmp_path / "statistik.db")


async def rasa_turn(store, sender: str, text: str, kommun: str = "alingsas", action_down: bool = False) -> list[dict]:
    """One message as Rasa handles it: the tracker read from the store, the user's message, the
    real action_respond run on the tracker's state as Rasa sends it to the action server, its
    messages and slot events applied, the tracker saved. Returns the action's messages. With the
    action server down Rasa logs the action with no events of its own (processor._run_action)."""
    from rasa.shared.core.events import DefinePrevUserUtteredFeaturization, SlotSet
    from rasa.shared.core.trackers import EventVerbosity
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from bot.actions.respond import ActionRespond

    tracker = await store.get_or_create_tracker(sender)
    intent = {"name": "nlu_fallback", "confidence": 0.2}
    tracker.update(UserUttered(text, intent, [], {"intent": intent, "intent_ranking": [intent], "entities": []},
                               metadata={"kommun": kommun}))
    tracker.update(DefinePrevUserUtteredFeaturization(False))
    dispatcher = CollectingDispatcher()
    events = [] if action_down else \
        await ActionRespond().run(dispatcher, Tracker.from_dict(tracker.current_state(EventVerbosity.ALL)), {})
    tracker.update(ActionExecuted("action_respond"))
    for message in dispatcher.messages:
        tracker.update(BotUttered(message.get("text"), {k: v for k, v in message.items() if k != "text"}))
    for event in events:
        tracker.update(SlotSet(event["name"], event["value"]))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    return dispatcher.messages


def test_a_long_conversation_keeps_a_bounded_history_and_the_same_replies(domain, _stats):
    assert_bounded_like_unbounded(ExpiringInMemoryTrackerStore(domain, idle_expiry=3600, max_events=120),
                                  ExpiringInMemoryTrackerStore(domain, idle_expiry=3600, max_events=0))


def test_the_redis_store_keeps_the_same_bound(domain, _stats, redis_server):
    """The scaled layout's store (bot/endpoints.scaled.yml) bounds a conversation by the same rule,
    also as it is stored in Redis (what the next message, on any instance, reads back)."""
    from bot.redis_config import parse
    from bot.tracker_store import BoundedRedisTrackerStore

    s = parse(redis_server.url)

    def store(prefix, max_events):
        return BoundedRedisTrackerStore(domain, host=s.host, port=s.port, password=s.password, record_exp=3600,
                                        key_prefix=prefix, max_events=max_events)
    capped, unbounded = store("kapad", 120), store("obegransad", 0)
    assert_bounded_like_unbounded(capped, unbounded)
    stored = redis_server.client().get("kapad:tracker:lang")
    assert stored is not None and len(capped.deserialise_tracker("lang", stored).events) <= 120
    assert 3000 < redis_server.client().ttl("kapad:tracker:lang") <= 3600   # record_exp still applies
    assert run(unbounded.retrieve("lang")).events.__len__() > 20 * 40


def assert_bounded_like_unbounded(capped, unbounded):
    """70 messages through a store bounded at 120 events and an unbounded one: the same replies and
    slots after every message, the bounded one never over its bound and compacted again and again."""
    sizes, compactions = [], 0

    async def scenario():
        nonlocal compactions
        for n in range(70):
            text = LONG[n % len(LONG)]
            # Messages 30-59 while the action server is down: turns without slot events, more of
            # them than the bound keeps, so afterwards the facts are only in the carried slots.
            down = 30 <= n < 60
            assert await rasa_turn(capped, "lang", text, action_down=down) == \
                await rasa_turn(unbounded, "lang", text, action_down=down), (n, text)
            a, b = await capped.retrieve("lang"), await unbounded.retrieve("lang")
            assert a.current_slot_values() == b.current_slot_values(), n
            assert a.latest_message.text == b.latest_message.text == text
            assert a.latest_action_name == "action_listen"
            compactions += len(a.events) < sizes[-1] if sizes else 0
            sizes.append(len(a.events))
        return b
    full = run(scenario())
    assert max(sizes) <= 120 and compactions >= 10, (max(sizes), compactions)
    assert len(full.events) > 20 * 40   # about 22 events per answered message without the bound


def test_compact_keeps_whole_turns_after_a_session_start_with_the_slots_of_that_point(domain):
    from rasa.shared.core.events import SessionStarted, SlotSet

    def turn(n):
        amnen = [SlotSet("amnen", ["beroende"] if n == 0 else None)] if n < 2 else []
        return [UserUttered(f"meddelande {n}"), ActionExecuted("action_respond"), BotUttered(f"svar {n}"),
                SlotSet("sida", float(n)), SlotSet("asked", f"fraga-{n}"), *amnen, ActionExecuted("action_listen")]
    events = [ActionExecuted("action_listen")] + [e for n in range(40) for e in turn(n)]
    tracker = DialogueStateTracker.from_events("t", events, domain.slots)
    assert compact(tracker, 0) is tracker and compact(tracker, len(events)) is tracker
    kept = compact(tracker, 100)
    assert kept is not tracker and len(kept.events) <= 50
    assert list(kept.events)[:2] == [ActionExecuted("action_session_start"), SessionStarted()]
    first_user = next(i for i, e in enumerate(kept.events) if isinstance(e, UserUttered))
    assert isinstance(kept.events[first_user - 1], ActionExecuted) and kept.events[first_user - 1].action_name == "action_listen"
    kept_turns = [e.text for e in kept.events if isinstance(e, UserUttered)]
    assert kept_turns == [f"meddelande {n}" for n in range(40 - len(kept_turns), 40)]
    # the slots where the kept turns begin: amnen was set in turn 0 and cleared in turn 1
    prefix = {e.key: e.value for e in list(kept.events)[:first_user] if isinstance(e, SlotSet)}
    assert prefix == {"sida": float(39 - len(kept_turns)), "asked": f"fraga-{39 - len(kept_turns)}"}
    assert kept.current_slot_values() == tracker.current_slot_values()
    # read back through the store as Rasa reads it: one session, the same state
    store = ExpiringInMemoryTrackerStore(domain, max_events=100)
    run(store.save(tracker))
    back = run(store.retrieve("t"))
    assert back.current_slot_values() == tracker.current_slot_values()
    assert back.latest_message.text == "meddelande 39" and len(back.events) == len(kept.events)
    # a single turn larger than the bound is kept whole
    assert [e.text for e in compact(tracker, 4).events if isinstance(e, UserUttered)] == ["meddelande 39"]


def test_max_events_from_the_environment(monkeypatch):
    monkeypatch.setenv("INSATSGUIDEN_TRACKER_MAX_EVENTS", "250")
    assert ExpiringInMemoryTrackerStore(Domain.empty()).max_events == 250
    monkeypatch.setenv("INSATSGUIDEN_TRACKER_MAX_EVENTS", "0")
    assert ExpiringInMemoryTrackerStore(Domain.empty()).max_events == 0   # no bound: for measuring
    for bad in ("", "abc", "1.5"):
        monkeypatch.setenv("INSATSGUIDEN_TRACKER_MAX_EVENTS", bad)
        assert ExpiringInMemoryTrackerStore(Domain.empty()).max_events == DEFAULT_MAX_EVENTS
    assert ExpiringInMemoryTrackerStore(Domain.empty(), max_events=50).max_events == 50
