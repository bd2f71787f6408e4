"""NLU quality on the held-out split (nlu_data/test, never used in training).

Writes bench/results/nlu.json: intent accuracy and macro-F1, entity F1 per extractor, and the most
confused intent pairs. Usage: python -m bench.nlu [--out bench/results/nlu.json]
"""
from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.paths import MODEL, NLU_TEST, RASA, ROOT, rasa_env

RESULTS = ROOT / "bench" / "results"


def evaluate(model: Path = MODEL, test_data: Path = NLU_TEST, work_dir: Path | None = None) -> dict:
    work_dir = Path(work_dir or tempfile.mkdtemp(prefix="nlu-eval-"))
    start = time.monotonic()
    cmd = [str(RASA), "test", "nlu", "--nlu", str(test_data), "--model", str(model), "--out", str(work_dir),
           "--no-plot", "--successes"]
    result = subprocess.run(cmd, cwd=ROOT, env=rasa_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise RuntimeError("rasa test nlu misslyckades:\n" + result.stdout[-4000:])
    report = json.loads((work_dir / "intent_report.json").read_text(encoding="utf-8"))
    errors = json.loads((work_dir / "intent_errors.json").read_text(encoding="utf-8")) if (work_dir / "intent_errors.json").exists() else []
    confused = collections.Counter((e["intent"], e["intent_prediction"]["name"]) for e in errors)
    entity_f1 = {}
    for path in work_dir.glob("*_report.json"):
        if path.name == "intent_report.json" or "response" in path.name:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        avg = data.get("micro avg") or data.get("weighted avg") or {}
        if "f1-score" in avg:
            entity_f1[path.name.removesuffix("_report.json")] = round(avg["f1-score"], 4)
    per_intent = {k: round(v["f1-score"], 4) for k, v in report.items() if isinstance(v, dict) and "f1-score" in v
                  and k not in ("macro avg", "weighted avg", "micro avg")}
    return {
        "test_examples": int(report["macro avg"]["support"]),
        "intent_accuracy": round(report["accuracy"], 4),
        "intent_macro_f1": round(report["macro avg"]["f1-score"], 4),
        "intent_weighted_f1": round(report["weighted avg"]["f1-score"], 4),
        "entity_f1": entity_f1,
        "entity_f1_best": max(entity_f1.values()) if entity_f1 else None,
        "most_confused": [{"intent": a, "predicted": b, "count": n} for (a, b), n in confused.most_common(10)],
        "weakest_intents": sorted(per_intent.items(), key=lambda kv: kv[1])[:8],
        "seconds": round(time.monotonic() - start, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=RESULTS / "nlu.json")
    args = parser.parse_args()
    figures = evaluate()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"intent macro-F1 {figures['intent_macro_f1']}, accuracy {figures['intent_accuracy']}, "
          f"entity F1 {figures['entity_f1_best']} -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
