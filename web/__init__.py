"""The Flask web app: the only public process of Insatsguiden.

`create_app()` builds the app from small blueprints:

- pages.py            `/`, `/<kommun>/`, `/<kommun>/chatt`, `/tillganglighet`, `/healthz`, `/widget.js`
- chat.py             `/api/chatt` (the proxy to Rasa) and `/api/kommun/<kommun>` (widget set-up)
- guide.py            `/<kommun>/guide` (the self-service guide, no JavaScript needed)
- catalogue_pages.py  `/<kommun>/insatser`, `/<kommun>/insatser/<slug>`, `/<kommun>/foraldraprogram`
- web.staff           `/personal/` (statistics for staff)

Cross-cutting concerns live in security.py (headers, CSRF, CORS, rate limit, privacy-safe
logging) and errors.py (Swedish error pages, never a traceback).
"""
from __future__ import annotations

import logging
import os
import secrets
from typing import Optional

from flask import Flask

from insatskatalog import store

logger = logging.getLogger(__name__)


def _int_env(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def default_config() -> dict:
    """Configuration from the environment, so `python -m web.serve` needs no config file."""
    return {
        "RASA_URL": os.environ.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
        # Several Rasa instances sharing conversations through Redis (issue 15): addresses separated
        # by spaces or commas; when set, RASA_URL is not used. web/rasa_pool.py picks the instance.
        "RASA_URLS": os.environ.get("RASA_URLS", ""),
        # redis://:password@host:6379/0 — rate limits and guide tokens shared by several web
        # processes (web/shared_state.py); empty = in this process's memory, as with `make run`.
        "REDIS_URL": os.environ.get("REDIS_URL", "").strip(),
        "RASA_CONNECT_TIMEOUT": 1.5,   # connection refused is immediate; a hung host must not hold the resident
        # Above the measured p99 (7.0 s at 50 concurrent conversations, bench/results/load.json);
        # a hung Rasa holds a resident (and one of the chat's slots) no longer than this.
        "RASA_READ_TIMEOUT": 10.0,
        # Calls to Rasa in flight at once from this process; more get an immediate 503 ("Många
        # skriver just nu"). About what Rasa (~10 messages/s) clears within the read timeout.
        # web/serve.py lowers it below the server's thread count so pages always have threads.
        "RASA_MAX_CONCURRENT": _int_env("INSATSGUIDEN_CHAT_CONCURRENCY", 64),
        # Seconds idle before Rasa forgets a conversation (bot/tracker_store.py reads the same
        # variable); the proxy then tells the resident that the conversation started over.
        "TRACKER_TTL": _int_env("INSATSGUIDEN_TRACKER_TTL", 1800),
        "CATALOGUE_DB": store.DEFAULT_DB,
        "CATALOGUE": None,             # an insatskatalog.loader.Catalogue; None = the project's data files
        # None = DATABASE_URL (PostgreSQL) when set, else insatskatalog.statistics.DEFAULT_DB (SQLite)
        "STATISTIK_DB": None,
        "CHATT_MAX_TECKEN": 1000,
        # Requests per minute per client on /api/chatt. bench/load.py raises it for its own stack.
        "CHATT_PER_MINUT": _int_env("INSATSGUIDEN_CHAT_RATE_LIMIT", 30),
        "MAX_CONTENT_LENGTH": 16 * 1024,   # no form or chat message needs more
        # A fresh random key per process unless the operator sets one; sessions only carry the
        # CSRF token (and the staff login), so losing them on restart is harmless.
        "SECRET_KEY": os.environ.get("INSATSGUIDEN_SECRET_KEY") or secrets.token_hex(32),
        "SESSION_COOKIE_NAME": "insatsguiden",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Secure by default (production runs behind HTTPS); INSATSGUIDEN_COOKIE_SECURE=0 for plain-http tests.
        "SESSION_COOKIE_SECURE": os.environ.get("INSATSGUIDEN_COOKIE_SECURE", "1") != "0",
        # Pages may not be framed (clickjacking); the widget is a script, not an iframe.
        "FRAME_ANCESTORS": os.environ.get("INSATSGUIDEN_FRAME_ANCESTORS", "'none'"),
        # Number of reverse proxies in front of us whose X-Forwarded-For/-Proto we trust.
        "PROXY_COUNT": _int_env("INSATSGUIDEN_PROXIES", 0),
        "JSON_AS_ASCII": False,
    }


def create_app(config: Optional[dict] = None) -> Flask:
    app = Flask(__name__)
    app.config.update(default_config())
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False  # å, ä, ö as themselves in JSON replies

    from . import security
    security.init_app(app)

    from . import errors
    errors.init_app(app)

    from .helpers import init_templates
    init_templates(app)

    from . import lattlast
    lattlast.init_app(app)

    from .pages import bp as pages_bp
    from .chat import bp as chat_bp
    from .guide import bp as guide_bp
    from .catalogue_pages import bp as catalogue_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(chat_bp)
    _register_staff(app)  # before the /<kommun>/ routes could shadow /personal/
    app.register_blueprint(guide_bp)
    app.register_blueprint(catalogue_bp)
    _load_once(app)
    return app


def _load_once(app: Flask) -> None:
    """Loads what every page needs — the catalogue, the topics, the emergency numbers, the
    templates — here, before any server accepts a connection. Loaded lazily, the first ten
    concurrent requests after a restart each loaded the catalogue themselves (no lock), 20 s each.

    Broken data files do not stop the start: the pages then answer with the Swedish 500 text
    (web/helpers.py) and the operator sees this log line."""
    from insatskatalog.emergency import nodnummer
    from insatskatalog.loader import CatalogueError, default_catalogue
    from insatskatalog import vocabulary

    try:
        if app.config.get("CATALOGUE") is None:
            default_catalogue()
        vocabulary.amnen()
        nodnummer()
    except (CatalogueError, OSError, ValueError) as exc:
        logger.error("Katalogen kunde inte laddas vid start (%s); kör: python -m insatskatalog validate",
                     type(exc).__name__)
    for name in app.jinja_env.list_templates(extensions=("html",)):
        if not name.startswith("staff/"):  # the staff package compiles its own when it needs them
            app.jinja_env.get_template(name)


def _register_staff(app: Flask) -> None:
    """`/personal/`: the staff statistics (web/staff), with its login guard and CLI group."""
    from . import staff

    staff.init_app(app)


__all__ = ["create_app", "default_config"]
