"""REDIS_URL: where the scaled layout keeps what several processes share (issue 15).

    REDIS_URL=redis://:PASSWORD@10.0.0.4:6379/0

Rasa instances keep their conversations there (Rasa's RedisTrackerStore with `record_exp`, and
RedisLockStore, configured in bot/endpoints.scaled.yml), and the web processes their shared rate
limits and one-time tokens (web/shared_state.py). Without REDIS_URL nothing changes: `make run`
keeps everything in the memory of its three processes.

This module reads the URL, checks that Redis answers and words the one-line error when it does
not. The password is never printed: messages show the URL with `***` in its place.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional
from urllib.parse import unquote, urlsplit

REDIS_URL_ENV = "REDIS_URL"
KEY_PREFIX = "insatsguiden"     # Rasa wants an alphanumeric prefix: keys become insatsguiden:tracker:…
CHECK_TIMEOUT = 3.0             # seconds


class RedisConfigError(RuntimeError):
    """A one-line, bilingual message for the operator; never holds the password."""


@dataclass(frozen=True)
class RedisSettings:
    host: str
    port: int
    db: int
    password: str
    username: str

    @property
    def shown(self) -> str:
        """The URL as it may be printed."""
        auth = f"{self.username}:***@" if self.password else ""
        return f"redis://{auth}{self.host}:{self.port}/{self.db}"


def redis_url(env: Optional[dict] = None) -> Optional[str]:
    url = ((env if env is not None else os.environ).get(REDIS_URL_ENV) or "").strip()
    return url or None


def parse(url: str) -> RedisSettings:
    parts = urlsplit(url)
    if parts.scheme == "rediss":
        raise RedisConfigError(f"{REDIS_URL_ENV}: rediss:// (TLS) stöds inte här; kör Redis på ett privat nät "
                               f"(docs/deployment.md). / TLS is not supported; use a private network.")
    if parts.scheme != "redis" or not parts.hostname:
        raise RedisConfigError(f"{REDIS_URL_ENV} ska se ut som redis://:lösenord@värd:6379/0. "
                               f"/ {REDIS_URL_ENV} must look like redis://:password@host:6379/0.")
    try:
        port = parts.port or 6379
        db = int(parts.path.strip("/") or 0)
    except ValueError:
        raise RedisConfigError(f"{REDIS_URL_ENV}: porten och databasnumret ska vara heltal. "
                               f"/ port and database number must be integers.") from None
    return RedisSettings(host=parts.hostname, port=port, db=db, password=unquote(parts.password or ""),
                         username=unquote(parts.username or ""))


def client(settings: RedisSettings, timeout: float = CHECK_TIMEOUT):
    import redis
    return redis.Redis(host=settings.host, port=settings.port, db=settings.db, password=settings.password or None,
                       username=settings.username or None, socket_timeout=timeout, socket_connect_timeout=timeout)


def unreachable(settings: RedisSettings, exc: BaseException) -> RedisConfigError:
    kind = type(exc).__name__
    if "auth" in str(exc).lower() or "password" in str(exc).lower() or kind == "AuthenticationError":
        why_sv, why_en = "fel lösenord", "wrong password"
    else:
        why_sv, why_en = "svarar inte", "does not answer"
    return RedisConfigError(f"Redis i {REDIS_URL_ENV} ({settings.shown}) {why_sv} ({kind}); starta Redis eller rätta "
                            f"{REDIS_URL_ENV}. / Redis at {REDIS_URL_ENV} {why_en}.")


def check(url: Optional[str] = None, timeout: float = CHECK_TIMEOUT) -> RedisSettings:
    """The settings of a Redis that answers PING, or RedisConfigError (one line naming REDIS_URL)."""
    url = url or redis_url()
    if not url:
        raise RedisConfigError(f"{REDIS_URL_ENV} är inte satt. / {REDIS_URL_ENV} is not set.")
    settings = parse(url)
    try:
        client(settings, timeout).ping()
    except Exception as exc:  # refused, unknown host, timeout, wrong password: all one line
        raise unreachable(settings, exc) from None
    return settings


def rasa_env(settings: RedisSettings) -> dict:
    """The variables bot/endpoints.scaled.yml reads (Rasa substitutes ${…} in endpoint files)."""
    return {
        "INSATSGUIDEN_REDIS_HOST": settings.host,
        "INSATSGUIDEN_REDIS_PORT": str(settings.port),
        "INSATSGUIDEN_REDIS_DB": str(settings.db),
        "INSATSGUIDEN_REDIS_USERNAME": settings.username,
        "INSATSGUIDEN_REDIS_PASSWORD": settings.password,
    }
