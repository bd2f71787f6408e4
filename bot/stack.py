"""`make run`: starts action server, Rasa and the web app, prints where to open it; Ctrl-C stops all."""
from __future__ import annotations

import signal
import sys
import time

from .processes import Stack


def main() -> int:
    stack = Stack()
    print("==> startar actionserver, Rasa (tar cirka en minut att ladda) och webben")
    start = time.monotonic()
    try:
        stack.start()
    except RuntimeError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"    klart ({time.monotonic() - start:.0f} s)")
    print(f"\nInsatsguiden körs: öppna {stack.web_url}/  (stoppa med Ctrl-C)\n")
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        while all(p.poll() is None for p in stack.procs.values()):
            time.sleep(1)
        print("En process avslutades oväntat; stoppar resten.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStoppar ...")
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
