"""Who is logged in, and the limit on failed logins.

Sessions: Flask's signed cookie (HttpOnly, SameSite, Secure unless switched off for local http)
holds the username, the account's session key, the login time and a random login token. The
server keeps only a hash of that token (table `inloggningar` in the staff database); logging out
deletes it, so a cookie saved before logout is refused afterwards. Every request looks the account
and the token up again, so a removed account, a new password or a changed role takes effect at once.

Failed logins (`LoginThrottle`) are counted in memory only, keyed by HMACs with a random per-process
salt: neither a username nor an IP address is stored or logged. The limit is per (account, address):
`max_fel` free attempts, then each further attempt must wait a delay that doubles with every failure
(`base_delay`, 2×, 4× … at most `fonster`). An attacker elsewhere therefore slows down only their own
guesses, never the staff member's. One address trying many accounts is capped too (`per_address`
failures per window). An attempt is counted *before* the password is checked, under a lock, so 40
parallel wrong passwords give `max_fel` checks, not 40; a right password takes its count back.
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

from . import users

SESSION_KEY = "personal"


class LoginThrottle:
    MAX_KEYS = 50_000

    def __init__(self, max_fel: int = 5, fonster: float = 15 * 60, base_delay: float = 30.0,
                 per_address: Optional[int] = None):
        self.max_fel = max_fel
        self.fonster = fonster
        self.base_delay = base_delay
        self.per_address = per_address if per_address is not None else 4 * max_fel
        self._salt = secrets.token_bytes(32)
        self._fel: dict[bytes, collections.deque] = {}
        self._lock = threading.Lock()
        self._offset = 0.0  # tests move the clock forward

    def _now(self) -> float:
        return time.monotonic() + self._offset

    def _forward_for_tests(self, seconds: float) -> None:
        self._offset += seconds

    def _keys(self, namn: str, klient: Optional[str]) -> tuple[bytes, bytes]:
        def h(kind: str, value: str) -> bytes:
            return hmac.new(self._salt, f"{kind}\0{value}".encode(), hashlib.sha256).digest()
        return h("par", f"{users.normalise(namn)}\0{klient or ''}"), h("klient", klient or "")

    def _recent(self, key: bytes, now: float) -> collections.deque:
        q = self._fel.get(key) or collections.deque()
        while q and q[0] <= now - self.fonster:
            q.popleft()
        return q

    def _wait(self, namn: str, klient: Optional[str], now: float) -> int:
        pair, address = self._keys(namn, klient)
        wait = 0.0
        q = self._recent(pair, now)
        if len(q) >= self.max_fel:
            delay = min(self.fonster, self.base_delay * 2 ** (len(q) - self.max_fel))
            wait = max(wait, q[-1] + delay - now)
        q = self._recent(address, now)
        if len(q) >= self.per_address:
            wait = max(wait, q[-self.per_address] + self.fonster - now)
        return int(wait) + 1 if wait > 0 else 0

    def wait(self, namn: str, klient: Optional[str]) -> int:
        """Seconds until a login attempt is allowed again (0: allowed now)."""
        with self._lock:
            return self._wait(namn, klient, self._now())

    def attempt(self, namn: str, klient: Optional[str]) -> tuple[bool, int, tuple]:
        """Reserves one attempt, counted as a failure until `succeeded()` takes it back.
        Returns (allowed, seconds to wait, ticket)."""
        now = self._now()
        with self._lock:
            wait = self._wait(namn, klient, now)
            if wait:
                return False, wait, ()
            if len(self._fel) >= self.MAX_KEYS:
                for key in [k for k in self._fel if not self._recent(k, now)]:
                    del self._fel[key]
                if len(self._fel) >= self.MAX_KEYS:  # still full under a flood: start over, bounded
                    self._fel.clear()
            keys = self._keys(namn, klient)
            for key in keys:
                q = self._recent(key, now)
                q.append(now)
                self._fel[key] = q
            return True, 0, (keys, now)

    def failed(self, ticket: tuple) -> None:
        """The reserved attempt was wrong: it stays counted (nothing to do; kept for clarity)."""

    def succeeded(self, namn: str, klient: Optional[str], ticket: tuple = ()) -> None:
        """A right password clears the (account, address) count and takes back this attempt."""
        with self._lock:
            pair, address = self._keys(namn, klient)
            self._fel.pop(pair, None)
            if ticket:
                q = self._fel.get(address)
                if q is not None:
                    try:
                        q.remove(ticket[1])
                    except ValueError:
                        pass

    def reset(self) -> None:
        with self._lock:
            self._fel.clear()


def staff_db():
    return current_app.config["STAFF_DB"]


def log_in(user: users.User) -> None:
    session.clear()  # a fresh session (and a fresh CSRF token) on login
    token = users.new_session(staff_db(), user.namn,
                                float(current_app.config["STAFF_SESSION_TIMMAR"]) * 3600)
    session[SESSION_KEY] = {"namn": user.namn, "nyckel": user.sessionsnyckel, "tid": int(time.time()), "token": token}


def log_out() -> None:
    data = session.get(SESSION_KEY)
    if isinstance(data, dict) and isinstance(data.get("token"), str):
        users.end_session(staff_db(), data["token"])
    session.clear()


def current_user() -> Optional[users.User]:
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        namn, nyckel, tid, token = str(data["namn"]), str(data["nyckel"]), int(data["tid"]), str(data["token"])
    except (KeyError, TypeError, ValueError):
        return None
    max_age = float(current_app.config["STAFF_SESSION_TIMMAR"]) * 3600
    if time.time() - tid > max_age:
        return None
    if not users.session_valid(staff_db(), token, namn, max_age):
        return None
    user = users.get(staff_db(), namn)
    if user is None or not hmac.compare_digest(user.sessionsnyckel, nyckel):
        return None
    return user
