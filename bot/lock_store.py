"""Rasa's RedisLockStore with its read-modify-write steps made atomic (issue 15, item 3).

Rasa 3.6's RedisLockStore issues a ticket by reading the conversation's lock from Redis, adding
a ticket and writing it back — three separate commands. Two instances that receive a message of
the same conversation at the same moment both read "no lock", both issue ticket 0, both write,
and both go ahead: the messages are processed at the same time, which the lock exists to prevent
(tests/stack/test_scaled.py caught it: the second message was read before the first was
answered). Removing a finished ticket has the same race and can drop the other's ticket.

This class keeps Rasa's lock format, keys (`insatsguiden:lock:<id>`), tickets, waiting and
expiry — everything of RedisLockStore — and only runs each read-modify-write inside a Redis
transaction (WATCH / MULTI / EXEC, retried when another instance changed the key meanwhile).
A lock key also expires an hour after its last change, so a lock left by an instance that died
does not stay in Redis for ever (it holds a conversation id and ticket numbers only).

Configured in bot/endpoints.scaled.yml as `type: bot.lock_store.AtomicRedisLockStore`; Rasa
builds a lock store given by module path with the endpoint's configuration.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

KEY_TTL = 3600   # seconds after its last change that a lock key disappears by itself
_UNCHANGED = object()


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        import redis

        from bot.redis_config import connection_kwargs

        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        tls, ca_certs = kwargs.pop("tls", False), kwargs.pop("ssl_ca_certs", None)
        super().__init__(**{k: v for k, v in kwargs.items() if k != "socket_timeout"})
        # The same timeouts (INSATSGUIDEN_REDIS_TIMEOUT) and TLS as the tracker store: Rasa's own
        # client waits 10 s per call and has no connect timeout, so a hung Redis held each message
        # for longer than the web tier waits.
        self.red = redis.StrictRedis(**connection_kwargs(
            kwargs.get("host", "localhost"), kwargs.get("port", 6379), kwargs.get("db", 1), kwargs.get("password"),
            kwargs.get("username"), tls, ca_certs, kwargs.get("socket_timeout")))

    def _atomically(self, conversation_id: Text,
                    change: Callable[[Optional[TicketLock]], Tuple[Any, Any]]) -> Any:
        """Runs `change(lock) -> (new lock | None to delete | _UNCHANGED, result)` as one transaction."""
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new, result = change(lock)
                    if new is _UNCHANGED:
                        pipe.unwatch()
                        return result
                    pipe.multi()
                    if new is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new.dumps(), ex=KEY_TTL)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue   # another instance changed the lock between our read and write

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def change(lock):
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)
        try:
            return self._atomically(conversation_id, change)
        except Exception as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}")

    def update_lock(self, conversation_id: Text) -> None:
        def change(lock):
            if lock is None:
                return _UNCHANGED, None
            lock.remove_expired_tickets()
            return lock, None
        self._atomically(conversation_id, change)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def change(lock):
            if lock is None:
                return _UNCHANGED, None
            lock.remove_ticket_for(ticket_number)
            return lock, None
        self._atomically(conversation_id, change)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Removes our ticket, and the whole lock if nobody else waits — in one step."""
        def change(lock):
            if lock is None:
                return _UNCHANGED, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None
        self._atomically(conversation_id, change)

    def save_lock(self, lock: TicketLock) -> None:
        self.red.set(self.key_prefix + lock.conversation_id, lock.dumps(), ex=KEY_TTL)
