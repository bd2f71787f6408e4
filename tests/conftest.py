"""Shared fixtures, and the test tiers.

Tiers (markers, declared in pyproject.toml; set here from a test's folder, file and fixtures, so a
test module needs no marker of its own):

- `stack`    everything under tests/stack/, and any test that uses the `stack` fixture: needs the
             trained model (make setup), Rasa, the action server or the whole running assistant
- `servers`  uses a private Redis or PostgreSQL (Debian's redis-server and postgresql)
- `browser`  headless Chromium and axe-core (tests/web/test_browser.py, test_staff_browser.py)
- `slow`     no model, no server and no browser, but too slow for `make test-fast` (see SLOW)

`make test-fast` runs what is none of these (catalogue, web against the fake Rasa, unit tests);
`make test` runs everything.

The `stack` fixture starts the REAL trained assistant (action server + Rasa + web) once per test
session on free loopback ports. The web fixtures (`make_app`, `app`, `client`, `fake_rasa`,
`stat_db`) build the Flask app against a fake Rasa and a statistics file of the test's own.
"""
from __future__ import annotations

import json
import os
import socket
import tempfile
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
TESTS = Path(__file__).resolve().parent

BROWSER_FILES = {"test_browser.py", "test_staff_browser.py"}
SERVER_FIXTURES = {"postgres_server", "pg_database", "redis_server"}
# Test files that need nothing outside the repository but take too long for the fast tier
# (subprocesses that each load the catalogue, real waitress servers with timeouts, many
# scrypt hashes). Measured on 2 cores; each is more than about 5 s.
SLOW = {
    "catalogue/test_store_and_cli.py", "catalogue/test_schema.py", "catalogue/test_contact.py",
    "catalogue/test_regular_install.py", "web/test_staff.py", "web/test_staff_login.py",
    "web/test_staff_differencing.py", "web/test_availability_chat.py", "web/test_availability_server.py",
    "bot/test_phrasings.py",
}


def pytest_collection_modifyitems(items):
    for item in items:
        rel = Path(str(item.fspath)).resolve().relative_to(TESTS)
        names = set(getattr(item, "fixturenames", ()))
        if rel.parts[0] == "stack" or "stack" in names:
            item.add_marker(pytest.mark.stack)
        params = getattr(getattr(item, "callspec", None), "params", {})
        if names & SERVER_FIXTURES or params.get("stat_target") == "postgresql":
            item.add_marker(pytest.mark.servers)
        if rel.name in BROWSER_FILES:
            item.add_marker(pytest.mark.browser)
        if rel.as_posix() in SLOW:
            item.add_marker(pytest.mark.slow)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def stats_db(tmp_path_factory):
    """Every process of the test session counts into this file, not into instance/."""
    path = tmp_path_factory.mktemp("statistik") / "statistik.db"
    os.environ["INSATSGUIDEN_STATISTIK_DB"] = str(path)
    return path


@pytest.fixture(scope="session")
def stack_logs(tmp_path_factory):
    return tmp_path_factory.mktemp("stack-logs")


@pytest.fixture(scope="session")
def stack(stats_db, stack_logs):
    from bot.processes import Ports, Stack

    s = Stack(ports=Ports(web=free_port(), rasa=free_port(), actions=free_port()), log_dir=stack_logs)
    s.start(timeout=300)
    yield s
    s.stop()


class Chat:
    """One conversation with the running assistant through the REST channel, as the widget talks."""

    def __init__(self, base_url: str, kommun: str | None = None, via_web: bool = False):
        self.base_url = base_url
        self.kommun = kommun
        self.via_web = via_web
        self.sender = uuid.uuid4().hex
        self.replies: list[dict] = []

    def send(self, text: str) -> list[dict]:
        metadata = {"kommun": self.kommun} if self.kommun else {}
        if self.via_web:
            url = f"{self.base_url}/api/chatt"
            body = {"sender": self.sender, "message": text, "kommun": self.kommun}
        else:
            url = f"{self.base_url}/webhooks/rest/webhook"
            body = {"sender": self.sender, "message": text, "metadata": metadata}
        req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            out = json.loads(resp.read())
        self.replies.extend(out)
        return out

    @staticmethod
    def texts(replies: list[dict]) -> str:
        return "\n".join(r.get("text", "") for r in replies if r.get("text"))

    @staticmethod
    def recommended(replies: list[dict]) -> list[dict]:
        return [i for r in replies if isinstance(r.get("custom"), dict) for i in r["custom"].get("insatser", [])]


class Canaries:
    """Made-up personal data for one test run, in the forms issue 12 names: a personnummer, a phone
    number, an e-mail address, "jag heter <name>" and a street address "<name>gatan 12".

    Every word-like canary contains the same random token of eight consonants (`token`), which is
    no word in any dictionary spaCy or wordfreq knows, so finding the token finds every one of
    them; the names carry an "ö", so UTF-8 and Latin-1 differ. `values` are what a scan must look
    for: each canary as typed, the numbers also as bare digits."""

    def __init__(self):
        import secrets

        rng = secrets.SystemRandom()
        self.token = "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(8))
        t = self.token
        self.name = f"Ka{t}öra Bo{t}berg"
        self.street = f"Si{t}gatan 12"
        self.email = f"li{t}.k@bo{t}.se"
        self.pnr = f"{rng.randint(50, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}-{rng.randint(1000, 9999)}"
        digits = "".join(str(rng.randint(0, 9)) for _ in range(7))
        self.phone = f"07{rng.choice('02369')}-{digits[:3]} {digits[3:5]} {digits[5:]}"
        # The last message holds all five: a request body Rasa parsed is freed after the reply and
        # overwritten by the next request, so a scan right after it sees whatever reached Rasa.
        self.messages = [
            f"hej, jag heter {self.name} och min son röker på",
            "han är 16",
            f"ni når mig här: jag heter {self.name}, vi bor på {self.street}, ring mig på {self.phone} "
            f"eller maila {self.email}, mitt personnummer är {self.pnr}",
        ]

    @property
    def values(self) -> list[str]:
        bare = [self.pnr.replace("-", ""), "".join(ch for ch in self.phone if ch.isdigit())]
        return [self.name, self.street, self.email, self.pnr, self.phone, *bare, self.token]


