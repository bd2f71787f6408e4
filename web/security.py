"""Security and privacy measures that apply to every request.

- Security headers: a Content-Security-Policy without 'unsafe-inline' (all JS and CSS are static
  files), nosniff, no referrer (a guide URL holds the resident's answers; it must not leak to the
  sites we link to), no framing of our pages.
- CORS only where cross-origin use is the point: the widget script and stylesheet are loaded by
  the municipality's own pages, and the widget posts to /api/chatt from there. The chat API uses
  no cookies, so allowing any origin gives a foreign page nothing it could not do itself.
- CSRF: a per-session token in Flask's signed cookie session, required on every state-changing
  form (POST/PUT/PATCH/DELETE), e.g. the staff login. Templates call `csrf_token()`.
- A rate limiter keyed by a salted hash of the client address. The salt is random per process and
  lives only in memory, so neither the address nor a stable pseudonym of it is ever stored. With
  REDIS_URL (the scaled layout, issue 15) the counts and the salt live in Redis's memory instead,
  shared by all web processes (web/shared_state.py; `rate_limiter()` and `one_time_tokens()` pick).
- One-time tokens (`OneTimeTokens`) held only in memory with an expiry: the guide puts one in its
  last form so that one walk through the guide counts one result, however often the page is loaded.
- Absolute URLs (`url_for(..., _external=True)`, e.g. the links in /api/kommun/*) are built from the
  configured `PUBLIC_BASE_URL` (env `INSATSGUIDEN_BASE_URL`), never from the request's Host header.
- Logging: no access log, no request body, no query string, no IP address anywhere.
"""
from __future__ import annotations

import collections
import hashlib
import hmac
import logging
import secrets
import threading
import time
from typing import Callable, Optional

import os

from flask import Flask, current_app, has_request_context, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

from .errors import ResidentError

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
CSRF_SESSION_KEY = "_csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}

# Served to other sites' pages: the widget script and its stylesheet.
CROSS_ORIGIN_ENDPOINTS = {"pages.widget_js", "pages.widget_css"}


# -- CSRF ----------------------------------------------------------------------------------

def csrf_token() -> str:
    """The session's CSRF token, created on first use."""
    token = session.get(CSRF_SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_SESSION_KEY] = token
    return token


def csrf_exempt(view: Callable) -> Callable:
    """For JSON APIs that use no cookies (the chat proxy): there is no ambient authority to abuse."""
    view._csrf_exempt = True  # type: ignore[attr-defined]
    return view


def _check_csrf() -> None:
    if request.method in SAFE_METHODS or request.url_rule is None:
        return
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and getattr(view, "_csrf_exempt", False):
        return
    expected = session.get(CSRF_SESSION_KEY)
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        raise ResidentError(400, "Formuläret har gått ut eller kom inte från den här sidan. Ladda om sidan och försök igen.")


# -- rate limiting -------------------------------------------------------------------------

class RateLimiter:
    """At most `limit` hits per `window` seconds per client, in memory only.

    The key is an HMAC of the client address with a per-process random salt: comparing keys
    within this process works, but nothing that leaves memory could be turned back into an
    address, and the mapping changes on every restart. Reusable (e.g. for the staff login).
    """

    MAX_KEYS = 50_000  # bounded memory even under an address-rotating flood

    def __init__(self, limit: int, window: float = 60.0):
        self.limit = limit
        self.window = window
        self._salt = secrets.token_bytes(32)
        self._hits: dict[bytes, collections.deque] = {}
        self._lock = threading.Lock()
        self._last_sweep = time.monotonic()

    def key(self, address: Optional[str]) -> bytes:
        return hmac.new(self._salt, (address or "").encode(), hashlib.sha256).digest()

    def hit(self, address: Optional[str]) -> tuple[bool, int]:
        """Counts one request; returns (allowed, seconds until the client may try again)."""
        now = time.monotonic()
        key = self.key(address)
        with self._lock:
            self._sweep(now)
            hits = self._hits.setdefault(key, collections.deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False, max(1, int(hits[0] + self.window - now) + 1)
            hits.append(now)
            return True, 0

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()

    def _sweep(self, now: float) -> None:
        if now - self._last_sweep < self.window and len(self._hits) < self.MAX_KEYS:
            return
        self._last_sweep = now
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]:
            del self._hits[key]
        if len(self._hits) >= self.MAX_KEYS:  # still full: forget everyone rather than grow
            self._hits.clear()


# -- one-time tokens ----------------------------------------------------------------------

