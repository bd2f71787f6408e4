"""Starting, waiting for, supervising and stopping the three processes: action server, Rasa, web.

One implementation, used by `make run` (bot/stack.py), `make run-scaled` (bot/scaled.py), the
test fixtures and bench/. With `redis_url` set (the scaled layout, issue 15) it starts N action
servers and N Rasa instances (`python -m bot.rasa_instance`, conversations in Redis), named
actions-1 … and rasa-1 …, and the web tier with RASA_URLS listing them all; otherwise exactly the
three processes of `make run`.
`Stack.supervise()` (used by `make run`) restarts a child that exits or stops answering its
health check, with growing pauses (1, 2, 4 … 30 s), and never touches the others: while Rasa or
the action server restarts, the web tier keeps serving the guide and tells chat users that the
chat is restarting (web/chat.py). Every
process listens on 127.0.0.1 only; Rasa runs with our REST channel and with its HTTP API left closed (no API flag).
Their output goes to the terminal (or is discarded in tests): Rasa and the action server log no
message text at the default level, and the web app's access log has no IP or body.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .paths import CREDENTIALS, ENDPOINTS, MODEL, ROOT, RASA, rasa_env


@dataclass
class Ports:
    web: int = int(os.environ.get("WEB_PORT", 8000))
    rasa: int = int(os.environ.get("RASA_PORT", 5005))
    actions: int = int(os.environ.get("ACTION_PORT", 5055))


# Supervision (seconds).
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0
STABLE_AFTER = 60.0      # a child that ran this long before it exited starts again at BACKOFF_FIRST
HEALTH_INTERVAL = 5.0
HEALTH_TIMEOUT = 5.0
HEALTH_FAILURES = 3      # in a row, once the child had answered: killed and restarted
START_GRACE = 300.0      # a restarted child that never answers within this is killed and restarted


@dataclass
class Child:
    """What supervise() knows about one child."""
    cmd: list
    env: dict
    health_url: str
    started_at: float = 0.0
    ready: bool = False
    health_failures: int = 0
    next_health_check: float = 0.0
    crashes: int = 0             # quick exits in a row, for the backoff
    restart_at: Optional[float] = None
    restarts: int = 0


@dataclass
class Stack:
    ports: Ports = field(default_factory=Ports)
    quiet: bool = False
    web: bool = True
    log_dir: Optional[Path] = None   # tests: each process's output to a file, to check it for leaks
    procs: dict = field(default_factory=dict)
    model: Path = field(default_factory=lambda: MODEL)   # tests: a private copy of the model
    env: dict = field(default_factory=dict)              # extra environment for every child
    children: dict = field(default_factory=dict)
    say: object = None               # supervise() reports here (default: stderr)
    # The scaled layout (issue 15): with redis_url, one Rasa per port in rasa_ports, each with the
    # action server at the same position in action_ports (or all with the only one).
    redis_url: Optional[str] = None
    rasa_ports: list = field(default_factory=list)
    action_ports: list = field(default_factory=list)

    @property
    def scaled(self) -> bool:
        return bool(self.redis_url)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[0] if self.scaled else self.ports.rasa}"

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.rasa_ports] if self.scaled else [self.rasa_url]

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.web}"

    def _start(self, name: str, cmd: list[str], env: dict, health_url: str = "") -> None:
        if self.log_dir is not None:
            out = open(Path(self.log_dir) / f"{name}.log", "ab")
        else:
            out = subprocess.DEVNULL if self.quiet else None
        # A new process group, so Ctrl-C in the terminal reaches us first and we stop children cleanly.
        self.procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True)
        if out not in (None, subprocess.DEVNULL):
            out.close()  # the child has its own copy
        child = self.children.get(name)
        if child is None:
            child = self.children[name] = Child(cmd=cmd, env=env, health_url=health_url)
        child.started_at = time.monotonic()
        child.ready = False
        child.health_failures = 0
        child.next_health_check = child.started_at + 1.0
        child.restart_at = None

    def start(self, timeout: float = 240) -> "Stack":
        if self.scaled:
            return self._start_scaled(timeout)
        env = rasa_env(ACTION_PORT=str(self.ports.actions), RASA_URL=self.rasa_url, **self.env)
        py = sys.executable
        self._start("actions", [py, "-m", "rasa_sdk", "--actions", "bot.actions", "--port", str(self.ports.actions)],
                    env, f"http://127.0.0.1:{self.ports.actions}/health")
        self._start("rasa", [str(RASA), "run", "--model", str(self.model), "--endpoints", str(ENDPOINTS),
                             "--credentials", str(CREDENTIALS), "--interface", "127.0.0.1", "--port", str(self.ports.rasa)],
                    env, f"{self.rasa_url}/webhooks/rest/")
        if self.web:
            self._start("web", [py, "-m", "web.serve", "--host", os.environ.get("WEB_HOST", "127.0.0.1"),
                                "--port", str(self.ports.web)], env, f"{self.web_url}/healthz")
        deadline = time.monotonic() + timeout
        self.wait(f"http://127.0.0.1:{self.ports.actions}/health", "actions", deadline)
        self.wait(f"{self.rasa_url}/webhooks/rest/", "rasa", deadline)
        self.wait_for_model(deadline)
        if self.web:
            self.wait(f"{self.web_url}/healthz", "web", deadline)
        return self

    def _start_scaled(self, timeout: float) -> "Stack":
        """Redis (and PostgreSQL, through DATABASE_URL in `env`) must already answer."""
        rasa_ports = list(self.rasa_ports) or [self.ports.rasa]
        action_ports = list(self.action_ports) or [self.ports.actions]
        self.rasa_ports = rasa_ports
        base = rasa_env(REDIS_URL=self.redis_url, RASA_URLS=" ".join(self.rasa_urls), **self.env)
        base.pop("RASA_URL", None)
        py = sys.executable
        for i, port in enumerate(action_ports, 1):
            self._start(f"actions-{i}", [py, "-m", "rasa_sdk", "--actions", "bot.actions", "--port", str(port)],
                        dict(base, ACTION_PORT=str(port)), f"http://127.0.0.1:{port}/health")
        for i, port in enumerate(rasa_ports, 1):
            action = action_ports[(i - 1) % len(action_ports)]
            env = dict(base, ACTION_PORT=str(action), INSATSGUIDEN_ACTION_URL=f"http://127.0.0.1:{action}/webhook")
            self._start(f"rasa-{i}", [py, "-m", "bot.rasa_instance", "--port", str(port), "--model", str(self.model)],
                        env, f"http://127.0.0.1:{port}/webhooks/rest/")
        if self.web:
            self._start("web", [py, "-m", "web.serve", "--host", os.environ.get("WEB_HOST", "127.0.0.1"),
                                "--port", str(self.ports.web)], base, f"{self.web_url}/healthz")
        deadline = time.monotonic() + timeout
        for i, port in enumerate(action_ports, 1):
            self.wait(f"http://127.0.0.1:{port}/health", f"actions-{i}", deadline)
        for i, port in enumerate(rasa_ports, 1):
            self.wait(f"http://127.0.0.1:{port}/webhooks/rest/", f"rasa-{i}", deadline)
            self.wait_for_model(deadline, f"http://127.0.0.1:{port}", f"rasa-{i}")
        if self.web:
            self.wait(f"{self.web_url}/healthz", "web", deadline)
        return self

    def wait(self, url: str, name: str, deadline: float) -> None:
        while time.monotonic() < deadline:
            proc = self.procs[name]
            if proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"Processen {name} avslutades oväntat (kod {proc.returncode}).")
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"{name} blev inte redo i tid ({url}).")

    def wait_for_model(self, deadline: float, rasa_url: Optional[str] = None, name: str = "rasa") -> None:
        """The REST channel answers before the model has loaded, and a model that cannot load
        leaves Rasa running but answering every message with an empty list. So we send "hej" (a
        greeting: no statistics are recorded for it, the tracker lives in memory) until a reply comes."""
        rasa_url = rasa_url or self.rasa_url
        body = json.dumps({"sender": "beredskapskontroll", "message": "hej"}).encode()
        while time.monotonic() < deadline:
            if self.procs[name].poll() is not None:
                break
            req = urllib.request.Request(f"{rasa_url}/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    if json.loads(resp.read() or b"[]"):
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError, ValueError):
                pass
            time.sleep(1)
        self.stop()
        raise RuntimeError("Rasa svarar inte på meddelanden: modellen kunde inte laddas. "
                           "Kör `make` igen (den tränar om modellen) och se Rasas logg.")

    # -- supervision ---------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        (self.say or (lambda t: print(t, file=sys.stderr, flush=True)))(text)

    @staticmethod
    def _healthy(url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=HEALTH_TIMEOUT) as resp:
                return resp.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError, ValueError):
            return False

    @staticmethod
    def backoff(crashes: int) -> float:
        """The pause before the restart after `crashes` quick exits in a row (1, 2, 4 … 30 s)."""
        return min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, crashes - 1))

    def _kill_group(self, name: str) -> None:
        proc = self.procs.get(name)
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def supervise_once(self, now: Optional[float] = None) -> None:
        """One round: notice exits and failed health checks, restart what is due."""
        now = time.monotonic() if now is None else now
        for name, child in self.children.items():
            proc = self.procs.get(name)
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self._kill_group(name)  # whatever the old group left behind
                    child.restarts += 1
                    self._say(f"Startar om {name} (omstart {child.restarts}).")
                    self._start(name, child.cmd, child.env, child.health_url)
                continue
            code = proc.poll() if proc is not None else -1
            if code is None and now >= child.next_health_check:
                child.next_health_check = now + HEALTH_INTERVAL
                if self._healthy(child.health_url):
                    if not child.ready and child.restarts:
                        self._say(f"{name} svarar igen.")
                    child.ready, child.health_failures = True, 0
                elif child.ready:
                    child.health_failures += 1
                    if child.health_failures >= HEALTH_FAILURES:
                        self._say(f"{name} svarar inte ({child.health_failures} kontroller i rad); avbryts.")
                        self._kill_group(name)
                        code = proc.poll()
                elif now - child.started_at > START_GRACE:
                    self._say(f"{name} blev aldrig redo; avbryts.")
                    self._kill_group(name)
                    code = proc.poll()
            if code is not None:
                ran = now - child.started_at
                child.crashes = 1 if ran >= STABLE_AFTER else child.crashes + 1
                pause = self.backoff(child.crashes)
                child.restart_at = now + pause
                self._say(f"{name} avslutades (kod {code}); startar om om {pause:.0f} s.")

    def supervise(self, stop: Optional[threading.Event] = None, interval: float = 0.5) -> None:
        """Keeps every child running until `stop` is set (or KeyboardInterrupt)."""
        stop = stop or threading.Event()
        while not stop.is_set():
            self.supervise_once()
            stop.wait(interval)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.procs.clear()
        self.children.clear()

    def pids(self) -> dict[str, Optional[int]]:
        return {name: proc.pid for name, proc in self.procs.items()}
