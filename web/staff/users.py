"""Staff accounts: a small table (username, password hash, role, municipality) in SQLite, or in
PostgreSQL when DATABASE_URL is set (catalogue/insatskatalog/database.py; `db_path` is then that URL).

Passwords are hashed with scrypt (werkzeug.security; salted, memory-hard). Each account has a
random session key: a password change or a removed account ends every session of that account.
No resident data is ever stored here.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from werkzeug.security import check_password_hash, generate_password_hash

from insatskatalog import database
from insatskatalog import vocabulary as v

ROLLER = ("personal", "admin")
NAMN_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_LOSENORD = 12
MAX_LOSENORD = 256   # a longer "password" is refused before hashing (no CPU burn on junk)
METOD = "scrypt"

SCHEMA_SQLITE = """
create table if not exists anvandare (
    namn            text primary key,
    losenord_hash   text not null,
    roll            text not null check (roll in ('personal', 'admin')),
    kommun          text,
    sessionsnyckel  text not null,
    check ((roll = 'admin' and kommun is null) or (roll = 'personal' and kommun is not null))
) without rowid;
-- One row per login that has not been logged out: the SHA-256 of the random token in the
-- session cookie (the cookie alone cannot be rebuilt from this table), the account, and when.
create table if not exists inloggningar (
    token_hash  text primary key,
    namn        text not null,
    skapad      real not null
) without rowid;
"""
SCHEMA = SCHEMA_SQLITE

SCHEMA_POSTGRES = database.postgres_ddl(SCHEMA_SQLITE)

# Checked against when the username does not exist, so that an unknown name takes as long as a
# wrong password (no way to probe which usernames exist).
_ATRAPP = generate_password_hash(secrets.token_urlsafe(24), method=METOD)


class UserError(ValueError):
    """A Swedish message for the CLI."""


@dataclass(frozen=True)
class User:
    namn: str
    roll: str
    kommun: Optional[str]
    sessionsnyckel: str

    @property
    def admin(self) -> bool:
        return self.roll == "admin"

    def far_se(self, kommun: str) -> bool:
        return self.admin or kommun == self.kommun


def normalise(namn: str) -> str:
    return (namn or "").strip().lower()


def connect(db_path) -> database.Connection:
    """A connection to the accounts (a SQLite path or a postgresql:// URL)."""
    return database.connect(db_path, SCHEMA_SQLITE, SCHEMA_POSTGRES, wal=False)


def _check_password_rules(losenord: str) -> None:
    if len(losenord or "") < MIN_LOSENORD:
        raise UserError(f"Lösenordet måste ha minst {MIN_LOSENORD} tecken.")
    if len(losenord) > MAX_LOSENORD:
        raise UserError(f"Lösenordet får ha högst {MAX_LOSENORD} tecken.")


def create(db_path: Path, namn: str, losenord: str, kommun: Optional[str] = None, admin: bool = False) -> User:
    namn = normalise(namn)
    if not NAMN_RE.match(namn):
        raise UserError("Användarnamnet ska vara 2–40 tecken: a–z, 0–9, punkt, bindestreck eller understreck.")
    if admin == (kommun is not None):
        raise UserError("Ange antingen --kommun KOMMUN eller --admin.")
    if kommun is not None and kommun not in v.KOMMUN_IDS:
        raise UserError(f"Okänd kommun. Välj en av: {', '.join(v.KOMMUN_IDS)}.")
    _check_password_rules(losenord)
    user = User(namn, "admin" if admin else "personal", kommun, secrets.token_urlsafe(24))
    conn = connect(db_path)
    try:
        with conn:
            conn.execute("insert into anvandare values (?, ?, ?, ?, ?)",
                         (user.namn, generate_password_hash(losenord, method=METOD), user.roll, user.kommun,
                          user.sessionsnyckel))
    except database.IntegrityError:
        raise UserError(f"Användaren {namn} finns redan.") from None
    finally:
        conn.close()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_session(db_path: Path, namn: str, max_age: float) -> str:
    """A new server-side login for the account; returns the token for the session cookie."""
    token = secrets.token_urlsafe(32)
    now = time.time()
    conn = connect(db_path)
    try:
        with conn:
            conn.execute("delete from inloggningar where skapad < ?", (now - max_age,))
            conn.execute("insert into inloggningar values (?, ?, ?)", (_token_hash(token), normalise(namn), now))
    finally:
        conn.close()
    return token


def session_valid(db_path: Path, token: str, namn: str, max_age: float) -> bool:
    conn = connect(db_path)
    try:
        row = conn.execute("select namn, skapad from inloggningar where token_hash = ?", (_token_hash(token),)).fetchone()
    finally:
        conn.close()
    return bool(row) and row[0] == normalise(namn) and time.time() - row[1] <= max_age


def end_session(db_path: Path, token: str) -> None:
    conn = connect(db_path)
    try:
        with conn:
            conn.execute("delete from inloggningar where token_hash = ?", (_token_hash(token),))
    finally:
        conn.close()


def _end_all_sessions(conn, namn: str) -> None:
    conn.execute("delete from inloggningar where namn = ?", (normalise(namn),))


def set_password(db_path: Path, namn: str, losenord: str) -> None:
    """Sets a new password and ends every session of the account."""
    _check_password_rules(losenord)
    conn = connect(db_path)
    try:
        with conn:
            cur = conn.execute("update anvandare set losenord_hash = ?, sessionsnyckel = ? where namn = ?",
                               (generate_password_hash(losenord, method=METOD), secrets.token_urlsafe(24),
                                normalise(namn)))
            _end_all_sessions(conn, namn)
    finally:
        conn.close()
    if cur.rowcount == 0:
        raise UserError(f"Användaren {normalise(namn)} finns inte.")


def delete(db_path: Path, namn: str) -> None:
    conn = connect(db_path)
    try:
        with conn:
            cur = conn.execute("delete from anvandare where namn = ?", (normalise(namn),))
            _end_all_sessions(conn, namn)
    finally:
        conn.close()
    if cur.rowcount == 0:
        raise UserError(f"Användaren {normalise(namn)} finns inte.")


def _from_row(row) -> User:
    return User(namn=row[0], roll=row[1], kommun=row[2], sessionsnyckel=row[3])


def get(db_path: Path, namn: str) -> Optional[User]:
    conn = connect(db_path)
    try:
        row = conn.execute("select namn, roll, kommun, sessionsnyckel from anvandare where namn = ?",
                           (normalise(namn),)).fetchone()
    finally:
        conn.close()
    return _from_row(row) if row else None


def list_all(db_path: Path) -> list[User]:
    conn = connect(db_path)
    try:
        rows = conn.execute("select namn, roll, kommun, sessionsnyckel from anvandare order by namn").fetchall()
    finally:
        conn.close()
    return [_from_row(r) for r in rows]


def authenticate(db_path: Path, namn: str, losenord: str) -> Optional[User]:
    """The account if the password is right, else None — taking the same time either way."""
    namn = normalise(namn)
    losenord = losenord or ""
    row = None
    if NAMN_RE.match(namn) and len(losenord) <= MAX_LOSENORD:
        conn = connect(db_path)
        try:
            row = conn.execute("select namn, roll, kommun, sessionsnyckel, losenord_hash from anvandare where namn = ?",
                               (namn,)).fetchone()
        finally:
            conn.close()
    ok = check_password_hash(row[4] if row else _ATRAPP, losenord[:MAX_LOSENORD])
    return _from_row(row) if (row and ok) else None