class OneTimeTokens:
    """Random tokens that can be used once, within `ttl` seconds, in memory only (never written).

    At most `max_tokens` are kept: when full, expired ones go first, then the oldest."""

    def __init__(self, ttl: float = 3600.0, max_tokens: int = 100_000):
        self.ttl = ttl
        self.max_tokens = max_tokens
        self._tokens: "collections.OrderedDict[str, float]" = collections.OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._tokens)

    def issue(self) -> str:
        token = secrets.token_urlsafe(18)
        now = time.monotonic()
        with self._lock:
            while self._tokens and (len(self._tokens) >= self.max_tokens or next(iter(self._tokens.values())) <= now):
                self._tokens.popitem(last=False)
            self._tokens[token] = now + self.ttl
        return token

    def consume(self, token: Optional[str]) -> bool:
        """True once for a token that was issued and has not expired."""
        if not token or not isinstance(token, str) or len(token) > 64:
            return False
        with self._lock:
            expiry = self._tokens.pop(token, None)
        return expiry is not None and expiry > time.monotonic()


def rate_limiter(app: Flask, name: str, limit: int, window: float) -> RateLimiter:
    """A limiter shared by every web process through Redis when REDIS_URL is set, else in memory."""
    from . import shared_state

    shared = shared_state.shared(app)
    if shared is None:
        return RateLimiter(limit, window)
    return shared_state.RedisRateLimiter(shared, name, limit, window)


def one_time_tokens(app: Flask, ttl: float) -> OneTimeTokens:
    """One-time tokens usable on any web process through Redis when REDIS_URL is set, else in memory."""
    from . import shared_state

    shared = shared_state.shared(app)
    if shared is None:
        return OneTimeTokens(ttl)
    return shared_state.RedisOneTimeTokens(shared, ttl)


# -- absolute URLs -------------------------------------------------------------------------

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def _use_configured_base_url(app: Flask) -> None:
    """Every absolute URL starts with PUBLIC_BASE_URL; a forged Host header changes nothing."""
    app.config.setdefault("PUBLIC_BASE_URL", os.environ.get("INSATSGUIDEN_BASE_URL") or None)
    if not app.config["PUBLIC_BASE_URL"] and not app.config.get("TESTING"):
        logging.getLogger(__name__).warning(
            "INSATSGUIDEN_BASE_URL är inte satt: länkar i /api/kommun/* pekar på %s", DEFAULT_BASE_URL)
    original = app.url_for

    def url_for(endpoint: str, *, _anchor=None, _method=None, _scheme=None, _external=None, **values) -> str:
        if not _external or not has_request_context():
            return original(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external, **values)
        path = original(endpoint, _anchor=_anchor, _method=_method, _external=False, **values)
        base = (current_app.config.get("PUBLIC_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        if request.script_root and path.startswith(request.script_root):
            path = path[len(request.script_root):]  # the base URL already names the mount point
        return base + path

    app.url_for = url_for  # type: ignore[method-assign]


# -- headers -------------------------------------------------------------------------------

def content_security_policy(frame_ancestors: str) -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
        "base-uri 'none'",
        "object-src 'none'",
    ])


def _set_headers(response):
    h = response.headers
    h.setdefault("Content-Security-Policy", content_security_policy(current_app.config["FRAME_ANCESTORS"]))
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "no-referrer")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config["FRAME_ANCESTORS"].strip() == "'none'":
        h.setdefault("X-Frame-Options", "DENY")  # for browsers without frame-ancestors
    if request.endpoint in CROSS_ORIGIN_ENDPOINTS:
        h["Cross-Origin-Resource-Policy"] = "cross-origin"
        h["Access-Control-Allow-Origin"] = "*"
    else:
        h.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if request.path.startswith("/api/"):
        h["Access-Control-Allow-Origin"] = "*"
        h["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        h["Access-Control-Allow-Headers"] = "Content-Type"
        h["Access-Control-Max-Age"] = "600"
        h["Cross-Origin-Resource-Policy"] = "cross-origin"
        h["Cache-Control"] = "no-store"  # replies are one resident's conversation
    if request.is_secure:
        h.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


# -- logging -------------------------------------------------------------------------------

def configure_logging(app: Flask) -> None:
    """No access log anywhere: werkzeug's development-server log has the IP and the query string
    (the guide's answers), so it is silenced; waitress has no access log unless one is added, and
    web/serve.py adds none. Errors are logged by type only (errors.py)."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    if not app.logger.handlers and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def init_app(app: Flask) -> None:
    configure_logging(app)
    if app.config.get("PROXY_COUNT"):
        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    app.extensions["chatt_limiter"] = rate_limiter(app, "chatt", int(app.config["CHATT_PER_MINUT"]), 60.0)
    _use_configured_base_url(app)
    app.before_request(_check_csrf)
    app.after_request(_set_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
