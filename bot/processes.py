"""Starting, waiting for and stopping the three processes: action server, Rasa, web.

One implementation, used by `make run` (bot/stack.py), the test fixtures and bench/. Every
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


@dataclass
class Stack:
    ports: Ports = field(default_factory=Ports)
    quiet: bool = False
    web: bool = True
    log_dir: Optional[Path] = None   # tests: each process's output to a file, to check it for leaks
    procs: dict = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.rasa}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.web}"

    def _start(self, name: str, cmd: list[str], env: dict) -> None:
        if self.log_dir is not None:
            out = open(Path(self.log_dir) / f"{name}.log", "ab")
        else:
            out = subprocess.DEVNULL if self.quiet else None
        # A new process group, so Ctrl-C in the terminal reaches us first and we stop children cleanly.
        self.procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True)

    def start(self, timeout: float = 240) -> "Stack":
        env = rasa_env(ACTION_PORT=str(self.ports.actions), RASA_URL=self.rasa_url)
        py = sys.executable
        self._start("actions", [py, "-m", "rasa_sdk", "--actions", "bot.actions", "--port", str(self.ports.actions)], env)
        self._start("rasa", [str(RASA), "run", "--model", str(MODEL), "--endpoints", str(ENDPOINTS),
                             "--credentials", str(CREDENTIALS), "--interface", "127.0.0.1", "--port", str(self.ports.rasa)], env)
        if self.web:
            self._start("web", [py, "-m", "web.serve", "--host", os.environ.get("WEB_HOST", "127.0.0.1"),
                                "--port", str(self.ports.web)], env)
        deadline = time.monotonic() + timeout
        self.wait(f"http://127.0.0.1:{self.ports.actions}/health", "actions", deadline)
        self.wait(f"{self.rasa_url}/webhooks/rest/", "rasa", deadline)
        self.wait_for_model(deadline)
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

    def wait_for_model(self, deadline: float) -> None:
        """The REST channel answers before the model has loaded, and a model that cannot load
        leaves Rasa running but answering every message with an empty list. So we send "hej" (a
        greeting: no statistics are recorded for it, the tracker lives in memory) until a reply comes."""
        body = json.dumps({"sender": "beredskapskontroll", "message": "hej"}).encode()
        while time.monotonic() < deadline:
            if self.procs["rasa"].poll() is not None:
                break
            req = urllib.request.Request(f"{self.rasa_url}/webhooks/rest/webhook", data=body,
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
                os.killpg(proc.pid, signal.SIGKILL)
        self.procs.clear()

    def pids(self) -> dict[str, Optional[int]]:
        return {name: proc.pid for name, proc in self.procs.items()}
