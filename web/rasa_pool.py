"""Which Rasa instance answers a message (issue 15): RASA_URLS, or the single RASA_URL.

    RASA_URLS="http://10.0.1.11:5005 http://10.0.1.12:5005"     (spaces or commas)

**By hash of the conversation id.** Each conversation has a home instance, the SHA-256 of its id
modulo the number of instances: the same in every web process and after a restart, spread evenly,
and with no state to share. With the Redis tracker store any instance can answer any message, so
the home is only a preference: when it cannot be reached (connection refused or reset, an HTTP
error) the message goes at once to the next instance in the ring — **at most one retry** — and
the failed instance is passed over for DOWN_FOR seconds, so later messages do not wait on it.
A read timeout is not retried: the slow instance may still be answering, and a second try would
double the resident's wait; the resident gets the existing "svarar långsamt" notice.

A message retried after its instance died in the middle of it is answered by the next instance;
if the dead instance had already saved the message in Redis, Rasa's tracker holds it twice (the
reply is the same kind, so the resident does not notice).
"""
from __future__ import annotations

import hashlib
import http.client
import json
import logging
import re
import socket
import threading
import time
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

DOWN_FOR = 5.0        # seconds an instance that failed is passed over (unless all are)
MAX_TRIES = 2         # the home instance and at most one retry


class RasaUnavailable(Exception):
    """Rasa could not be reached, or did not answer in time (`timeout` tells which)."""

    def __init__(self, timeout: bool = False):
        super().__init__("timeout" if timeout else "unreachable")
        self.timeout = timeout


def parse_urls(text) -> list[str]:
    """RASA_URLS as a list (spaces or commas between the addresses); a list passes through."""
    if isinstance(text, (list, tuple)):
        items = list(text)
    else:
        items = re.split(r"[\s,]+", text or "")
    return [u.strip().rstrip("/") for u in items if u and u.strip()]


def home_index(sender: str, n: int) -> int:
    digest = hashlib.sha256(sender.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % n


class RasaInstances:
    """The instances and which of them failed lately (per web process, in memory)."""

    def __init__(self, down_for: float = DOWN_FOR):
        self.down_for = down_for
        self._down_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def order(self, urls: list[str], sender: str, now: float | None = None) -> list[str]:
        """The instances to try for this conversation: the home first, then the ring; instances
        that failed in the last DOWN_FOR seconds move to the end."""
        if not urls:
            return []
        now = time.monotonic() if now is None else now
        start = home_index(sender, len(urls))
        ring = urls[start:] + urls[:start]
        with self._lock:
            up = [u for u in ring if self._down_until.get(u, 0.0) <= now]
        return up + [u for u in ring if u not in up]

    def failed(self, url: str, now: float | None = None) -> None:
        with self._lock:
            self._down_until[url] = (time.monotonic() if now is None else now) + self.down_for

    def answered(self, url: str) -> None:
        with self._lock:
            self._down_until.pop(url, None)

    def post(self, urls: list[str], payload: dict, connect_timeout: float, read_timeout: float) -> list:
        """The replies from the conversation's home instance, or from one other after it failed."""
        candidates = self.order(urls, str(payload.get("sender", "")))[:MAX_TRIES]
        last: RasaUnavailable | None = None
        for i, url in enumerate(candidates):
            try:
                replies = post_once(url, payload, connect_timeout, read_timeout)
            except RasaUnavailable as exc:
                if exc.timeout:
                    raise
                last = exc
                self.failed(url)
                if i + 1 < len(candidates):
                    # The instance's position only: never the conversation or the message.
                    logger.warning("Rasa-instans %d av %d svarar inte; försöker med nästa", urls.index(url) + 1, len(urls))
                continue
            self.answered(url)
            return replies
        raise last or RasaUnavailable()


def post_once(base_url: str, payload: dict, connect_timeout: float, read_timeout: float) -> list:
    """POSTs to one Rasa's REST webhook with a short connect timeout and a longer read timeout."""
    url = urlsplit(base_url)
    conn_cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    conn = conn_cls(url.hostname or "127.0.0.1", url.port, timeout=float(connect_timeout))
    try:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        conn.connect()
        conn.sock.settimeout(float(read_timeout))
        conn.request("POST", url.path.rstrip("/") + "/webhooks/rest/webhook", body=body,
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            raise RasaUnavailable()
        return json.loads(data)
    except socket.timeout as exc:
        # A timeout while connecting means Rasa is unreachable; while reading, that it is too slow.
        raise RasaUnavailable(timeout=conn.sock is not None) from exc
    except (OSError, http.client.HTTPException, ValueError, RecursionError) as exc:
        raise RasaUnavailable() from exc
    finally:
        conn.close()


def instances(app) -> RasaInstances:
    inst = app.extensions.get("rasa_instances")
    if inst is None:
        inst = app.extensions["rasa_instances"] = RasaInstances(float(app.config.get("RASA_DOWN_FOR", DOWN_FOR)))
    return inst


def configured_urls(config) -> list[str]:
    """RASA_URLS when set, else the one RASA_URL (read per request: tests change it at run time)."""
    return parse_urls(config.get("RASA_URLS")) or parse_urls([config["RASA_URL"]])
