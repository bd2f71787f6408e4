"""Helpers for the web tests: a fake Rasa, a closed port, reading pages. The fixtures built on them
(`make_app`, `app`, `client`, `fake_rasa`, `stat_db`) are in tests/conftest.py. This is a plain
module, deliberately not a conftest.py, so `from conftest import Chat` keeps meaning
tests/conftest.py."""
from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from insatskatalog.loader import default_catalogue


def closed_port() -> int:
    """A loopback port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeRasa:
    """A stand-in for Rasa's REST webhook on 127.0.0.1: records what it gets, answers `replies`."""

    def __init__(self):
        self.received: list[dict] = []
        self.replies: list = [{"recipient_id": "x", "text": "Hej från Rasa"}]
        self.respond = None  # optional: a function from the request body to the replies
        self.delay = 0.0
        self.status = 200
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # http.server's naming
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                fake.received.append({"path": self.path, "json": body})
                if fake.delay:
                    time.sleep(fake.delay)
                data = json.dumps(fake.respond(body) if fake.respond else fake.replies).encode()
                try:
                    self.send_response(fake.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):  # keep test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def kommun_ids() -> list[str]:
    return sorted(default_catalogue().kommuner)


def main_kommun() -> str:
    """Alingsås when its data file exists (the examples in the brief), else the first one."""
    ids = kommun_ids()
    return "alingsas" if "alingsas" in ids else ids[0]


def insats_ids(html: str, attr: str = "data-insats-id") -> list[str]:
    return re.findall(rf'{attr}="([^"]+)"', html)


def text_of(resp) -> str:
    return resp.get_data(as_text=True)


TRACEBACK_SIGNS = ("Traceback", "File \"", "werkzeug.exceptions", "jinja2.exceptions")


# Conversations with the real assistant: (municipality, first message, answers to the bot's
# questions by their wording, the guide's query string for the same needs profile).
STACK_CASES = [
    ("alingsas", "min son röker på",
     {"Vem gäller det": "Mitt barn", "Hur gammal är den det gäller": "16"},
     "for=mitt-barn&barn_alder=16&amne=beroende"),
    ("uppsala", "jag dricker för mycket och vill ha hjälp",
     {"Vem gäller det": "Mig själv", "Hur gammal är du": "34"},
     "for=sig&alder=34&amne=beroende"),
]
