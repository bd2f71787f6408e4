"""The one statistics recorder: anonymous counters of categories, nothing else.

A row is (ISO week, municipality, channel, topic, intent, outcome) -> count. Every value is
checked against a closed vocabulary before it is written, so no free text a resident typed can
ever reach the database; there is no column for message text, conversation or sender id, IP
address or a time finer than the week. Used by the bot's actions and by the web guide; the staff
pages read the counters back with `read_counts()`, in the same vocabulary.

Recording must never disturb a resident's conversation: `record()` swallows every error.
SQLite runs in WAL mode with a busy timeout, so several processes (the action server, the web
workers) can count at the same time, and counts survive restarts.

With `DATABASE_URL=postgresql://…` (issue 15) the same table lives in PostgreSQL instead
(catalogue/insatskatalog/database.py), shared by every action server and web process of a deployment. Each
count is one atomic `INSERT … ON CONFLICT DO UPDATE SET antal = rakneverk.antal + 1` in both
databases, so parallel writers never lose a count. When PostgreSQL cannot be reached, counting is
skipped (the chat and the guide go on) and a warning names only DATABASE_URL and the error type;
for PAUSE_AFTER_FAILURE seconds no new connection is tried, so a database that is gone costs a
resident's reply at most one connect timeout per pause.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from pathlib import Path
from typing import Optional, Union

from . import database
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

DEFAULT_DB = Path(os.environ.get("INSATSGUIDEN_STATISTIK_DB", Path(__file__).resolve().parents[2] / "instance" / "statistik.db"))

SCHEMA_SQLITE = """
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
SCHEMA = SCHEMA_SQLITE  # the name older code and tests use

SCHEMA_POSTGRES = database.postgres_ddl(SCHEMA_SQLITE)

UPSERT = ("insert into rakneverk (vecka, kommun, kanal, amne, intent, utfall, antal) values (?, ?, ?, ?, ?, ?, 1) "
          "on conflict (vecka, kommun, kanal, amne, intent, utfall) do update set antal = rakneverk.antal + 1")

PAUSE_AFTER_FAILURE = 30.0   # seconds without connection attempts after PostgreSQL failed
_paused_until = 0.0
_pause_lock = threading.Lock()


def default_target() -> Union[str, Path]:
    """DATABASE_URL when set (PostgreSQL), else the SQLite file DEFAULT_DB."""
    return database.database_url() or DEFAULT_DB


def iso_vecka(day: Optional[dt.date] = None) -> str:
    year, week, _ = (day or dt.date.today()).isocalendar()
    return f"{year}-W{week:02d}"


def connect(db_path: Union[str, Path, None] = None) -> database.Connection:
    """A connection to the counters (a SQLite path or a postgresql:// URL; None = the default)."""
    return database.connect(db_path or default_target(), SCHEMA_SQLITE, SCHEMA_POSTGRES)


def kommun_grupp(kommun: Optional[str]) -> str:
    """The municipality a count belongs to: its id, or OKAND_KOMMUN for anything else."""
    return kommun if kommun in v.KOMMUN_IDS else OKAND_KOMMUN


def amne_grupp(amne: Optional[str]) -> str:
    """The topic a count belongs to: a topic id of the vocabulary, or INGET_AMNE."""
    return amne if amne in v.amnen() else INGET_AMNE


def raknade_amnen() -> list[str]:
    """Every topic a count can have, in vocabulary order, INGET_AMNE last."""
    return [*v.amnen(), INGET_AMNE]


def _clean(kommun: Optional[str], kanal: str, amne: Optional[str], intent: Optional[str], utfall: str) -> tuple:
    if kanal not in KANALER:
        raise ValueError("okänd kanal")
    if utfall not in UTFALL:
        raise ValueError("okänt utfall")
    kommun = kommun_grupp(kommun)
    amne = amne_grupp(amne)
    intent = intent if intent in INTENT_TILLATNA else "annat"
    return kommun, kanal, amne, intent, utfall


def _paused() -> bool:
    return time.monotonic() < _paused_until


def _pause(exc: BaseException) -> None:
    global _paused_until
    with _pause_lock:
        first = not _paused()
        _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
    if first:
        # The variable's name and the error type only: never the URL (password), never a value.
        logger.warning("Statistiken räknas inte: databasen i %s svarar inte (%s); nytt försök om %.0f s. "
                       "Chatten och guiden fungerar som vanligt.", database.DATABASE_URL_ENV, type(exc).__name__,
                       PAUSE_AFTER_FAILURE)


def resume() -> None:
    """Ends a pause after a failure at once (tests; an operator could call it after a repair)."""
    global _paused_until
    with _pause_lock:
        _paused_until = 0.0


def record(*, kommun: Optional[str], kanal: str, amne: Optional[str], intent: Optional[str], utfall: str,
           db_path: Union[str, Path, None] = None, day: Optional[dt.date] = None) -> bool:
    """Adds one to a counter. Returns False (and logs only the error type) if that failed."""
    target = db_path or default_target()
    postgres = database.is_postgres(target)
    if postgres and _paused():
        return False
    try:
        row = (iso_vecka(day), *_clean(kommun, kanal, amne, intent, utfall))
        conn = connect(target)
        try:
            with conn:
                conn.execute(UPSERT, row)
        finally:
            conn.close()
        return True
    except Exception as exc:  # a failed count must never reach the resident
        if postgres and isinstance(exc, database.OperationalError):
            _pause(exc)
        else:
            logger.warning("Statistiken kunde inte räknas upp: %s", type(exc).__name__)
        return False


def read_counts(db_path: Union[str, Path, None], fran: str, till: str) -> list[tuple]:
    """The counters of the ISO weeks `fran`..`till` (inclusive, '2025-W01'), summed over intent, as
    (kommun, kanal, amne, vecka, utfall, antal), read back in the recorder's own vocabulary: a
    municipality outside it reads as OKAND_KOMMUN and a topic as INGET_AMNE, and a row of another
    channel or outcome is left out (none can be written, see `_clean`). A SQLite path or a
    postgresql:// URL (None = the default); the same query on both."""
    conn = connect(db_path)
    try:
        rows = conn.execute(
            "select kommun, kanal, amne, vecka, utfall, sum(antal) from rakneverk "
            "where vecka between ? and ? group by kommun, kanal, amne, vecka, utfall "
            "order by kommun, kanal, amne, vecka, utfall",
            (fran, till),
        ).fetchall()
    finally:
        conn.close()
    return [(kommun_grupp(kommun), kanal, amne_grupp(amne), vecka, utfall, int(antal or 0))
            for kommun, kanal, amne, vecka, utfall, antal in rows if kanal in KANALER and utfall in UTFALL]
