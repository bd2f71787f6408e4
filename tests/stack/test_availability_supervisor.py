"""Supervision of the three processes (issue 12, item 1).

The unit tests use harmless stand-in children (a tiny HTTP server per child) and need no
model; the stack test kills the real Rasa and action server with SIGKILL and checks that the
guide answers throughout, the chat tells residents it is restarting, and works again by itself
within 90 s."""
from __future__ import annotations

import os
import signal
import sys
import threading
import time

import pytest

from bench.probes import RESTART, answers, chat_back_after_kill, post_chat, supervised_stack
from bot import processes
from bot.processes import Stack

TINY_SERVER = (
    "import http.server, sys\n"
    "class H(http.server.BaseHTTPRequestHandler):\n"
    "    def do_GET(self):\n"
    "        self.send_response(200); self.end_headers(); self.wfile.write(b'ok')\n"
    "    def log_message(self, *a): pass\n"
    "http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()\n"
)


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(pred, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def tiny_stack(monkeypatch):
    """A Stack whose children are two tiny HTTP servers, supervised in a thread."""
    monkeypatch.setattr(processes, "HEALTH_INTERVAL", 0.5)
    monkeypatch.setattr(processes, "HEALTH_TIMEOUT", 0.5)
    messages = []
    stack = Stack(quiet=True, say=messages.append)
    ports = {}
    for name in ("a", "b"):
        ports[name] = free_port()
        stack._start(name, [sys.executable, "-c", TINY_SERVER, str(ports[name])], dict(os.environ),
                     f"http://127.0.0.1:{ports[name]}/")
    for name in ports:
        assert wait_until(lambda n=name: answers(f"http://127.0.0.1:{ports[n]}/"), 10)
    stop = threading.Event()
    thread = threading.Thread(target=stack.supervise, kwargs={"stop": stop, "interval": 0.1}, daemon=True)
    thread.start()
    yield stack, ports, messages
    stop.set()
    thread.join(timeout=10)
    stack.stop()


def test_a_killed_child_is_restarted_and_the_other_keeps_running(tiny_stack):
    stack, ports, messages = tiny_stack
    other_pid = stack.procs["b"].pid
    old_pid = stack.procs["a"].pid
    os.kill(old_pid, signal.SIGKILL)
    assert wait_until(lambda: stack.procs["a"].pid != old_pid and answers(f"http://127.0.0.1:{ports['a']}/"), 15)
    assert stack.procs["b"].pid == other_pid and stack.procs["b"].poll() is None
    assert any("a avslutades (kod -9)" in m for m in messages)


def test_a_hung_child_is_killed_and_restarted(tiny_stack):
    stack, ports, messages = tiny_stack
    assert wait_until(lambda: stack.children["a"].ready, 5)
    old = stack.procs["a"]
    os.kill(old.pid, signal.SIGSTOP)  # the probe's "Rasa stopped"
    try:
        assert wait_until(lambda: stack.procs["a"].pid != old.pid and answers(f"http://127.0.0.1:{ports['a']}/"), 20)
    finally:
        if old.poll() is None:
            os.kill(old.pid, signal.SIGKILL)
    assert any("svarar inte" in m for m in messages)


def test_backoff_grows_and_is_capped():
    assert [Stack.backoff(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_quick_crashes_back_off_and_a_stable_run_resets(monkeypatch):
    messages = []
    stack = Stack(quiet=True, say=messages.append)
    stack._start("x", [sys.executable, "-c", "raise SystemExit(3)"], dict(os.environ), "http://127.0.0.1:9/")
    stack.procs["x"].wait()
    child = stack.children["x"]
    try:
        t = child.started_at
        stack.supervise_once(now=t + 1)
        assert child.restart_at == t + 1 + 1
        for crashes, pause in ((2, 2), (3, 4)):
            stack.supervise_once(now=child.restart_at)   # restarts it
            stack.procs["x"].wait()
            stack.supervise_once(now=child.started_at + 1)
            assert child.crashes == crashes and child.restart_at == child.started_at + 1 + pause
        stack.supervise_once(now=child.restart_at)
        stack.procs["x"].wait()
        stack.supervise_once(now=child.started_at + processes.STABLE_AFTER + 1)  # it had run a minute
        assert child.crashes == 1
    finally:
        stack.stop()
    assert any("startar om om 4 s" in m for m in messages)


# -- the real assistant ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def own_stack(tmp_path_factory):
    """A private stack (we kill its children), supervised as `make run` does, with a private copy
    of the model, since the project's model may be retrained while the tests run."""
    if not processes.MODEL.exists():
        pytest.skip("no trained model (make setup)")
    tmp = tmp_path_factory.mktemp("supervised")
    messages = []
    with supervised_stack(tmp, say=messages.append) as stack:
        yield stack, messages, tmp


@pytest.mark.stack
@pytest.mark.parametrize("victim", ["actions", "rasa"])
def test_killed_child_comes_back_by_itself_and_the_guide_answers_throughout(own_stack, victim):
    stack, messages, _ = own_stack
    status, replies = post_chat(stack.web_url, f"fore-{victim}-{os.getpid()}", "min son röker på")
    assert status == 200 and replies, replies
    result = chat_back_after_kill(stack, victim, limit=90)
    assert result["guide_failures"] == 0, "the guide stopped answering"
    assert result["back_s"] is not None, f"{victim}: the chat did not work again within 90 s"
    assert result["guide_worst_s"] < 1.0
    assert set(result["statuses"]) == {503}, result["statuses"]
    notices = result["notices"]
    assert notices and all(n.startswith(RESTART) and "112" in n for n in notices), notices[:3]
    assert any(f"{victim} avslutades" in m for m in messages)
