"""`make run`: starts action server, Rasa and the web app, prints where to open it, and keeps
them running: a child that exits or stops answering is restarted with growing pauses, the
others keep running (bot/processes.py, Stack.supervise). Ctrl-C stops all."""
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
        # Restarts a crashed or hung child; the guide keeps serving meanwhile, and the chat tells
        # residents "Chatten startar om – använd guiden under tiden" (web/chat.py).
        stack.supervise()
        return 0
    except KeyboardInterrupt:
        print("\nStoppar ...")
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
