"""Who is logged in, and the limit on failed logins.

The session (Flask's signed cookie: HttpOnly, SameSite, Secure unless switched off for local http)
holds only the username, the account's session key and the login time. Every request looks the
account up again, so a removed account, a new password or a changed role takes effect at once.

Failed logins are counted in memory only, per username and per client. Both keys are HMACs with a
random per-process salt: neither a username nor an IP address is stored or logged, and nothing
could be turned back into one. After `max_fel` failures within `fonster` seconds for the same
username OR from the same client, login is refused with 429 until the window has passed.
"""
from __future__ import annotations

import collections
import hashlib
import hmac
import secrets
import threading
import time
from typing import Optional

from flask import current_app, session

from . import anvandare as users

SESSION_KEY = "personal"


class Inloggningsspärr:
    MAX_KEYS = 50_000

    def __init__(self, max_fel: int = 5, fonster: float = 15 * 60):
        self.max_fel = max_fel
        self.fonster = fonster
        self._salt = secrets.token_bytes(32)
        self._fel: dict[bytes, collections.deque] = {}
        self._lock = threading.Lock()

    def _nycklar(self, namn: str, klient: Optional[str]) -> tuple[bytes, bytes]:
        def h(kind: str, value: str) -> bytes:
            return hmac.new(self._salt, f"{kind}\0{value}".encode(), hashlib.sha256).digest()
        return h("namn", users.normalisera(namn)), h("klient", klient or "")

    def _rensa(self, key: bytes, now: float) -> collections.deque:
        q = self._fel.get(key) or collections.deque()
        while q and q[0] <= now - self.fonster:
            q.popleft()
        return q

    def vanta(self, namn: str, klient: Optional[str]) -> int:
        """Seconds until a login attempt is allowed again (0: allowed now)."""
        now = time.monotonic()
        wait = 0
        with self._lock:
            for key in self._nycklar(namn, klient):
                q = self._rensa(key, now)
                if len(q) >= self.max_fel:
                    wait = max(wait, int(q[-self.max_fel] + self.fonster - now) + 1)
        return wait

    def misslyckat(self, namn: str, klient: Optional[str]) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._fel) >= self.MAX_KEYS:
                for key in [k for k in self._fel if not self._rensa(k, now)]:
                    del self._fel[key]
                if len(self._fel) >= self.MAX_KEYS:  # still full under a flood: start over, bounded
                    self._fel.clear()
            for key in self._nycklar(namn, klient):
                q = self._rensa(key, now)
                q.append(now)
                self._fel[key] = q

    def lyckat(self, namn: str) -> None:
        """A right password clears the username's count (not the client's)."""
        with self._lock:
            self._fel.pop(self._nycklar(namn, None)[0], None)

    def reset(self) -> None:
        with self._lock:
            self._fel.clear()


def personal_db():
    return current_app.config["STAFF_DB"]


def logga_in(user: users.Anvandare) -> None:
    session.clear()  # a fresh session (and a fresh CSRF token) on login
    session[SESSION_KEY] = {"namn": user.namn, "nyckel": user.sessionsnyckel, "tid": int(time.time())}


def logga_ut() -> None:
    session.clear()


def inloggad() -> Optional[users.Anvandare]:
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        namn, nyckel, tid = str(data["namn"]), str(data["nyckel"]), int(data["tid"])
    except (KeyError, TypeError, ValueError):
        return None
    if time.time() - tid > float(current_app.config["STAFF_SESSION_TIMMAR"]) * 3600:
        return None
    user = users.hamta(personal_db(), namn)
    if user is None or not hmac.compare_digest(user.sessionsnyckel, nyckel):
        return None
    return user
