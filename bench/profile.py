"""Where the time of one message goes (issue 15, item 1): web proxy -> Rasa NLU -> policies ->
action-server round trips -> tracker store -> reply.

Rasa runs in this process (the trained model, bot/endpoints.yml's in-memory tracker store), the
real action server as a child process on loopback. Rasa's processor methods are wrapped with
timers, so every stage is measured inside the real message handling:

- nlu_ms          MessageProcessor.parse_message (the whole NLU pipeline: redaction component,
                  tokenizer, featurizers, DIET/CRF, our topic and safety components)
- policies_ms     MessageProcessor._predict_next_with_tracker, summed; `predictions` counts them
- actions_ms      MessageProcessor._run_action, summed (includes the action-server round trips)
- action_http_ms  EndpointConfig.request to the action server, summed; `action_calls` counts them,
                  `tracker_bytes` is the JSON sent per call (the tracker)
- save_ms         MessageProcessor.save_tracker
- total_ms        Agent.handle_message, end to end inside Rasa
and, outside Rasa: the web tier's own cost per message (`/api/chatt` with a stand-in Rasa that
answers at once: validation, redaction, JSON), redaction alone, and routing alone
(insatskatalog.routing.route for the conversation's profile).

Usage: python -m bench.profile [--out bench/results/profile.json] [--rounds 3]
Traffic only to 127.0.0.1; bounded in count and time.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics as stats
import sys
import time
import uuid
from pathlib import Path

from bench.load import CONVERSATIONS
from bot.paths import ENDPOINTS, MODEL, ROOT, rasa_env

RESULTS = ROOT / "bench" / "results"
STAGES = ("nlu_ms", "policies_ms", "actions_ms", "action_http_ms", "save_ms", "total_ms")


class Timers:
    def __init__(self):
        self.current: dict = {}

    def reset(self):
        self.current = {k: 0.0 for k in STAGES} | {"predictions": 0, "action_calls": 0, "tracker_bytes": []}

    def wrap(self, owner, name: str, stage: str, counter: str | None = None, payload: bool = False):
        original = getattr(owner, name)
        timers = self

        async def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                timers.current[stage] += (time.perf_counter() - start) * 1000
                if counter:
                    timers.current[counter] += 1
                if payload and "json" in kwargs:
                    timers.current["tracker_bytes"].append(len(json.dumps(kwargs["json"]).encode()))

        def timed_sync(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                timers.current[stage] += (time.perf_counter() - start) * 1000
                if counter:
                    timers.current[counter] += 1

        setattr(owner, name, timed if asyncio.iscoroutinefunction(original) else timed_sync)


def summary(values: list[float]) -> dict:
    values = sorted(values)
    if not values:
        return {}
    return {"mean": round(stats.mean(values), 1), "p50": round(values[len(values) // 2], 1),
            "max": round(values[-1], 1)}


async def profile_rasa(rounds: int, action_port: int) -> list[dict]:
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.processor import MessageProcessor
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    from bot import rasa_speedups
    from rasa.utils.log_utils import configure_structlog
    import logging

    configure_structlog(logging.WARNING)   # no debug lines (they would print trackers)
    if not os.environ.get("INSATSGUIDEN_NO_SPEEDUPS"):
        rasa_speedups.install()            # as `rasa run` gets it through bot/channels.py
    timers = Timers()
    timers.wrap(MessageProcessor, "parse_message", "nlu_ms")
    timers.wrap(MessageProcessor, "_predict_next_with_tracker", "policies_ms", "predictions")
    timers.wrap(MessageProcessor, "_run_action", "actions_ms")
    timers.wrap(MessageProcessor, "save_tracker", "save_ms")
    timers.wrap(EndpointConfig, "request", "action_http_ms", "action_calls", payload=True)
    os.environ["ACTION_PORT"] = str(action_port)
    agent = await load_agent(model_path=str(MODEL), endpoints=AvailableEndpoints.read_endpoints(str(ENDPOINTS)))
    rows = []
    for r in range(rounds + 1):   # the first round warms up and is not kept
        for kommun, turns in CONVERSATIONS:
            sender = uuid.uuid4().hex
            for i, text in enumerate(turns):
                timers.reset()
                start = time.perf_counter()
                out = CollectingOutputChannel()
                await agent.handle_message(UserMessage(text, out, sender, metadata={"kommun": kommun, "kanal": "chatt"}))
                timers.current["total_ms"] = (time.perf_counter() - start) * 1000
                if r:
                    rows.append({"turn": i + 1, **timers.current, "replies": len(out.messages)})
    return rows


def web_overhead(n: int = 200) -> float:
    """ms per /api/chatt in the web tier itself (a stand-in Rasa answers at once)."""
    sys.path.insert(0, str(ROOT / "tests" / "web"))
    from web_testkit import FakeRasa
    from web import create_app

    fake = FakeRasa()
    try:
        client = create_app({"TESTING": True, "RASA_URL": fake.url, "CHATT_PER_MINUT": 10 ** 6,
                             "SECRET_KEY": "bench"}).test_client()
        body = {"sender": uuid.uuid4().hex, "message": "min son är 15 år och röker på varje dag", "kommun": "sala"}
        client.post("/api/chatt", json=body)
        start = time.perf_counter()
        for _ in range(n):
            client.post("/api/chatt", json=body)
        return round((time.perf_counter() - start) * 1000 / n, 2)
    finally:
        fake.close()


def small_costs() -> dict:
    from bot.redaction import redact
    from insatskatalog.loader import default_catalogue
    from insatskatalog.routing import Profile, route

    cat = default_catalogue()
    text = "jag heter Anna, min son är 15 och röker på, ring mig på 070-123 45 67"
    start = time.perf_counter()
    for _ in range(500):
        redact(text)
    redaction = (time.perf_counter() - start) * 1000 / 500
    profil = Profile(kommun="alingsas", for_vem="mitt-barn", barn_alder=16, amnen=("beroende",))
    route(profil, cat)
    start = time.perf_counter()
    for _ in range(200):
        route(profil, cat)
    routing = (time.perf_counter() - start) * 1000 / 200
    return {"redaction_ms": round(redaction, 3), "routing_ms": round(routing, 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=RESULTS / "profile.json")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import subprocess
    from bot.servers import free_port

    port = free_port()
    env = rasa_env(ACTION_PORT=str(port))
    actions = subprocess.Popen([sys.executable, "-m", "rasa_sdk", "--actions", "bot.actions", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        import urllib.request
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        rows = asyncio.run(profile_rasa(args.rounds, port))
    finally:
        actions.terminate()
        actions.wait(timeout=20)
    per_stage = {k: summary([r[k] for r in rows]) for k in STAGES}
    other = [r["total_ms"] - r["nlu_ms"] - r["actions_ms"] - r["policies_ms"] - r["save_ms"] for r in rows]
    per_stage["other_ms"] = summary(other)
    sizes = [b for r in rows for b in r["tracker_bytes"]]
    figures = {
        "messages": len(rows),
        "stages": per_stage,
        "predictions_per_message": summary([r["predictions"] for r in rows]),
        "action_calls_per_message": summary([r["action_calls"] for r in rows]),
        "tracker_bytes_per_call": summary(sizes),
        "tracker_bytes_by_turn": {t: summary([b for r in rows if r["turn"] == t for b in r["tracker_bytes"]])
                                  for t in sorted({r["turn"] for r in rows})},
        "web_tier_ms_per_message": web_overhead(),
        **small_costs(),
        "machine": {"cpus": os.cpu_count()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for k, v in per_stage.items():
        print(f"{k:>15}: {v}")
    print(f"predictions {figures['predictions_per_message']}, action calls {figures['action_calls_per_message']}, "
          f"tracker bytes {figures['tracker_bytes_per_call']}, web {figures['web_tier_ms_per_message']} ms -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
