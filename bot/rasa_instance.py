"""One Rasa instance of the scaled layout (issue 15): conversations in Redis, shared with the others.

    REDIS_URL=redis://:PASSWORD@10.0.0.4:6379/0 python -m bot.rasa_instance --port 5005

Checks that Redis answers — otherwise prints one line naming REDIS_URL and exits with code 2,
before Rasa spends half a minute loading its model (Rasa itself would fall back to keeping
conversations in its own memory, silently, which several instances cannot share) — then
replaces itself with `rasa run` on bot/endpoints.scaled.yml: Rasa's RedisTrackerStore with
`record_exp` (INSATSGUIDEN_TRACKER_TTL, default 1800 s idle) and RedisLockStore.

Environment:
  REDIS_URL                  required
  INSATSGUIDEN_ACTION_URL    the action server's webhook (default http://127.0.0.1:$ACTION_PORT/webhook)
  INSATSGUIDEN_TRACKER_TTL   seconds idle before a conversation expires in Redis (default 1800)
  TICKET_LOCK_LIFETIME       seconds before a lock ticket of a dead instance expires (default 5):
                             a message that was being answered when its instance died delays the
                             conversation's next message by at most this much
"""
from __future__ import annotations

import argparse
import os
import sys

from .paths import CREDENTIALS, MODEL, RASA, ROOT, rasa_env
from .redis_config import RedisConfigError, check, rasa_env as redis_env

ENDPOINTS_SCALED = ROOT / "bot" / "endpoints.scaled.yml"
DEFAULT_LOCK_LIFETIME = 5


def command(port: int, interface: str = "127.0.0.1", model=None) -> list[str]:
    return [str(RASA), "run", "--model", str(model or MODEL), "--endpoints", str(ENDPOINTS_SCALED),
            "--credentials", str(CREDENTIALS), "--interface", interface, "--port", str(port)]


def environment(settings) -> dict:
    from .tracker_store import ttl_from_env   # imports Rasa: only once Redis has answered

    env = rasa_env()
    env.update(redis_env(settings))
    env.setdefault("INSATSGUIDEN_ACTION_URL", f"http://127.0.0.1:{env.get('ACTION_PORT', '5055')}/webhook")
    env["INSATSGUIDEN_TRACKER_TTL"] = str(int(ttl_from_env()))   # Redis wants whole seconds
    env.setdefault("TICKET_LOCK_LIFETIME", str(DEFAULT_LOCK_LIFETIME))
    return env


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Startar en Rasa-instans som delar samtalen via Redis (REDIS_URL).")
    parser.add_argument("--port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    parser.add_argument("--interface", default="127.0.0.1",
                        help="adressen Rasa lyssnar på: bara ett privat nät, aldrig en publik adress")
    parser.add_argument("--model", default=None)
    args = parser.parse_args(argv)
    try:
        settings = check()
    except RedisConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    env = environment(settings)
    cmd = command(args.port, args.interface, args.model)
    os.chdir(ROOT)
    sys.stdout.flush()
    os.execve(cmd[0], cmd, env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
