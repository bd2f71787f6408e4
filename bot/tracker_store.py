"""Rasa's in-memory tracker store with idle expiry: a conversation is forgotten after
INSATSGUIDEN_TRACKER_TTL seconds without a message (default 1800 = 30 minutes).

Rasa's own InMemoryTrackerStore keeps every conversation — with anything a resident typed that
redaction did not catch — until the process ends (about 45 KB each). Session expiry
(bot/domain/session.yml) only starts a new session *inside* the same tracker; it frees nothing.
This store deletes the whole tracker: on access (an expired conversation is never returned) and
by a sweep on Rasa's event loop that runs while any conversation is held, so the text leaves
memory even when nobody writes again.

It also bounds what one conversation keeps (INSATSGUIDEN_TRACKER_MAX_EVENTS, default 400 events,
about 18 messages with their replies and slot events). Rasa reads back, replays, sends to the action
server and runs its policies over the whole event history on every message, so messages 251-300 of
one conversation took 750 ms each (p50) without the bound and 133 ms with it
(bench/long_conversation.py, docs/robustness.md). When a conversation holds
more than the bound, `compact` keeps its newest whole turns (from a user message on) within half of
it, preceded by what a session start with carried-over slots looks like: every slot's value as it
was where the kept turns begin. The bot's facts live in those slots (bot/actions/state.py reads
slots and the latest message only), so they survive; what is dropped is only old text — which is
also less personal data held. action_respond sets every slot on every answered turn, but a turn in
which the action server was down sets none, so the slots are carried explicitly rather than
trusted to be in the kept turns. Rasa's own `max_event_history` (a window over the newest events)
is not used: Rasa 3.6 offers no setting for it, and it starts in the middle of a turn and carries
no slots.

Configured in bot/endpoints.yml (Rasa 3.6 loads a custom store by its module path and calls it
with `host`, `domain`, `event_broker` and the remaining keys of the section as keyword arguments;
an unknown path silently falls back to the plain in-memory store, so tests check the class).
For several Rasa processes, `BoundedRedisTrackerStore` (bot/endpoints.scaled.yml) is Rasa's
RedisTrackerStore with `record_exp` and the same bound, applied by the same `compact`, and with
socket timeouts (INSATSGUIDEN_REDIS_TIMEOUT, bot/redis_config.py) so that a hung Redis fails a
message within about a second instead of holding it (docs/deployment.md).
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any, Callable, Iterable, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

DEFAULT_TTL = 30 * 60  # seconds
TTL_ENV = "INSATSGUIDEN_TRACKER_TTL"
DEFAULT_MAX_EVENTS = 400
MAX_EVENTS_ENV = "INSATSGUIDEN_TRACKER_MAX_EVENTS"


def _from_env(name: str, default, parse, what: str):
    raw = os.environ.get(name, "")
    try:
        return parse(raw) if raw.strip() else default
    except ValueError:
        logger.warning("%s är inte %s; använder %s", name, what, default)
        return default


def max_events_from_env(default: int = DEFAULT_MAX_EVENTS) -> int:
    """The bound on events per conversation; 0 = no bound (only for measuring, e.g. the bench)."""
    return max(0, _from_env(MAX_EVENTS_ENV, default, int, "ett heltal"))


def compact(tracker: DialogueStateTracker, max_events: int) -> DialogueStateTracker:
    """`tracker` itself when it holds at most `max_events` events (or max_events is 0); else a new
    tracker of the same conversation: its newest whole turns within max_events // 2 events (at
    least the last turn), after a session start that sets every slot to its value where those
    turns begin. Read back, it has the same slots, latest message and latest action."""
    events = list(tracker.events)
    if not max_events or len(events) <= max_events:
        return tracker
    starts = [i for i, e in enumerate(events) if isinstance(e, UserUttered)]
    if not starts:
        return tracker
    # the slots where the kept turns begin: replayed from a fresh copy (initial values)
    before = tracker.init_copy()
    prefix_size = 3 + len(before.slots)
    keep_from = starts[-1]
    for i in reversed(starts[:-1]):
        if prefix_size + len(events) - i > max_events // 2:
            break
        keep_from = i
    for event in events[:keep_from]:
        before.update(event)
    stamp = events[keep_from].timestamp
    prefix = [ActionExecuted(ACTION_SESSION_START_NAME, timestamp=stamp), SessionStarted(timestamp=stamp)]
    prefix += [SlotSet(name, slot.value, timestamp=stamp) for name, slot in before.slots.items()
               if slot.value != slot.initial_value]
    prefix.append(ActionExecuted(ACTION_LISTEN_NAME, timestamp=stamp))
    kept = tracker.init_copy()
    for event in prefix + events[keep_from:]:
        kept.update(event)
    return kept


def ttl_from_env(default: float = DEFAULT_TTL) -> float:
    value = _from_env(TTL_ENV, default, float, "ett tal")
    return value if value > 0 else default


class ExpiringInMemoryTrackerStore(InMemoryTrackerStore):
    """InMemoryTrackerStore that evicts a conversation after `idle_expiry` seconds idle and keeps
    at most about `max_events` events of each (see `compact`)."""

    def __init__(
        self,
        domain: Domain,
        host: Optional[Text] = None,
        event_broker: Optional[EventBroker] = None,
        idle_expiry: Optional[float] = None,
        clock: Callable[[], float] = time.monotonic,
        max_events: Optional[int] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, event_broker, **kwargs)
        self.idle_expiry = float(idle_expiry) if idle_expiry else ttl_from_env()
        self.max_events = max(0, int(max_events)) if max_events is not None else max_events_from_env()
        self._clock = clock
        self._last_active: dict[Text, float] = {}
        self._sweep_handle: Optional[asyncio.TimerHandle] = None

    # -- expiry ----------------------------------------------------------------------------
    def _expired(self, sender_id: Text, now: float) -> bool:
        last = self._last_active.get(sender_id)
        return last is not None and now - last >= self.idle_expiry

    def _forget(self, sender_id: Text) -> None:
        self.store.pop(sender_id, None)
        self._last_active.pop(sender_id, None)

    def evict_expired(self) -> int:
        """Deletes every conversation idle for `idle_expiry` seconds; returns how many."""
        now = self._clock()
        gone = [s for s in list(self._last_active) if self._expired(s, now)]
        # Trackers saved by someone who bypassed save() have no time: give them one now.
        for sender_id in [s for s in self.store if s not in self._last_active]:
            self._last_active[sender_id] = now
        for sender_id in gone:
            self._forget(sender_id)
        if gone:
            # A count only, never a conversation id.
            logger.debug("%d samtal glömda efter %s s utan meddelande", len(gone), self.idle_expiry)
        return len(gone)

    def _sweep_interval(self) -> float:
        return min(60.0, max(0.05, self.idle_expiry / 4))

    def _schedule_sweep(self) -> None:
        if self._sweep_handle is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._sweep_handle = loop.call_later(self._sweep_interval(), self._sweep)

    def _sweep(self) -> None:
        self._sweep_handle = None
        self.evict_expired()
        if self.store:
            self._schedule_sweep()

    # -- the TrackerStore interface --------------------------------------------------------
    async def save(self, tracker: DialogueStateTracker) -> None:
        # Rasa keeps using the tracker it passes here; the store keeps the compacted copy.
        await super().save(compact(tracker, self.max_events))
        self._last_active[tracker.sender_id] = self._clock()
        self._schedule_sweep()

    async def _retrieve(self, sender_id: Text, fetch_all_sessions: bool) -> Optional[DialogueStateTracker]:
        if self._expired(sender_id, self._clock()):
            self._forget(sender_id)
            return None
        return await super()._retrieve(sender_id, fetch_all_sessions)

    async def keys(self) -> Iterable[Text]:
        self.evict_expired()
        return list(self.store.keys())


class BoundedRedisTrackerStore(RedisTrackerStore):
    """Rasa's RedisTrackerStore (one key per conversation, expiring `record_exp` seconds after its
    last save) that keeps at most about `max_events` events of each conversation (`compact`, the
    same rule as the in-memory store) and whose Redis calls time out (INSATSGUIDEN_REDIS_TIMEOUT).

    Rasa's save reads the stored tracker, merges it with the one being saved and writes the result;
    the bound is applied to that result, just before it is written (`serialise_tracker`), so a
    merge with what another instance wrote is bounded too."""

    def __init__(
        self,
        domain: Domain,
        host: Text = "localhost",
        port: Any = 6379,
        db: Any = 0,
        username: Optional[Text] = None,
        password: Optional[Text] = None,
        event_broker: Optional[EventBroker] = None,
        record_exp: Any = None,
        key_prefix: Optional[Text] = None,
        max_events: Optional[int] = None,
        tls: Any = False,
        ssl_ca_certs: Optional[Text] = None,
        **kwargs: Any,
    ) -> None:
        import redis

        from bot.redis_config import connection_kwargs

        record_exp = int(float(record_exp)) if record_exp not in (None, "") else None
        super().__init__(domain, host=host, port=int(port), db=int(db or 0), username=username or None,
                         password=password or None, event_broker=event_broker, record_exp=record_exp,
                         key_prefix=key_prefix, **kwargs)
        # Rasa's client has no socket timeout: a Redis that accepts and never answers would hold
        # the message (and Rasa's event loop: redis-py is synchronous) for ever.
        self.red = redis.StrictRedis(decode_responses=True, **connection_kwargs(
            host, port, db, password, username, tls, ssl_ca_certs))
        self.max_events = max(0, int(max_events)) if max_events not in (None, "") else max_events_from_env()

    def serialise_tracker(self, tracker: DialogueStateTracker) -> Text:  # type: ignore[override]
        return super().serialise_tracker(compact(tracker, self.max_events))
