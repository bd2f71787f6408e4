"""Where the anonymous counters and the staff accounts are kept: SQLite (the default) or
PostgreSQL (`DATABASE_URL=postgresql://user:password@host:5432/name`, issue 15).

Both are reached through the DB-API (the standard library's sqlite3; psycopg2 for PostgreSQL,
already installed as a dependency of Rasa 3.6). The callers write one SQL text with `?`
placeholders; for PostgreSQL they become `%s`. Nothing more is needed: every statement the
project runs (an upsert, a few selects, deletes and inserts) is the same in both dialects, so
there is no query builder or ORM between the code and the database. Each table is defined once,
in SQLite's dialect; `postgres_ddl()` turns that text into PostgreSQL's (the few differences:
no `without rowid`, `real` is `double precision`, a GLOB check becomes a regular expression).

A *target* is a path (SQLite file) or a `postgresql://` URL. PostgreSQL connections are kept in
a small pool per process and URL; a connection that failed is closed, not reused. Connecting
gives up after CONNECT_TIMEOUT seconds, so a database host that is gone does not hold a
resident's reply for long (and `insatskatalog.statistics` then pauses counting, see there).
The URL (with its password) is never logged: messages name only the variable DATABASE_URL.
"""
from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterable, Optional, Union

DATABASE_URL_ENV = "DATABASE_URL"
CONNECT_TIMEOUT = 3          # seconds
POOL_MAX = 8                 # connections per process and URL

Target = Union[str, Path]

_PLACEHOLDER = re.compile(r"\?")


_warned_bad_url = False


def database_url() -> Optional[str]:
    """DATABASE_URL when it names a PostgreSQL database, else None (the SQLite default). Any
    other value is ignored with one warning (naming the variable, never its value)."""
    global _warned_bad_url
    url = (os.environ.get(DATABASE_URL_ENV) or "").strip()
    if not url:
        return None
    if not is_postgres(url):
        if not _warned_bad_url:
            _warned_bad_url = True
            logging.getLogger(__name__).warning(
                "%s ska börja med postgresql://; statistiken stannar i SQLite.", DATABASE_URL_ENV)
        return None
    return url


def is_postgres(target: Any) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


_GLOB_WEEK = "glob '[0-9][0-9][0-9][0-9]-W[0-9][0-9]'"


def postgres_ddl(sqlite_ddl: str) -> str:
    """The same tables in PostgreSQL's dialect (only what this project's tables use)."""
    ddl = re.sub(r"\)\s*without rowid\s*;", ");", sqlite_ddl)
    ddl = re.sub(r"\breal\b", "double precision", ddl)
    ddl = ddl.replace(_GLOB_WEEK, "~ '^[0-9]{4}-W[0-9]{2}$'")
    if "glob" in ddl.lower():
        raise ValueError("postgres_ddl: en GLOB-kontroll som inte går att översätta")
    return ddl


def _integrity_errors() -> tuple:
    errors: list = [sqlite3.IntegrityError]
    try:
        import psycopg2
        errors.append(psycopg2.IntegrityError)
    except ImportError:  # pragma: no cover - psycopg2 comes with Rasa
        pass
    return tuple(errors)


IntegrityError = _integrity_errors()


