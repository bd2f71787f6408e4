"""Speed and size: a bounded load test on loopback through web -> Rasa -> actions.

1, 10 and 50 concurrent conversations, each a realistic multi-turn conversation through the web
app's chat proxy (as the widget talks). Reports p50/p95/p99 latency per message, messages per
second and errors per level; resident memory of each process idle and at peak; cold start time;
model training time (from models/training.json, written by bot/train.py).
Traffic goes only to 127.0.0.1; every loop is bounded in count and time.

Usage: python -m bench.load [--out bench/results/load.json] [--levels 1,10,50]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from bench.metrics import percentile
from bot.paths import MODEL, ROOT

RESULTS = ROOT / "bench" / "results"
CONVERSATIONS = [
    ("alingsas", ["min son röker på", "Mitt barn", "16", "berätta mer om den första"]),
    ("uppsala", ["jag har stora skulder och kronofogden hör av sig", "Mig själv", "45", "kan jag vara anonym där?"]),
    ("sala", ["vi bråkar jämt hemma, jag och min sambo", "Oss som par eller familj", "vill inte säga", "något annat?"]),
    ("lekeberg", ["finns det föräldrakurser", "8", "finns det något i grupp?"]),
    ("mellerud", ["jag mår dåligt och har ångest", "Mig själv", "17", "tack"]),
]
MAX_SECONDS_PER_LEVEL = 300


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return round(total / 1024, 1)


class MemorySampler(threading.Thread):
    def __init__(self, pids: dict[str, int]):
        super().__init__(daemon=True)
        self.pids = pids
        self.peak = {name: 0.0 for name in pids}
        self.peak_total = 0.0
        self.stop_event = threading.Event()

    def run(self):
        while not self.stop_event.is_set():
            values = {name: rss_mb(pid) for name, pid in self.pids.items()}
            for name, value in values.items():
                self.peak[name] = max(self.peak[name], value)
            self.peak_total = max(self.peak_total, sum(values.values()))
            self.stop_event.wait(0.5)


def conversation(web_url: str, kommun: str, turns: list[str], latencies: list, errors: list, deadline: float):
    sender = uuid.uuid4().hex
    for text in turns:
        if time.monotonic() > deadline:
            return
        body = json.dumps({"sender": sender, "message": text, "kommun": kommun}).encode()
        req = urllib.request.Request(f"{web_url}/api/chatt", data=body, headers={"Content-Type": "application/json"})
        start = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                # Every message gets at least one reply; an empty list means the model is not working.
                ok = resp.status == 200 and bool(json.loads(resp.read() or b"[]"))
        except (urllib.error.URLError, OSError, ValueError):
            ok = False
        latencies.append((time.monotonic() - start) * 1000)
        if not ok:
            errors.append(1)


def run_level(web_url: str, concurrency: int, rounds: int = 2) -> dict:
    latencies: list[float] = []
    errors: list[int] = []
    deadline = time.monotonic() + MAX_SECONDS_PER_LEVEL

    def worker(n: int):
        for r in range(rounds):
            kommun, turns = CONVERSATIONS[(n + r) % len(CONVERSATIONS)]
            conversation(web_url, kommun, turns, latencies, errors, deadline)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=MAX_SECONDS_PER_LEVEL + 60)
    elapsed = time.monotonic() - start
    return {
        "concurrency": concurrency,
        "messages": len(latencies),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "messages_per_s": round(len(latencies) / elapsed, 2) if elapsed else None,
        "errors": len(errors),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=RESULTS / "load.json")
    parser.add_argument("--levels", default="1,10,50")
    args = parser.parse_args()
    from bot.processes import Stack

    # The web app's per-client rate limit protects residents' service; all of this load comes from
    # one client (127.0.0.1), so the benchmark raises the limit for its own stack only.
    os.environ.setdefault("INSATSGUIDEN_CHAT_RATE_LIMIT", "100000")
    stack = Stack(quiet=True)
    start = time.monotonic()
    stack.start(timeout=400)
    cold_start = round(time.monotonic() - start, 1)
    try:
        time.sleep(2)
        pids = stack.pids()
        idle = {name: rss_mb(pid) for name, pid in pids.items()}
        sampler = MemorySampler(pids)
        sampler.start()
        # one warm-up conversation, not measured
        conversation(stack.web_url, *CONVERSATIONS[0], [], [], time.monotonic() + 60)
        levels = [run_level(stack.web_url, int(c)) for c in args.levels.split(",")]
        sampler.stop_event.set()
        sampler.join()
    finally:
        stack.stop()
    training = MODEL.parent / "training.json"
    figures = {
        "levels": levels,
        "rss_mb_idle": idle,
        "rss_mb_idle_total": round(sum(idle.values()), 1),
        "rss_mb_peak": sampler.peak,
        "rss_mb_peak_total": round(sampler.peak_total, 1),
        "cold_start_s": cold_start,
        "train_s": json.loads(training.read_text())["train_s"] if training.exists() else None,
        "machine": {"cpus": os.cpu_count()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for level in levels:
        print(f"{level['concurrency']:>3} samtidiga: p50 {level['p50_ms']} ms, p95 {level['p95_ms']} ms, "
              f"p99 {level['p99_ms']} ms, {level['messages_per_s']} msg/s, {level['errors']} fel")
    print(f"minne i topp {figures['rss_mb_peak_total']} MB, kallstart {cold_start} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
