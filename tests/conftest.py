"""Shared fixtures. The `stack` fixture starts the REAL trained assistant (action server + Rasa
+ web) once per test session on free loopback ports; tests that use it are marked `stack`."""
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


def pytest_configure(config):
    config.addinivalue_line("markers", "stack: needs the running assistant (trained model, Rasa, actions, web)")


def pytest_collection_modifyitems(items):
    for item in items:
        if "stack" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.stack)


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


@pytest.fixture
def chat(stack):
    def make(kommun: str | None = "alingsas") -> Chat:
        return Chat(stack.rasa_url, kommun)
    return make