def _operational_errors() -> tuple:
    errors: list = [sqlite3.OperationalError]
    try:
        import psycopg2
        errors.append(psycopg2.OperationalError)
        errors.append(psycopg2.InterfaceError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


OperationalError = _operational_errors()


class Connection:
    """One connection with sqlite3's convenience API on both backends: `execute(sql, params)`
    returns a cursor, `with conn:` commits (or rolls back), `close()` gives it back."""

    def __init__(self, raw, postgres: bool, release=None):
        self.raw = raw
        self.postgres = postgres
        self._release = release
        self._broken = False

    def execute(self, sql: str, params: Iterable = ()):
        if not self.postgres:
            return self.raw.execute(sql, tuple(params))
        cur = self.raw.cursor()
        try:
            cur.execute(_PLACEHOLDER.sub("%s", sql), tuple(params))
        except OperationalError:
            self._broken = True
            raise
        return cur

    def executescript(self, script: str) -> None:
        if not self.postgres:
            self.raw.executescript(script)
            return
        with self.raw.cursor() as cur:
            cur.execute(script)
        self.raw.commit()

    def commit(self) -> None:
        self.raw.commit()

    def rollback(self) -> None:
        self.raw.rollback()

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.raw.commit()
        else:
            try:
                self.raw.rollback()
            except Exception:  # a lost connection cannot roll back; it is closed below
                self._broken = True

    def close(self) -> None:
        if self._release is not None:
            self._release(self.raw, self._broken or bool(getattr(self.raw, "closed", 0)))
            self._release = None
        else:
            self.raw.close()


# -- PostgreSQL ------------------------------------------------------------------------------

class _Pool:
    """At most POOL_MAX connections to one URL; a thread that finds them all in use waits for
    one (psycopg2's own pools raise instead, which would lose a count under load)."""

    def __init__(self, url: str, size: int = POOL_MAX):
        self.url = url
        self._idle: list = []
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()

    def get(self, timeout: float = 30.0):
        import psycopg2

        if not self._slots.acquire(timeout=timeout):
            raise psycopg2.OperationalError("no free database connection")
        try:
            with self._lock:
                while self._idle:
                    conn = self._idle.pop()
                    if not conn.closed:
                        return conn
            return psycopg2.connect(self.url, connect_timeout=CONNECT_TIMEOUT, application_name="insatsguiden")
        except BaseException:
            self._slots.release()
            raise

    def put(self, conn, broken: bool) -> None:
        try:
            if not broken and not conn.closed:
                try:
                    conn.rollback()  # nothing half-done goes back into the pool
                except Exception:
                    broken = True
            if broken or conn.closed:
                try:
                    conn.close()
                except Exception:
                    pass
            else:
                with self._lock:
                    self._idle.append(conn)
        finally:
            self._slots.release()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            try:
                conn.close()
            except Exception:
                pass


_pools: dict = {}
_pools_lock = threading.Lock()
_schemas_done: set = set()


def _pool(url: str) -> _Pool:
    with _pools_lock:
        key = (os.getpid(), url)   # a forked child never shares its parent's sockets
        pool = _pools.get(key)
        if pool is None:
            pool = _pools[key] = _Pool(url)
        return pool


def _connect_postgres(url: str, schema: Optional[str], schema_key: str) -> Connection:
    pool = _pool(url)
    conn = Connection(pool.get(), postgres=True, release=pool.put)
    key = (os.getpid(), url, schema_key)
    if schema and key not in _schemas_done:
        try:
            with conn:
                # One process at a time creates the tables (CREATE TABLE IF NOT EXISTS is not
                # safe against a concurrent CREATE of the same table in PostgreSQL).
                conn.execute("select pg_advisory_xact_lock(1531)")
                conn.raw.cursor().execute(schema)
        except Exception:
            conn._broken = True
            conn.close()
            raise
        _schemas_done.add(key)
    return conn


def close_pools() -> None:
    """Closes every pooled PostgreSQL connection of this process (tests, shutdown)."""
    with _pools_lock:
        for pool in _pools.values():
            pool.close()
        _pools.clear()
        _schemas_done.clear()


# -- both ------------------------------------------------------------------------------------

def connect(target: Target, sqlite_schema: str, postgres_schema: str, wal: bool = True) -> Connection:
    """A connection to `target` with the caller's tables created if missing."""
    if is_postgres(target):
        return _connect_postgres(str(target), postgres_schema, postgres_schema)
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = sqlite3.connect(path, timeout=10)
    if wal:
        raw.execute("pragma journal_mode=wal")
    raw.execute("pragma busy_timeout=10000")
    raw.executescript(sqlite_schema)
    return Connection(raw, postgres=False)
