"""The scenario runner: each scenario is a fresh conversation with the RUNNING assistant, through
the same REST channel and metadata as the widget.

Input JSONL, one scenario a line: {"id", "kommun", "turns": [...], "expect": [ids or names]?}.
Output JSONL, one line a scenario: {"id", "replies": [bot texts in order], "recommended": [{"id",
"namn"}...], "baseline": [...]}; the summary (hit@1, hit@3, and the same for the FTS5 keyword
baseline) goes to bench/results/eval.json.

Usage: python -m bench.eval --scenarios bench/scenarios.jsonl --out out.jsonl [--rasa-url URL]
Without --rasa-url it starts the action server and Rasa itself (on loopback) and stops them after.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Optional

from bench.metrics import hit_at, rate
from bot.paths import ROOT
from catalogue.loader import default_catalogue
from catalogue.store import DEFAULT_DB, build, open_db, search

RESULTS = ROOT / "bench" / "results"


def send(rasa_url: str, sender: str, text: str, kommun: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": text, "metadata": {"kommun": kommun, "kanal": "chatt"}}).encode()
    req = urllib.request.Request(f"{rasa_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def run_scenario(rasa_url: str, scenario: dict) -> dict:
    sender = uuid.uuid4().hex
    replies: list[str] = []
    recommended: list[dict] = []
    for turn in scenario["turns"]:
        for reply in send(rasa_url, sender, turn, scenario["kommun"]):
            if reply.get("text"):
                replies.append(reply["text"])
            for item in (reply.get("custom") or {}).get("insatser", []):
                entry = {"id": item["id"], "namn": item["namn"]}
                if entry not in recommended:
                    recommended.append(entry)
    return {"id": scenario["id"], "replies": replies, "recommended": recommended}


def baseline(db, scenario: dict, k: int = 3) -> list[dict]:
    """Plain FTS5 keyword search over the municipality's catalogue, all user turns as the query."""
    catalogue = default_catalogue()
    ids = search(db, " ".join(scenario["turns"]), kommun=scenario["kommun"], limit=k, expand=False)
    return [{"id": i, "namn": catalogue.insats(i).namn} for i in ids]


def summarize(scenarios: list[dict], results: list[dict]) -> dict:
    with_expect = [(s, r) for s, r in zip(scenarios, results) if s.get("expect")]
    per_kommun: dict = {}
    for s, r in with_expect:
        d = per_kommun.setdefault(s["kommun"], {"n": 0, "hit_at_3": 0, "baseline_hit_at_3": 0})
        d["n"] += 1
        d["hit_at_3"] += hit_at(r["recommended"], s["expect"], 3)
        d["baseline_hit_at_3"] += hit_at(r["baseline"], s["expect"], 3)
    return {
        "scenarios": len(scenarios),
        "with_expect": len(with_expect),
        "hit_at_1": rate([hit_at(r["recommended"], s["expect"], 1) for s, r in with_expect]),
        "hit_at_3": rate([hit_at(r["recommended"], s["expect"], 3) for s, r in with_expect]),
        "baseline_hit_at_1": rate([hit_at(r["baseline"], s["expect"], 1) for s, r in with_expect]),
        "baseline_hit_at_3": rate([hit_at(r["baseline"], s["expect"], 3) for s, r in with_expect]),
        "per_kommun": per_kommun,
        "misses": [{"id": s["id"], "expect": s["expect"], "got": [x["namn"] for x in r["recommended"][:3]]}
                   for s, r in with_expect if not hit_at(r["recommended"], s["expect"], 3)],
    }


def run(scenarios_path: Path, out_path: Path, rasa_url: Optional[str] = None, summary_path: Optional[Path] = None) -> dict:
    scenarios = [json.loads(line) for line in Path(scenarios_path).read_text(encoding="utf-8").splitlines() if line.strip()]
    if not DEFAULT_DB.exists():
        build(default_catalogue(), DEFAULT_DB)
    db = open_db(DEFAULT_DB)
    stack = None
    if rasa_url is None:
        from bot.processes import Stack
        stack = Stack(web=False, quiet=True).start()
        rasa_url = stack.rasa_url
    start = time.monotonic()
    results = []
    try:
        for scenario in scenarios:
            result = run_scenario(rasa_url, scenario)
            result["baseline"] = baseline(db, scenario)
            results.append(result)
    finally:
        if stack:
            stack.stop()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        for result in results:
            f.write(json.dumps(result, ensure_ascii=False) + "\n")
    summary = summarize(scenarios, results)
    summary["seconds"] = round(time.monotonic() - start, 1)
    summary["scenario_file"] = str(scenarios_path)
    summary_path = Path(summary_path or RESULTS / "eval.json")
    summary_path.parent.mkdir(parents=True, exist_ok=True)
    summary_path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description="Kör scenarier mot assistenten.")
    parser.add_argument("--scenarios", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rasa-url")
    parser.add_argument("--summary", type=Path)
    args = parser.parse_args()
    summary = run(args.scenarios, args.out, args.rasa_url, args.summary)
    print(f"hit@1 {summary['hit_at_1']}, hit@3 {summary['hit_at_3']}; FTS5-baslinje hit@3 {summary['baseline_hit_at_3']} "
          f"({summary['with_expect']} scenarier med förväntan) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
