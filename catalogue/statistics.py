"""The one statistics recorder: anonymous counters of categories, nothing else.

A row is (ISO week, municipality, channel, topic, intent, outcome) -> count. Every value is
checked against a closed vocabulary before it is written, so no free text a resident typed can
ever reach the database; there is no column for message text, conversation or sender id, IP
address or a time finer than the week. Used by the bot's actions and by the web guide.

Recording must never disturb a resident's conversation: `record()` swallows every error.
SQLite runs in WAL mode with a busy timeout, so several processes (the action server, the web
workers) can count at the same time, and counts survive restarts.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from pathlib import Path
from typing import Optional

from . import vocabulary as v

logger = logging.getLogger(__name__)

KANALER = ("chatt", "guide")
UTFALL = {
    "rekommenderat": "Fick förslag på insatser",
    "inget_passade": "Inget passade",
    "kraver_ansokan": "Behöver ansökan",
    "kris": "Akut fara",
    "bad_om_person": "Ville prata med en person",
}
INGET_AMNE = "inget"
OKAND_KOMMUN = "okand"
# Intents that may be counted (the bot's NLU intents, and "guide" for the self-service guide).
INTENT_TILLATNA = {
    *(f"behov_{a.replace('-', '_')}" for a in v.amnen()),
    "uppge_alder", "uppge_vem", "uppge_kommun", "fraga_foraldraprogram", "fraga_grupp", "fraga_individuellt",
    "fraga_annat", "fraga_person", "akut_fara", "ekonomiskt_bistand", "behovsprovad_insats", "guide",
}

DEFAULT_DB = Path(os.environ.get("INSATSGUIDEN_STATISTIK_DB", Path(__file__).resolve().parent.parent / "instance" / "statistik.db"))

SCHEMA = """
create table if not exists rakneverk (
    vecka   text    not null check (vecka glob '[0-9][0-9][0-9][0-9]-W[0-9][0-9]'),
    kommun  text    not null check (length(kommun) <= 20),
    kanal   text    not null check (kanal in ('chatt', 'guide')),
    amne    text    not null check (length(amne) <= 30),
    intent  text    not null check (length(intent) <= 40),
    utfall  text    not null check (length(utfall) <= 20),
    antal   integer not null default 0,
    primary key (vecka, kommun, kanal, amne, intent, utfall)
) without rowid;
"""


def iso_vecka(day: Optional[dt.date] = None) -> str:
    year, week, _ = (day or dt.date.today()).isocalendar()
    return f"{year}-W{week:02d}"


def connect(db_path: Path = DEFAULT_DB) -> sqlite3.Connection:
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path, timeout=10)
    conn.execute("pragma journal_mode=wal")
    conn.execute("pragma busy_timeout=10000")
    conn.executescript(SCHEMA)
    return conn


def _clean(kommun: Optional[str], kanal: str, amne: Optional[str], intent: Optional[str], utfall: str) -> tuple:
    if kanal not in KANALER:
        raise ValueError("okänd kanal")
    if utfall not in UTFALL:
        raise ValueError("okänt utfall")
    kommun = kommun if kommun in v.KOMMUN_IDS else OKAND_KOMMUN
    amne = amne if amne in v.amnen() else INGET_AMNE
    intent = intent if intent in INTENT_TILLATNA else "annat"
    return kommun, kanal, amne, intent, utfall


def record(*, kommun: Optional[str], kanal: str, amne: Optional[str], intent: Optional[str], utfall: str,
           db_path: Optional[Path] = None, day: Optional[dt.date] = None) -> bool:
    """Adds one to a counter. Returns False (and logs only the error type) if that failed."""
    try:
        row = (iso_vecka(day), *_clean(kommun, kanal, amne, intent, utfall))
        conn = connect(db_path or DEFAULT_DB)
        try:
            with conn:
                conn.execute(
                    "insert into rakneverk (vecka, kommun, kanal, amne, intent, utfall, antal) values (?, ?, ?, ?, ?, ?, 1) "
                    "on conflict (vecka, kommun, kanal, amne, intent, utfall) do update set antal = antal + 1",
                    row,
                )
        finally:
            conn.close()
        return True
    except Exception as exc:  # a failed count must never reach the resident
        logger.warning("Statistiken kunde inte räknas upp: %s", type(exc).__name__)
        return False
