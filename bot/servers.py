"""Private Redis and PostgreSQL servers on loopback, for `make run-scaled` and the tests (issue 15).

Both come from Debian's packages (`scripts/install-servers.sh` installs them when missing); here
they are started as ordinary child processes with everything in one folder, never as the
system's services:

- Redis with persistence off (`save ""`, `appendonly no`): conversations live only in its memory,
  and nothing a resident wrote can reach a disk. A password is required (`requirepass`), it
  listens on 127.0.0.1 only, and dangerous admin commands (CONFIG, DEBUG, …) are renamed away.
- PostgreSQL in its own data folder (initdb), password authentication (scram-sha-256), loopback
  only. PostgreSQL refuses to run as root, so as root it runs as Debian's `postgres` user.

In production the two run as system services on their own machines (docs/deployment.md); this
module is only the same configuration on one machine.
"""
from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import quote

# Commands a client of ours never needs; with them a stolen password could switch persistence
# back on (CONFIG SET save/appendonly/dir) or read memory (DEBUG).
REDIS_DISABLED_COMMANDS = ("CONFIG", "DEBUG", "SAVE", "BGSAVE", "BGREWRITEAOF", "MODULE", "REPLICAOF", "SLAVEOF",
                           "MIGRATE", "SHUTDOWN")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def redis_server_binary() -> Optional[str]:
    return shutil.which("redis-server") or ("/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None)


def postgres_bindir() -> Optional[Path]:
    """The newest /usr/lib/postgresql/<version>/bin with initdb, or where initdb is on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(os.path.realpath(initdb)).parent if initdb else None


MISSING = ("{what} saknas: kör scripts/install-servers.sh (Debian-paketen redis-server och postgresql). "
           "/ {what} is not installed: run scripts/install-servers.sh.")


@dataclass
class RedisServer:
    """redis-server in `workdir`, persistence off, with a password, on 127.0.0.1:`port`."""
    workdir: Path
    port: int = field(default_factory=free_port)
    password: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    proc: Optional[subprocess.Popen] = None
    log: Optional[Path] = None
    # TLS only (no plain port) with this certificate, key and CA (`tls_files`); clients need no
    # certificate of their own.
    tls: Optional[tuple] = None

    @property
    def url(self) -> str:
        if self.tls:
            return f"rediss://:{quote(self.password, safe='')}@localhost:{self.port}/0?ssl_ca_certs={self.tls[2]}"
        return f"redis://:{quote(self.password, safe='')}@127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        binary = redis_server_binary()
        if binary is None:
            raise RuntimeError(MISSING.format(what="redis-server"))
        ports = ["--port", str(self.port)]
        if self.tls:
            cert, key, ca = self.tls
            ports = ["--port", "0", "--tls-port", str(self.port), "--tls-cert-file", str(cert),
                     "--tls-key-file", str(key), "--tls-ca-cert-file", str(ca), "--tls-auth-clients", "no"]
        cmd = [binary, *ports, "--bind", "127.0.0.1", "--protected-mode", "yes",
               "--requirepass", self.password,
               "--save", "", "--appendonly", "no",      # memory only: no dump.rdb, no AOF file
               "--dir", str(self.workdir), "--daemonize", "no", "--loglevel", "warning",
               "--logfile", "", "--databases", "4"]
        for name in REDIS_DISABLED_COMMANDS:
            cmd += ["--rename-command", name, ""]
        return cmd

    def start(self, timeout: float = 15) -> "RedisServer":
        Path(self.workdir).mkdir(parents=True, exist_ok=True)
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL
        self.proc = subprocess.Popen(self.command(), cwd=self.workdir, stdout=out, stderr=out, start_new_session=True)
        if out is not subprocess.DEVNULL:
            out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server avslutades direkt (kod {self.proc.returncode}).")
            if self.ping():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("redis-server blev inte redo i tid.")

    def client(self):
        import redis
        if self.tls:
            return redis.Redis(host="localhost", port=self.port, password=self.password, socket_timeout=2,
                               ssl=True, ssl_ca_certs=str(self.tls[2]))
        return redis.Redis(host="127.0.0.1", port=self.port, password=self.password, socket_timeout=2)

    def ping(self) -> bool:
        try:
            return bool(self.client().ping())
        except Exception:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)


def _as_postgres_user():
    """PostgreSQL will not run as root: as root, drop to Debian's `postgres` account."""
    if os.geteuid() != 0:
        return None, None
    try:
        pw = pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError("PostgreSQL kan inte köras som root och användaren postgres saknas "
                           "(kör scripts/install-servers.sh).") from None

    def demote():
        os.setgid(pw.pw_gid)
        os.initgroups("postgres", pw.pw_gid)
        os.setuid(pw.pw_uid)
    return demote, pw


@dataclass
class PostgresServer:
    """A PostgreSQL cluster in `workdir` (created with initdb when empty) on 127.0.0.1:`port`."""
    workdir: Path
    port: int = field(default_factory=free_port)
    user: str = "insatsguiden"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    database: str = "insatsguiden"
    fast: bool = False              # tests: no fsync (the data is thrown away anyway)
    proc: Optional[subprocess.Popen] = None
    log: Optional[Path] = None

    @property
    def data(self) -> Path:
        return Path(self.workdir) / "data"

    @property
    def url(self) -> str:
        return (f"postgresql://{self.user}:{quote(self.password, safe='')}@127.0.0.1:{self.port}/"
                f"{self.database}")

    def url_for(self, database: str) -> str:
        return self.url.rsplit("/", 1)[0] + "/" + database

    def _bin(self, name: str) -> str:
        bindir = postgres_bindir()
        if bindir is None:
            raise RuntimeError(MISSING.format(what="PostgreSQL"))
        return str(bindir / name)

    def _run(self, cmd: list[str], **kw) -> subprocess.CompletedProcess:
        demote, _ = _as_postgres_user()
        return subprocess.run(cmd, preexec_fn=demote, capture_output=True, text=True, timeout=120, **kw)

    def _chown(self, path: Path) -> None:
        _, pw = _as_postgres_user()
        if pw is not None:
            os.chown(path, pw.pw_uid, pw.pw_gid)

    def init(self) -> None:
        Path(self.workdir).mkdir(parents=True, exist_ok=True)
        os.chmod(self.workdir, 0o755)
        self._chown(Path(self.workdir))
        if (self.data / "PG_VERSION").exists():
            return
        pwfile = Path(self.workdir) / "pw.tmp"
        pwfile.write_text(self.password + "\n")
        os.chmod(pwfile, 0o600)
        self._chown(pwfile)
        try:
            res = self._run([self._bin("initdb"), "-D", str(self.data), "-U", self.user, f"--pwfile={pwfile}",
                             "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"], cwd=self.workdir)
        finally:
            pwfile.unlink(missing_ok=True)
        if res.returncode != 0:
            raise RuntimeError("initdb misslyckades: " + (res.stderr.strip().splitlines() or ["?"])[-1])

    def start(self, timeout: float = 30) -> "PostgresServer":
        self.init()
        demote, _ = _as_postgres_user()
        cmd = [self._bin("postgres"), "-D", str(self.data), "-p", str(self.port), "-h", "127.0.0.1",
               "-k", str(self.workdir), "-c", "log_min_messages=warning", "-c", "logging_collector=off",
               "-c", "log_statement=none", "-c", "max_connections=200"]
        if self.fast:
            cmd += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL
        self.proc = subprocess.Popen(cmd, cwd=self.workdir, stdout=out, stderr=out, preexec_fn=demote,
                                     start_new_session=True)
        if out is not subprocess.DEVNULL:
            out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"PostgreSQL avslutades direkt (kod {self.proc.returncode}).")
            if _port_answers(self.port) and self._ready():
                self.create_database(self.database)
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("PostgreSQL blev inte redo i tid.")

    def _connect(self, database: str = "postgres"):
        import psycopg2
        return psycopg2.connect(self.url_for(database), connect_timeout=3)

    def _ready(self) -> bool:
        try:
            self._connect().close()
            return True
        except Exception:
            return False

    def create_database(self, name: str) -> str:
        """Creates database `name` if missing; returns its URL."""
        conn = self._connect()
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute("select 1 from pg_database where datname = %s", (name,))
                if cur.fetchone() is None:
                    cur.execute(f'create database "{name}"')
        finally:
            conn.close()
        return self.url_for(name)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)   # "fast" shutdown: does not wait for pooled clients
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None
