"""Rasa's in-memory tracker store with idle expiry: a conversation is forgotten after
INSATSGUIDEN_TRACKER_TTL seconds without a message (default 1800 = 30 minutes).

Rasa's own InMemoryTrackerStore keeps every conversation — with anything a resident typed that
redaction did not catch — until the process ends (about 45 KB each). Session expiry
(bot/domain/session.yml) only starts a new session *inside* the same tracker; it frees nothing.
This store deletes the whole tracker: on access (an expired conversation is never returned) and
by a sweep on Rasa's event loop that runs while any conversation is held, so the text leaves
memory even when nobody writes again.

Configured in bot/endpoints.yml (Rasa 3.6 loads a custom store by its module path and calls it
with `host`, `domain`, `event_broker` and the remaining keys of the section as keyword arguments;
an unknown path silently falls back to the plain in-memory store, so tests check the class).
For several Rasa processes use Rasa's Redis tracker store with `record_exp` instead
(docs/architecture.md).
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any, Callable, Iterable, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

DEFAULT_TTL = 30 * 60  # seconds
TTL_ENV = "INSATSGUIDEN_TRACKER_TTL"


def ttl_from_env(default: float = DEFAULT_TTL) -> float:
    raw = os.environ.get(TTL_ENV, "")
    try:
        value = float(raw) if raw.strip() else default
    except ValueError:
        logger.warning("%s är inte ett tal; använder %s sekunder", TTL_ENV, default)
        return default
    return value if value > 0 else default


class ExpiringInMemoryTrackerStore(InMemoryTrackerStore):
    """InMemoryTrackerStore that evicts a conversation after `idle_expiry` seconds idle."""

    def __init__(
        self,
        domain: Domain,
        host: Optional[Text] = None,
        event_broker: Optional[EventBroker] = None,
        idle_expiry: Optional[float] = None,
        clock: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, event_broker, **kwargs)
        self.idle_expiry = float(idle_expiry) if idle_expiry else ttl_from_env()
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
        await super().save(tracker)
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
