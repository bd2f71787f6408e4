"""Probes of a running stack, shared by the availability tests and bench/robustness.py (issue 12):
a chat message through the web tier as the widget sends it, a supervised private stack, the time
until the chat works again after a child is killed, and guide latency while chats hang.

Everything talks to 127.0.0.1 only, and every loop is bounded in time.
"""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

RESTART = "Chatten startar om – använd guiden under tiden"


def answers(url: str, timeout: float = 1.0) -> bool:
    """True when a GET of the URL answers 200 within the timeout."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def post_chat(web_url: str, sender: str, text: str = "hej", kommun: str = "alingsas",
              timeout: float = 15) -> tuple[Optional[int], object]:
    """One message to /api/chatt: (status, parsed JSON), or (None, None) when nothing answered."""
    body = json.dumps({"sender": sender, "message": text, "kommun": kommun}).encode()
    req = urllib.request.Request(f"{web_url}/api/chatt", data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")
    except (urllib.error.URLError, OSError, ValueError):
        return None, None


def request(url: str, method: str = "GET", body: Optional[bytes] = None, timeout: float = 30.0,
            headers: Optional[dict] = None) -> tuple[int, bytes]:
    """A plain HTTP request on a new connection: (status, body)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body,
                     headers=headers if headers is not None else ({"Content-Type": "application/json"} if body else {}))
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


@contextlib.contextmanager
def supervised_stack(tmp: Path, env: Optional[dict] = None, say=None):
    """A private stack (action server, Rasa, web on free loopback ports) supervised in a thread as
    `make run` does, with its own copy of the model (the project's may be retrained meanwhile).
    Yields the Stack; `stack.supervising` is the thread's stop event's opposite (clear it to pause)."""
    from bot import processes
    from bot.processes import Ports, Stack
    from bot.servers import free_port

    model = Path(tmp) / "model.tar.gz"
    shutil.copy(processes.MODEL, model)
    stack = Stack(ports=Ports(web=free_port(), rasa=free_port(), actions=free_port()), log_dir=tmp,
                  model=model, say=say, quiet=True,
                  env={"INSATSGUIDEN_STATISTIK_DB": str(Path(tmp) / "statistik.db"),
                       "INSATSGUIDEN_CHAT_RATE_LIMIT": "100000", **(env or {})})
    stack.start(timeout=300)
    stop = threading.Event()
    stack.supervising = threading.Event()
    stack.supervising.set()

    def supervise():
        while not stop.is_set():
            if stack.supervising.is_set():
                stack.supervise_once()
            stop.wait(0.5)

    thread = threading.Thread(target=supervise, daemon=True)
    thread.start()
    try:
        yield stack
    finally:
        stop.set()
        thread.join(timeout=20)
        stack.stop()


def chat_back_after_kill(stack, victim: str, text: str = "min son röker på", kommun: str = "alingsas",
                         limit: float = 90.0) -> dict:
    """Kills the child `victim` with SIGKILL, then once a second asks the guide page and sends a
    need (not a greeting: Rasa answers a greeting without the action server) until the chat
    answers again or `limit` seconds have passed. Returns `back_s` (None: not within the limit),
    the chat's statuses and notices meanwhile, the guide's worst time and failures."""
    web = stack.web_url
    probe = (f"omstart-{victim}-{n:04d}-{os.getpid()}" for n in range(100_000))
    os.kill(stack.procs[victim].pid, signal.SIGKILL)
    killed_at = time.monotonic()
    out = {"victim": victim, "back_s": None, "statuses": [], "notices": [], "guide_worst_s": 0.0, "guide_failures": 0}
    while time.monotonic() - killed_at < limit:
        start = time.monotonic()
        if not answers(f"{web}/{kommun}/guide", timeout=2):
            out["guide_failures"] += 1
        out["guide_worst_s"] = max(out["guide_worst_s"], round(time.monotonic() - start, 3))
        status, data = post_chat(web, next(probe), text, kommun)
        if status == 200 and data:
            out["back_s"] = round(time.monotonic() - killed_at, 1)
            break
        out["statuses"].append(status)
        if isinstance(data, dict) and "fel" in data:
            out["notices"].append(data["fel"])
        time.sleep(1)
    return out


def guide_with_chats_in_flight(base: str, sender: str, kommun: str, n: int = 50, rounds: int = 1,
                               pages: Optional[list[str]] = None) -> dict:
    """Starts `n` chat requests at once (with Rasa hung they all wait), and after a second times
    the guide and other pages `rounds` times while the chats are in flight. Returns the chats'
    statuses and each page request's (path, status, seconds)."""
    body = json.dumps({"sender": sender, "message": "hej", "kommun": kommun}).encode()
    codes: list = []

    def one_chat():
        try:
            codes.append(request(base + "/api/chatt", "POST", body)[0])
        except OSError:
            codes.append(None)

    chats = [threading.Thread(target=one_chat) for _ in range(n)]
    for t in chats:
        t.start()
    time.sleep(1.0)  # all in flight (or already refused as busy)
    timed = []
    for _ in range(rounds):
        for path in pages or (f"/{kommun}/guide", f"/{kommun}/guide?steg=2&for=sig", f"/{kommun}/insatser", "/healthz"):
            start = time.monotonic()
            try:
                status = request(base + path, timeout=5)[0]
            except OSError:
                status = None
            timed.append((path, status, time.monotonic() - start))
    for t in chats:
        t.join(timeout=30)
    return {"codes": codes, "pages": timed}