@pytest.fixture
def chat(stack):
    def make(kommun: str | None = "alingsas") -> Chat:
        return Chat(stack.rasa_url, kommun)
    return make


# -- the web app against a fake Rasa ------------------------------------------------------------

@pytest.fixture
def fake_rasa():
    from web_testkit import FakeRasa

    fake = FakeRasa()
    yield fake
    fake.close()


@pytest.fixture
def stat_db(tmp_path):
    """The statistics file of one test (a module may override it, e.g. with `stat_target`)."""
    return tmp_path / "statistik.db"


@pytest.fixture
def make_app(stat_db):
    """`make_app(**config)`: the real app, counting into `stat_db`, with RASA_URL on a closed port
    unless the test gives one (e.g. `fake_rasa.url`)."""
    from web import create_app
    from web_testkit import closed_port

    def make(**config):
        base = {"TESTING": True, "STATISTIK_DB": stat_db, "RASA_URL": f"http://127.0.0.1:{closed_port()}",
                "SESSION_COOKIE_SECURE": False, "SECRET_KEY": "test"}
        base.update(config)
        return create_app(base)
    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


# -- private Redis and PostgreSQL servers (issue 15) -------------------------------------------

def _servers_missing(what: str):
    """Without the Debian packages the tests that need them are skipped on a developer's machine;
    in CI (make test installs them) a missing server is a failure, never a silent skip."""
    msg = f"{what} saknas: kör scripts/install-servers.sh"
    if os.environ.get("CI"):
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def postgres_server():
    """One private PostgreSQL cluster for the test session, in a temporary folder, on a loopback
    port, password authentication, no fsync. Each test gets its own database (`pg_database`)."""
    from bot.servers import PostgresServer, postgres_bindir

    if postgres_bindir() is None:
        _servers_missing("PostgreSQL")
    # Not under pytest's tmp_path: as root the server runs as `postgres`, which cannot enter it.
    workdir = Path(tempfile.mkdtemp(prefix="insatsguiden-pg-"))
    server = PostgresServer(workdir, fast=True, log=workdir / "postgres.log").start()
    yield server
    from insatskatalog import database
    database.close_pools()
    server.stop()
    import shutil
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def pg_database(postgres_server):
    """The URL of a new, empty PostgreSQL database of its own for one test."""
    from insatskatalog import database

    url = postgres_server.create_database("t" + uuid.uuid4().hex[:16])
    yield url
    database.close_pools()


@pytest.fixture(params=["sqlite", "postgresql"])
def stat_target(request, tmp_path):
    """Where the statistics tests count: a SQLite file, then a PostgreSQL database (the same tests
    run against both, issue 15 item 4)."""
    if request.param == "sqlite":
        return tmp_path / "statistik.db"
    return request.getfixturevalue("pg_database")


@pytest.fixture
def redis_server(tmp_path):
    """A private redis-server for one test: persistence off, a password, a loopback port, its
    working folder in tmp_path (where a dump.rdb or an AOF file would appear)."""
    from bot.servers import RedisServer, redis_server_binary

    if redis_server_binary() is None:
        _servers_missing("redis-server")
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


def table_names(target) -> list[str]:
    """The tables in a statistics or staff database, on either backend."""
    from insatskatalog import database

    conn = database.connect(target, "", "") if not database.is_postgres(target) else None
    if conn is not None:
        try:
            return sorted(r[0] for r in conn.execute("select name from sqlite_master where type = 'table'"))
        finally:
            conn.close()
    import psycopg2
    with psycopg2.connect(target) as raw:
        with raw.cursor() as cur:
            cur.execute("select table_name from information_schema.tables where table_schema = 'public'")
            names = sorted(r[0] for r in cur.fetchall())
    raw.close()
    return names


def column_names(target, table: str) -> list[str]:
    """A table's columns in order, on either backend."""
    from insatskatalog import database

    if not database.is_postgres(target):
        conn = database.connect(target, "", "")
        try:
            return [r[1] for r in conn.execute(f"pragma table_info({table})")]
        finally:
            conn.close()
    import psycopg2
    with psycopg2.connect(target) as raw:
        with raw.cursor() as cur:
            cur.execute("select column_name from information_schema.columns where table_name = %s "
                        "order by ordinal_position", (table,))
            names = [r[0] for r in cur.fetchall()]
    raw.close()
    return names


def query(target, sql: str, params=()) -> list[tuple]:
    """Rows of one select on either backend (`?` placeholders)."""
    from insatskatalog import database

    conn = database.connect(target, "", "")
    try:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]
    finally:
        conn.close()
