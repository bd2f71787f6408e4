"""Helpers for the staff-statistics tests (tests/web/test_staff*.py): the test password, filling
the counters for a week, and logging in through the real login form."""

from __future__ import annotations

import datetime as dt
import re

from insatskatalog import statistics
from web_testkit import text_of

LOSEN = "ett-riktigt-langt-losenord"


def dag(vecka: int) -> dt.date:
    return dt.date.fromisocalendar(2025, vecka, 3)


def fyll(db, n, kommun="sala", kanal="chatt", amne="beroende", utfall="rekommenderat", vecka=10, intent=None):
    for _ in range(n):
        assert statistics.record(
            kommun=kommun,
            kanal=kanal,
            amne=amne,
            utfall=utfall,
            db_path=db,
            day=dag(vecka),
            intent=intent or ("guide" if kanal == "guide" else f"behov_{amne.replace('-', '_')}"),
        )


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def logga_in(client, namn="sala1", losenord=LOSEN, **kw):
    token = csrf(text_of(client.get("/personal/login")))
    return client.post("/personal/login", data={"csrf_token": token, "anvandarnamn": namn, "losenord": losenord}, **kw)


def session_of(app, client) -> dict:
    """What the client's session cookie holds, decoded and checked as the app itself does."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    if cookie is None:
        return {}
    return dict(app.session_interface.get_signing_serializer(app).loads(cookie.value))
