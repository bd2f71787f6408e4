"""`make chat`: talk to the assistant in a terminal, through the same REST channel as the widget.

Usage: python -m bot.terminal_chat [kommun]   (default: alingsas)
"""
from __future__ import annotations

import json
import sys
import urllib.request
import uuid

from .processes import Stack


def main() -> int:
    kommun = sys.argv[1] if len(sys.argv) > 1 else "alingsas"
    stack = Stack(web=False, quiet=True)
    print("Startar assistenten (cirka en minut) ...")
    stack.start()
    sender = uuid.uuid4().hex
    print(f"Klart. Kommun: {kommun}. Skriv ditt meddelande; tom rad eller Ctrl-D avslutar.\n")
    try:
        while True:
            try:
                text = input("du> ").strip()
            except EOFError:
                break
            if not text:
                break
            body = json.dumps({"sender": sender, "message": text, "metadata": {"kommun": kommun}}).encode()
            req = urllib.request.Request(f"{stack.rasa_url}/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=30) as resp:
                for reply in json.loads(resp.read()):
                    if reply.get("text"):
                        print(f"bot> {reply['text']}")
                    for button in reply.get("buttons", []):
                        print(f"     [{button['title']}]")
                    for insats in (reply.get("custom") or {}).get("insatser", []):
                        print(f"     <kort: {insats['namn']}>")
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
