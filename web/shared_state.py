"""The web tier's limits shared by several web processes through Redis (REDIS_URL, issue 15).

With REDIS_URL set, the chat's per-client rate limit, the guide's counting limit, the guide's
one-time tokens and the staff login's failure counts (web/staff/login.py) live in Redis, so every web process behind the load balancer sees the same
counts: a resident cannot get N times the limit by landing on N processes, and a token issued by
one process can be used on another. Without REDIS_URL they stay in the process's memory
(web/security.py), as before.

Privacy as in memory: a client is a key `insatsguiden:web:rl:<name>:<HMAC>` where the HMAC's salt
is random, kept only in Redis (`insatsguiden:web:salt`, renewed every SALT_TTL seconds) and shared
by the web processes, so the keys can be compared but never turned back into an address. Each
key expires with its window. Tokens are stored as their SHA-256, with their expiry. Redis runs
with persistence off, so none of it reaches a disk.

Redis lost while running: every call falls back to the in-memory limiter or tokens of this
process (each process then limits on its own) and logs one warning per pause naming only
REDIS_URL and the error type; after PAUSE seconds Redis is tried again, and used as soon as it
answers. Residents never see an error from this.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from typing import Optional

from bot.redis_config import KEY_PREFIX, REDIS_URL_ENV, parse, settings_kwargs, timeout_from_env

from .security import OneTimeTokens, RateLimiter

logger = logging.getLogger(__name__)

SALT_TTL = 24 * 3600      # seconds; a new salt (and so new keys) every day
SALT_REFRESH = 60.0       # seconds a process keeps the salt before it reads it again
PAUSE = 5.0               # seconds without Redis after it failed
TIMEOUT = 0.5             # seconds per Redis call: a hung Redis must not hold a request

# Sliding window in one sorted set per client; Redis's own clock, so web hosts need not agree.
_HIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tostring(oldest[2] + window - now)}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return {1, '0'}
"""


# The staff login throttle (same rules as LoginThrottle): KEYS = pair, address; ARGV = max_fel,
# window, base_delay, per_address, member, clock offset (tests). Returns {wait, member}.
_LOGIN_ATTEMPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[6])
local max_fel, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local base, per_address = tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
local wait = 0
local n = redis.call('ZCARD', KEYS[1])
if n >= max_fel then
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  local delay = math.min(window, base * 2 ^ (n - max_fel))
  wait = math.max(wait, tonumber(last[2]) + delay - now)
end
local m = redis.call('ZCARD', KEYS[2])
if m >= per_address then
  local e = redis.call('ZRANGE', KEYS[2], m - per_address, m - per_address, 'WITHSCORES')
  wait = math.max(wait, tonumber(e[2]) + window - now)
