"""`make run-scaled`: the scaled layout of docs/deployment.md on this one machine (issue 15).

Starts a private Redis (memory only: `save ""`, `appendonly no`, a random password, loopback),
PostgreSQL for the statistics and staff accounts (data in instance/postgres/, kept between runs),
N action servers, N Rasa instances sharing the conversations through Redis, and the web tier
with RASA_URLS — then supervises the Rasa instances, action servers and web as `make run` does.
Ctrl-C stops everything.

Environment (all optional):
  RASA_INSTANCES   number of Rasa instances and action servers (default 2; each Rasa needs ~1.2 GB)
  WEB_PORT         8000     the only address to open
  RASA_PORT        5005     first Rasa instance; the others take the next ports
  ACTION_PORT      5055     first action server; likewise
  REDIS_PORT       6390     the private Redis (not 6379, so a system Redis is never touched)
  PG_PORT          5433     the private PostgreSQL
  REDIS_URL        use this Redis instead of starting one
  DATABASE_URL     use this PostgreSQL instead of starting one
  INSATSGUIDEN_POSTGRES_DIR  where the private PostgreSQL keeps its data (default instance/postgres)
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from .paths import ROOT
from .processes import Ports, Stack
from .redis_config import RedisConfigError, check
from .servers import PostgresServer, RedisServer


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        print(f"{name} ska vara ett heltal; använder {default}.", file=sys.stderr)
        return default


def _postgres() -> PostgresServer:
    """The private PostgreSQL, with its password kept beside (not inside) its data, mode 0600."""
    workdir = Path(os.environ.get("INSATSGUIDEN_POSTGRES_DIR") or ROOT / "instance" / "postgres")
    secret = workdir.parent / f".{workdir.name}-losenord"
    workdir.parent.mkdir(parents=True, exist_ok=True)
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(24))
        os.chmod(secret, 0o600)
    return PostgresServer(workdir, port=_int("PG_PORT", 5433), password=secret.read_text().strip(),
                          log=workdir.parent / "postgres.log")


def main() -> int:
    n = max(1, _int("RASA_INSTANCES", 2))
    rasa0, action0 = _int("RASA_PORT", 5005), _int("ACTION_PORT", 5055)
    started: list = []
    redis_url = os.environ.get("REDIS_URL", "").strip()
    database_url = os.environ.get("DATABASE_URL", "").strip()
    stack = None
    try:
        if redis_url:
            check(redis_url)
        else:
            print("==> startar Redis (bara i minnet, inget skrivs till disk)")
            redis = RedisServer(Path(tempfile.mkdtemp(prefix="insatsguiden-redis-")), port=_int("REDIS_PORT", 6390))
            started.append(redis.start())
            redis_url = redis.url
        if not database_url:
            pg = _postgres()
            print(f"==> startar PostgreSQL (statistik och personalkonton, data i {pg.workdir})")
            started.append(pg.start())
            database_url = pg.url
        stack = Stack(ports=Ports(web=_int("WEB_PORT", 8000)), redis_url=redis_url,
                      rasa_ports=[rasa0 + i for i in range(n)], action_ports=[action0 + i for i in range(n)],
                      env={"DATABASE_URL": database_url})
        print(f"==> startar {n} actionservrar, {n} Rasa-instanser (tar en till två minuter) och webben")
        start = time.monotonic()
        stack.start(timeout=600)
        print(f"    klart ({time.monotonic() - start:.0f} s)")
        print(f"\nInsatsguiden körs skalat: öppna {stack.web_url}/  (stoppa med Ctrl-C)")
        print(f"  Rasa: {', '.join(stack.rasa_urls)}; actionservrar: "
              f"{', '.join(str(action0 + i) for i in range(n))}; Redis och PostgreSQL på 127.0.0.1\n")
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        stack.supervise()
        return 0
    except (RedisConfigError, RuntimeError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStoppar ...")
        return 0
    finally:
        if stack is not None:
            stack.stop()
        for server in reversed(started):
            server.stop()
            if isinstance(server, RedisServer):
                shutil.rmtree(server.workdir, ignore_errors=True)   # it never held a file anyway


if __name__ == "__main__":
    sys.exit(main())
