"""Speed and size: a bounded load test on loopback through web -> Rasa -> actions.

1, 10 and 50 concurrent conversations, each a realistic multi-turn conversation through the web
app's chat proxy (as the widget talks). Reports p50/p95/p99 latency per message, messages per
second and errors per level; resident memory of each process idle and at peak; cold start time;
model training time (from models/training.json, written by bot/train.py).
Traffic goes only to 127.0.0.1; every loop is bounded in count and time.

With --layouts the same load runs, one after the other in one run, against the embedded layout
of `make run` and the scaled layout of issue 15 with 1 and 2 Rasa instances (private Redis and
PostgreSQL, N action servers, RASA_URLS): messages/s, p50/p95/p99, errors and RSS per process for
each, the 2-to-1 throughput ratio, and — with 2 instances — how long after the SIGKILL of one
instance the other answers a conversation whose home was the killed one.

Usage: python -m bench.load [--out bench/results/load.json] [--levels 1,10,50]
                            [--layouts embedded,scaled-1,scaled-2]
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


def failover_ms(stack) -> float | None:
    """With two instances: a conversation whose home is rasa-1 has one answered message, rasa-1 is
    killed with SIGKILL, and the time until the next message is answered (by rasa-2) is measured."""
    import signal
    from web.rasa_pool import home_index

    sender = next(s for s in (uuid.uuid4().hex for _ in range(1000)) if home_index(s, len(stack.rasa_urls)) == 0)

    def send(text):
        body = json.dumps({"sender": sender, "message": text, "kommun": "sala"}).encode()
        req = urllib.request.Request(f"{stack.web_url}/api/chatt", data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status == 200 and bool(json.loads(resp.read() or b"[]"))

    if not send("min son är 15 år"):
        return None
    os.kill(stack.procs["rasa-1"].pid, signal.SIGKILL)
    stack.procs["rasa-1"].wait(timeout=10)
    start = time.monotonic()
    ok = send("han röker på varje dag")
    return round((time.monotonic() - start) * 1000, 1) if ok else None


def measure(stack, levels: list[int], extra_pids: dict | None = None, failover: bool = False) -> dict:
    start = time.monotonic()
    stack.start(timeout=600)
    cold_start = round(time.monotonic() - start, 1)
    try:
        time.sleep(2)
        pids = {**stack.pids(), **(extra_pids or {})}
        idle = {name: rss_mb(pid) for name, pid in pids.items()}
        sampler = MemorySampler(pids)
        sampler.start()
        # one warm-up conversation, not measured
        conversation(stack.web_url, *CONVERSATIONS[0], [], [], time.monotonic() + 60)
        results = [run_level(stack.web_url, c) for c in levels]
        sampler.stop_event.set()
        sampler.join()
        after_kill = failover_ms(stack) if failover else None
    finally:
        stack.stop()
    out = {
        "levels": results,
        "rss_mb_idle": idle,
        "rss_mb_idle_total": round(sum(idle.values()), 1),
        "rss_mb_peak": sampler.peak,
        "rss_mb_peak_total": round(sampler.peak_total, 1),
        "cold_start_s": cold_start,
    }
    if failover:
        out["answer_after_sigkill_ms"] = after_kill
    return out


def scaled_layout(instances: int, tmp: Path, model: Path) -> dict:
    """Redis, PostgreSQL and a scaled Stack with `instances` Rasa instances, measured."""
    import tempfile
    from bot.processes import Ports, Stack
    from bot.servers import PostgresServer, RedisServer, free_port

    redis = RedisServer(tmp / f"redis-{instances}").start()
    pg_dir = Path(tempfile.mkdtemp(prefix="insatsguiden-pg-"))
    pg = PostgresServer(pg_dir).start()
    try:
        stack = Stack(ports=Ports(web=free_port()), quiet=True, model=model, redis_url=redis.url,
                      rasa_ports=[free_port() for _ in range(instances)],
                      action_ports=[free_port() for _ in range(instances)], env={"DATABASE_URL": pg.url})
        return measure(stack, LEVELS, {"redis": redis.proc.pid, "postgres": pg.proc.pid}, failover=instances >= 2)
    finally:
        redis.stop()
        pg.stop()
        import shutil
        shutil.rmtree(pg_dir, ignore_errors=True)


LEVELS: list[int] = []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=RESULTS / "load.json")
    parser.add_argument("--levels", default="1,10,50")
    from bot.servers import postgres_bindir, redis_server_binary
    servers = redis_server_binary() is not None and postgres_bindir() is not None
    parser.add_argument("--layouts", default="embedded,scaled-1,scaled-2" if servers else "embedded",
                        help="comma-separated: embedded (make run), scaled-1, scaled-2 … (issue 15); "
                             "default all three when redis-server and PostgreSQL are installed")
    args = parser.parse_args()
    import shutil
    import tempfile
    from bot.processes import Stack

    LEVELS[:] = [int(c) for c in args.levels.split(",")]
    # The web app's per-client rate limit protects residents' service; all of this load comes from
    # one client (127.0.0.1), so the benchmark raises the limit for its own stack only.
    os.environ.setdefault("INSATSGUIDEN_CHAT_RATE_LIMIT", "100000")
    layouts = [name.strip() for name in args.layouts.split(",") if name.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="insatsguiden-bench-"))
    model = tmp / "model.tar.gz"
    shutil.copy(MODEL, model)   # the project's model may be retrained while this runs
    measured: dict = {}
    try:
        for name in layouts:
            if name == "embedded":
                from bot.processes import Ports
                from bot.servers import free_port
                # Free ports: a `make run` elsewhere on the machine must not answer for this stack.
                ports = Ports(web=free_port(), rasa=free_port(), actions=free_port())
                measured[name] = measure(Stack(ports=ports, quiet=True, model=model), LEVELS)
            elif name.startswith("scaled-") and name[7:].isdigit():
                measured[name] = scaled_layout(int(name[7:]), tmp, model)
            else:
                parser.error(f"okänd layout {name!r}")
            report(name, measured[name])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    training = MODEL.parent / "training.json"
    figures = dict(measured.get("embedded") or next(iter(measured.values())))
    figures["train_s"] = json.loads(training.read_text())["train_s"] if training.exists() else None
    figures["machine"] = {"cpus": os.cpu_count()}
    if any(name.startswith("scaled-") for name in measured):
        figures["layouts"] = measured
        one, two = measured.get("scaled-1"), measured.get("scaled-2")
        if one and two:
            top = max(LEVELS)
            rate = {n: next(lv["messages_per_s"] for lv in m["levels"] if lv["concurrency"] == top)
                    for n, m in (("1", one), ("2", two))}
            figures["scaled_throughput_ratio_2_to_1"] = round(rate["2"] / rate["1"], 2) if rate["1"] else None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"-> {args.out}")
    return 0


def report(name: str, figures: dict) -> None:
    print(f"== {name}")
    for level in figures["levels"]:
        print(f"{level['concurrency']:>3} samtidiga: p50 {level['p50_ms']} ms, p95 {level['p95_ms']} ms, "
              f"p99 {level['p99_ms']} ms, {level['messages_per_s']} msg/s, {level['errors']} fel")
    print(f"minne i topp {figures['rss_mb_peak_total']} MB, kallstart {figures['cold_start_s']} s"
          + (f", svar efter SIGKILL {figures['answer_after_sigkill_ms']} ms" if "answer_after_sigkill_ms" in figures else ""))


if __name__ == "__main__":
    sys.exit(main())