end
if wait > 0 then return {tostring(wait), ''} end
redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('ZADD', KEYS[2], now, ARGV[5])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
redis.call('PEXPIRE', KEYS[2], math.ceil(window * 1000))
return {'0', ARGV[5]}
"""


class SharedRedis:
    """One Redis client per web process, with the shared salt and the pause after a failure."""

    def __init__(self, url: str):
        import redis

        # TLS as in REDIS_URL (rediss://); a shorter timeout than Rasa's stores, since the limits
        # have an in-memory fallback and are asked on every request.
        self.client = redis.Redis(**settings_kwargs(parse(url), min(TIMEOUT, timeout_from_env())))
        self._hit = self.client.register_script(_HIT)
        self.login_attempt = self.client.register_script(_LOGIN_ATTEMPT)
        self._salt: Optional[bytes] = None
        self._salt_read = 0.0
        self._paused_until = 0.0
        self._lock = threading.Lock()

    def available(self) -> bool:
        return time.monotonic() >= self._paused_until

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            first = self.available()
            self._paused_until = time.monotonic() + PAUSE
        if first:
            logger.warning("Redis i %s svarar inte (%s): webbens gränser räknas i den här processen tills "
                           "Redis svarar igen.", REDIS_URL_ENV, type(exc).__name__)

    def salt(self) -> bytes:
        now = time.monotonic()
        if self._salt is None or now - self._salt_read > SALT_REFRESH:
            key = f"{KEY_PREFIX}:web:salt"
            self.client.set(key, secrets.token_hex(32), nx=True, ex=SALT_TTL)
            value = self.client.get(key)
            if value is None:   # expired between the two calls: try once more
                self.client.set(key, secrets.token_hex(32), nx=True, ex=SALT_TTL)
                value = self.client.get(key)
            self._salt, self._salt_read = bytes(value), now
        return self._salt

    def hit(self, name: str, address: Optional[str], limit: int, window: float) -> tuple[bool, int]:
        digest = hmac.new(self.salt(), (address or "").encode(), hashlib.sha256).hexdigest()
        allowed, wait = self._hit(keys=[f"{KEY_PREFIX}:web:rl:{name}:{digest}"],
                                  args=[window, limit, secrets.token_hex(8)])
        return bool(int(allowed)), 0 if int(allowed) else max(1, int(float(wait)) + 1)


class RedisRateLimiter(RateLimiter):
    """RateLimiter whose counts live in Redis; the in-memory one takes over while Redis is gone."""

    def __init__(self, shared: SharedRedis, name: str, limit: int, window: float = 60.0):
        super().__init__(limit, window)
        self.shared = shared
        self.name = name

    def hit(self, address: Optional[str]) -> tuple[bool, int]:
        if self.shared.available():
            try:
                return self.shared.hit(self.name, address, self.limit, self.window)
            except Exception as exc:  # redis errors of every kind: count here instead
                self.shared.failed(exc)
        return super().hit(address)

    def reset(self) -> None:
        super().reset()
        try:
            for key in self.shared.client.scan_iter(f"{KEY_PREFIX}:web:rl:{self.name}:*"):
                self.shared.client.delete(key)
        except Exception as exc:
            self.shared.failed(exc)


class RedisOneTimeTokens(OneTimeTokens):
    """OneTimeTokens kept in Redis (as SHA-256, expiring), usable once on any web process."""

    def __init__(self, shared: SharedRedis, ttl: float = 3600.0, max_tokens: int = 100_000):
        super().__init__(ttl, max_tokens)
        self.shared = shared

    @staticmethod
    def _key(token: str) -> str:
        return f"{KEY_PREFIX}:web:token:" + hashlib.sha256(token.encode()).hexdigest()

    def issue(self) -> str:
        if self.shared.available():
            token = secrets.token_urlsafe(18)
            try:
                self.shared.client.set(self._key(token), b"1", ex=max(1, int(self.ttl)))
                return token
            except Exception as exc:
                self.shared.failed(exc)
        return super().issue()

    def consume(self, token: Optional[str]) -> bool:
        if not token or not isinstance(token, str) or len(token) > 64:
            return False
        if super().consume(token):   # issued here while Redis was away
            return True
        if not self.shared.available():
            return False
        try:
            return self.shared.client.getdel(self._key(token)) is not None
        except Exception as exc:
            self.shared.failed(exc)
            return False


def redis_login_throttle(shared_redis: SharedRedis, max_fel: int, fonster: float, base_delay: float,
                         per_address: Optional[int]):
    """LoginThrottle whose failure counts live in Redis (several web processes, one limit); while
    Redis is away the in-memory counts of the process take over."""
    from .staff.login import LoginThrottle

    class RedisLoginThrottle(LoginThrottle):
        def _redis_keys(self, namn: str, klient: Optional[str]) -> list[str]:
            salt = shared_redis.salt()
            from .staff import users

            def h(kind: str, value: str) -> str:
                return hmac.new(salt, f"{kind}\0{value}".encode(), hashlib.sha256).hexdigest()
            return [f"{KEY_PREFIX}:web:login:{h('par', users.normalise(namn) + chr(0) + (klient or ''))}",
                    f"{KEY_PREFIX}:web:login:{h('klient', klient or '')}"]

        def attempt(self, namn, klient):
            if shared_redis.available():
                try:
                    keys = self._redis_keys(namn, klient)
                    wait, member = shared_redis.login_attempt(
                        keys=keys, args=[self.max_fel, self.fonster, self.base_delay, self.per_address,
                                         secrets.token_hex(8), self._offset])
                    wait = float(wait)
                    if wait > 0:
                        return False, int(wait) + 1, ()
                    return True, 0, ("redis", keys, member.decode() if isinstance(member, bytes) else member)
                except Exception as exc:
                    shared_redis.failed(exc)
            return super().attempt(namn, klient)

        def succeeded(self, namn, klient, ticket=()):
            if ticket and ticket[0] == "redis":
                _, keys, member = ticket
                try:
                    shared_redis.client.delete(keys[0])
                    shared_redis.client.zrem(keys[1], member)
                except Exception as exc:
                    shared_redis.failed(exc)
                return
            super().succeeded(namn, klient, ticket)

        def reset(self):
            super().reset()
            try:
                for key in shared_redis.client.scan_iter(f"{KEY_PREFIX}:web:login:*"):
                    shared_redis.client.delete(key)
            except Exception as exc:
                shared_redis.failed(exc)

    return RedisLoginThrottle(max_fel, fonster, base_delay, per_address)


def shared(app) -> Optional[SharedRedis]:
    """The app's SharedRedis when REDIS_URL is configured, else None."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    inst = app.extensions.get("shared_redis")
    if inst is None:
        inst = app.extensions["shared_redis"] = SharedRedis(url)
    return inst
