"""Staff statistics at /personal/: login, dashboard, CSV export, and the public page about what
is recorded.

- users.py       staff accounts (SQLite, scrypt hashes) — `flask --app web personal …` manages them
- login.py       the session and the limit on failed logins
- data.py        filters, reading the counters, the protected tables (cached)
- disclosure.py  the small-cell protection: the ONE function used by page and export
- render.py      page and CSV content from the protected views
- views.py       the routes

`create_app` calls `init_app(app)`: it registers the blueprint under /personal, the CLI group,
the login guard (every /personal URL except the login page and "Om statistiken" needs a logged-in
account; otherwise → the login page) and the defaults for the app config:

STAFF_DB                default: personal.db next to the statistics database; with DATABASE_URL
                        (PostgreSQL) the same database as the counters
STAFF_SESSION_TIMMAR    8 — a login lasts at most this long
STAFF_MAX_FEL           5 free failed logins per (account, address) within …
STAFF_FEL_FONSTER       … 900 seconds; then each attempt waits STAFF_FEL_FORDROJNING (30 s),
                        doubling per failure, at most the window (429 with Retry-After)
STAFF_FEL_PER_ADRESS    20 failures per window from one address, whichever accounts
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, redirect, request, url_for

from insatskatalog import database, statistics

from .login import LoginThrottle, current_user
from .views import OPPNA, bp

PREFIX = "/personal"


def standard_personal_db(app: Flask):
    env = os.environ.get("INSATSGUIDEN_PERSONAL_DB")
    if env:
        return env if database.is_postgres(env) else Path(env)
    stat = app.config.get("STATISTIK_DB") or statistics.default_target()
    if database.is_postgres(stat):
        return stat   # PostgreSQL: the accounts' tables beside the counters, in the same database
    return Path(stat).parent / "personal.db"


def _ar_personal_sokvag(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def _kraver_inloggning():
    """Runs before everything else (also before the CSRF check) for /personal URLs."""
    if not _ar_personal_sokvag(request.path) or request.endpoint in OPPNA:
        return None
    if current_user() is None:
        nasta = request.full_path if request.method == "GET" else None
        if nasta and nasta.endswith("?"):
            nasta = nasta[:-1]
        return redirect(url_for("personal.login", nasta=nasta) if nasta and nasta != PREFIX + "/" else url_for("personal.login"))
    return None


def _inga_cachade_sidor(response):
    if _ar_personal_sokvag(request.path):
        response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("STAFF_SESSION_TIMMAR", 8)
    app.config.setdefault("STAFF_MAX_FEL", 5)
    app.config.setdefault("STAFF_FEL_FONSTER", 15 * 60)
    if not app.config.get("STAFF_DB"):
        app.config["STAFF_DB"] = standard_personal_db(app)
    app.config.setdefault("STAFF_FEL_FORDROJNING", 30.0)
    app.config.setdefault("STAFF_FEL_PER_ADRESS", 4 * int(app.config["STAFF_MAX_FEL"]))
    throttle_args = (int(app.config["STAFF_MAX_FEL"]), float(app.config["STAFF_FEL_FONSTER"]),
                     float(app.config["STAFF_FEL_FORDROJNING"]), int(app.config["STAFF_FEL_PER_ADRESS"]))
    from .. import shared_state   # REDIS_URL: one limit for every web process (issue 15)
    shared = shared_state.shared(app)
    app.extensions["personal_inloggning"] = (shared_state.redis_login_throttle(shared, *throttle_args) if shared
                                             else LoginThrottle(*throttle_args))
    app.register_blueprint(bp, url_prefix=PREFIX)
    # The login guard runs first, so that an anonymous request to any staff URL (even a POST
    # without a CSRF token) is sent to the login page.
    app.before_request_funcs.setdefault(None, []).insert(0, _kraver_inloggning)
    app.after_request(_inga_cachade_sidor)


__all__ = ["bp", "init_app"]
