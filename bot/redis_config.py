"""REDIS_URL: where the scaled layout keeps what several processes share (issue 15).

    REDIS_URL=redis://:PASSWORD@10.0.0.4:6379/0
    REDIS_URL=rediss://:PASSWORD@redis.example.internal:6380/0?ssl_ca_certs=/etc/insatsguiden/redis-ca.crt

Rasa instances keep their conversations there (Rasa's RedisTrackerStore with `record_exp`, and
RedisLockStore, configured in bot/endpoints.scaled.yml), and the web processes their shared rate
limits and one-time tokens (web/shared_state.py). Without REDIS_URL nothing changes: `make run`
keeps everything in the memory of its three processes.

This module reads the URL, checks that Redis answers and words the one-line error when it does
not. The password is never printed: messages show the URL with `***` in its place.

`rediss://` is Redis over TLS: the server's certificate is checked against the system's CAs, or
against the file in `ssl_ca_certs=` (redis-py's name for it), and its host name must match.

Every client of ours (the Rasa instances' tracker and lock stores, the web tier, the start
check) gives up on a Redis call after INSATSGUIDEN_REDIS_TIMEOUT seconds (default 1): a Redis that
accepts connections but never answers (hung, stopped, a black-holed network) then fails like a
Redis that is down, and the resident gets the chat's restarting notice instead of waiting.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional
from urllib.parse import parse_qs, unquote, urlsplit

REDIS_URL_ENV = "REDIS_URL"
KEY_PREFIX = "insatsguiden"     # Rasa wants an alphanumeric prefix: keys become insatsguiden:tracker:…
CHECK_TIMEOUT = 3.0             # seconds
TIMEOUT_ENV = "INSATSGUIDEN_REDIS_TIMEOUT"
DEFAULT_TIMEOUT = 1.0           # seconds per Redis call; Redis answers ours in well under 10 ms


class RedisConfigError(RuntimeError):
    """A one-line, bilingual message for the operator; never holds the password."""


@dataclass(frozen=True)
class RedisSettings:
    host: str
    port: int
    db: int
    password: str
    username: str
    tls: bool = False
    ca_certs: str = ""

    @property
    def shown(self) -> str:
        """The URL as it may be printed."""
        auth = f"{self.username}:***@" if self.password else ""
        return f"{'rediss' if self.tls else 'redis'}://{auth}{self.host}:{self.port}/{self.db}"


def timeout_from_env(env: Optional[dict] = None) -> float:
    """INSATSGUIDEN_REDIS_TIMEOUT in seconds (default 1); a bad or non-positive value gives the default."""
    raw = ((env if env is not None else os.environ).get(TIMEOUT_ENV) or "").strip()
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def connection_kwargs(host: str, port, db=0, password: Optional[str] = None, username: Optional[str] = None,
                      tls=False, ca_certs: Optional[str] = None, timeout: Optional[float] = None) -> dict:
    """redis.Redis keyword arguments for every client of ours: the same timeouts and TLS everywhere.
    `tls` may be the text of an endpoint file (Rasa substitutes ${VAR} as text): "1"/"true" is on."""
    if isinstance(tls, str):
        tls = tls.strip().lower() in ("1", "true", "yes", "ja")
    timeout = timeout_from_env() if timeout is None else timeout
    kwargs = dict(host=host, port=int(port), db=int(db or 0), password=password or None,
                  username=username or None, socket_timeout=timeout, socket_connect_timeout=timeout)
    if tls:
        kwargs.update(ssl=True, ssl_cert_reqs="required", ssl_check_hostname=True, ssl_ca_certs=ca_certs or None)
    return kwargs


def settings_kwargs(settings: RedisSettings, timeout: Optional[float] = None) -> dict:
    return connection_kwargs(settings.host, settings.port, settings.db, settings.password, settings.username,
                             settings.tls, settings.ca_certs, timeout)


def redis_url(env: Optional[dict] = None) -> Optional[str]:
    url = ((env if env is not None else os.environ).get(REDIS_URL_ENV) or "").strip()
    return url or None


def parse(url: str) -> RedisSettings:
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise RedisConfigError(f"{REDIS_URL_ENV} ska se ut som redis://:lösenord@värd:6379/0 (rediss:// med TLS). "
                               f"/ {REDIS_URL_ENV} must look like redis://:password@host:6379/0.")
    query = parse_qs(parts.query)
    unknown = sorted(set(query) - {"ssl_ca_certs"})
    ca_certs = (query.get("ssl_ca_certs") or [""])[-1]
    if unknown or (ca_certs and parts.scheme != "rediss"):
        raise RedisConfigError(f"{REDIS_URL_ENV}: bara ?ssl_ca_certs=fil och bara med rediss:// "
                               f"(okänt: {', '.join(unknown) or 'ssl_ca_certs utan TLS'}). "
                               f"/ only ?ssl_ca_certs=file, with rediss://.")
    if ca_certs and not os.path.isfile(ca_certs):
        raise RedisConfigError(f"{REDIS_URL_ENV}: filen i ssl_ca_certs finns inte ({ca_certs}). "
                               f"/ the ssl_ca_certs file does not exist.")
    try:
        port = parts.port or 6379
        db = int(parts.path.strip("/") or 0)
    except ValueError:
        raise RedisConfigError(f"{REDIS_URL_ENV}: porten och databasnumret ska vara heltal. "
                               f"/ port and database number must be integers.") from None
    return RedisSettings(host=parts.hostname, port=port, db=db, password=unquote(parts.password or ""),
                         username=unquote(parts.username or ""), tls=parts.scheme == "rediss", ca_certs=ca_certs)


def client(settings: RedisSettings, timeout: float = CHECK_TIMEOUT):
    import redis
    return redis.Redis(**settings_kwargs(settings, timeout))


def unreachable(settings: RedisSettings, exc: BaseException) -> RedisConfigError:
    kind = type(exc).__name__
    text = str(exc).lower()
    if "auth" in text or "password" in text or kind == "AuthenticationError":
        why_sv, why_en = "fel lösenord", "wrong password"
    elif "ssl" in text or "certificate" in text or "tls" in text:
        why_sv, why_en = "TLS-anslutningen misslyckades (certifikat, värdnamn eller rediss:// mot en port utan TLS)", \
            "TLS failed (certificate, host name, or rediss:// to a port without TLS)"
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
        "INSATSGUIDEN_REDIS_TLS": "1" if settings.tls else "0",
        "INSATSGUIDEN_REDIS_CA_CERTS": settings.ca_certs,
        TIMEOUT_ENV: str(timeout_from_env()),
    }
