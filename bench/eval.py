"""The scenario runner: each scenario is a fresh conversation with the RUNNING assistant, through
the same REST channel and metadata as the widget.

Input JSONL, one scenario a line: {"id", "kommun", "turns": [...], "expect": [ids or names]?,
"persona"?: {"vem", "alder", "barn_alder", "kommun"}, "kind"?: behov|ansokan|akut|falsklarm,
"must_mention"?: ["112", "ansöka", "anonym", "samtycke"]}.

Two modes:
- strict: the scenario's turns are sent in order, whatever the bot says.
- adaptive: after each turn, while the bot asks a question (its reply carries {"fraga": ...}), a
  simulated resident answers it from the persona in natural words; then the next turn is sent.
  This is what "questions before the first recommendation" is measured on.

Metrics: hit@1 and hit@3 on the LAST recommendation of the conversation (a later need replaces an
earlier one); must_mention (each listed fact present: "112" means the emergency reply was given);
false_alarms (emergency replies in "falsklarm" scenarios); questions before the first
recommendation (median, max); the FTS5 keyword baseline on the same scenarios.

Usage: python -m bench.eval --scenarios FILE --out OUT.jsonl [--mode strict|adaptive|both]
       [--rasa-url URL] [--summary FILE]
       python -m bench.eval --official     (the README's figures -> bench/results/eval.json)
The summary goes to --summary, else beside OUT (OUT with .summary.json), so a custom run never
overwrites the committed bench/results/ files. Without --rasa-url it starts the action server and
Rasa itself (on loopback) and stops them after.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import statistics as stats
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Optional

from bench.metrics import hit_at, rate
from bot.paths import ROOT
from insatskatalog.loader import default_catalogue
from insatskatalog.store import DEFAULT_DB, build, open_db, search
from insatskatalog.text import fold

RESULTS = ROOT / "bench" / "results"
MAX_SIMULATED_ANSWERS = 4


def send(rasa_url: str, sender: str, text: str, kommun: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": text, "metadata": {"kommun": kommun, "kanal": "chatt"}}).encode()
    req = urllib.request.Request(f"{rasa_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


# -- the simulated resident ---------------------------------------------------------------------

_WHO = {
    "själv": ["det gäller mig själv", "mig", "för min egen del"],
    "barn": ["min dotter", "det är min son", "mitt barn"],
    "partner": ["min man", "min sambo", "min partner"],
    "förälder": ["min pappa", "det gäller mamma", "min mamma"],
    "syskon": ["min bror", "min syster", "min lillebror"],
    "anhörig": ["en släkting till mig", "min moster", "min kusin"],
    "annan": ["en kompis", "en vän till mig", "min granne"],
}


def _pick(options: list[str], seed: str) -> str:
    return options[int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(options)]


def _own_age(persona: dict, seed: str) -> str:
    if persona.get("alder") is None:
        return "vill inte säga"
    return _pick([f"jag är {persona['alder']}", f"{persona['alder']} år", f"är {persona['alder']}"], seed)


def _other_age(persona: dict, seed: str) -> str:
    ages = persona.get("barn_alder") or []
    if not ages:
        return "vet inte riktigt"
    if len(ages) > 1:
        return "de är " + " och ".join(str(a) for a in ages) + " år"
    if ages[0] == 0:
        return "bebisen är bara några månader"
    return _pick([f"hen är {ages[0]} år", f"{ages[0]} år", f"typ {ages[0]} år gammal"], seed)


def simulated_answer(question: str, persona: dict, seed: str) -> str:
    """What the resident described by `persona` answers, in natural words, to the bot's question."""
    vem = persona.get("vem") or "själv"
    who = _pick(_WHO.get(vem, _WHO["annan"]), seed)
    if question == "for_vem":
        return who
    if question == "alder":
        return _own_age(persona, seed)
    if question == "barn_alder":
        return _own_age(persona, seed) if vem == "själv" else _other_age(persona, seed)
    if question == "vem_alder":
        age = _own_age(persona, seed) if vem == "själv" else _other_age(persona, seed)
        return f"{who}, {age}"
    if question == "kommun":
        return persona.get("kommun") or "vet inte"
    return "vet inte"


# -- running a conversation -----------------------------------------------------------------------

def _absorb(replies: list[dict], log: dict) -> Optional[str]:
    """Adds a reply to the log; returns the question the bot asked, if any."""
    question = None
    for reply in replies:
        if reply.get("text"):
            log["replies"].append(reply["text"])
        custom = reply.get("custom") or {}
        if custom.get("akut"):
            log["akut"] = True
        if custom.get("fraga"):
            question = custom["fraga"]
            if not log["recommended"]:
                log["questions_before"] += 1
        if custom.get("insatser"):
            log["recommended"] = [{"id": i["id"], "namn": i["namn"]} for i in custom["insatser"]]
            if log["first_recommendation_at"] is None:
                log["first_recommendation_at"] = log["questions_before"]
    if question is None and any("Vilken kommun gäller det" in (r.get("text") or "") for r in replies):
        question = "kommun"
    return question


def run_scenario(rasa_url: str, scenario: dict, mode: str = "strict") -> dict:
    sender = uuid.uuid4().hex
    log = {"id": scenario["id"], "mode": mode, "replies": [], "recommended": [], "akut": False,
           "questions_before": 0, "first_recommendation_at": None}
    persona = scenario.get("persona") or {}
    for n, turn in enumerate(scenario["turns"]):
        question = _absorb(send(rasa_url, sender, turn, scenario["kommun"]), log)
        answers = 0
        while mode == "adaptive" and question and answers < MAX_SIMULATED_ANSWERS:
            answers += 1
            answer = simulated_answer(question, persona, f"{scenario['id']}-{n}-{answers}")
            question = _absorb(send(rasa_url, sender, answer, scenario["kommun"]), log)
    return log


def mentions(log: dict, fact: str) -> bool:
    text = fold(" ".join(log["replies"]))
    if fact == "112":
        return bool(log["akut"])
    return {"ansöka": "ansok", "anonym": "anonym", "samtycke": "samtycke"}.get(fact, fold(fact)) in text


def baseline(db, scenario: dict, k: int = 3) -> list[dict]:
    """Plain FTS5 keyword search over the municipality's catalogue, all user turns as the query."""
    catalogue = default_catalogue()
    ids = search(db, " ".join(scenario["turns"]), kommun=scenario["kommun"], limit=k, expand=False)
    return [{"id": i, "namn": catalogue.insats(i).namn} for i in ids]


def summarize(scenarios: list[dict], results: list[dict]) -> dict:
    pairs = list(zip(scenarios, results))
    with_expect = [(s, r) for s, r in pairs if s.get("expect")]
    mention_checks = [mentions(r, f) for s, r in pairs for f in s.get("must_mention") or []]
    traps = [(s, r) for s, r in pairs if s.get("kind") == "falsklarm"]
    questions = [r["first_recommendation_at"] if r["first_recommendation_at"] is not None else r["questions_before"]
                 for s, r in pairs if s.get("expect")]
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
        "must_mention": rate(mention_checks),
        "must_mention_checks": len(mention_checks),
        "false_alarms": sum(1 for s, r in traps if r["akut"]),
        "traps": len(traps),
        "questions_before_recommendation": {
            "median": stats.median(questions) if questions else None, "max": max(questions) if questions else None},
        "never_recommended": sum(1 for s, r in with_expect if not r["recommended"]),
        "baseline_hit_at_1": rate([hit_at(r["baseline"], s["expect"], 1) for s, r in with_expect]),
        "baseline_hit_at_3": rate([hit_at(r["baseline"], s["expect"], 3) for s, r in with_expect]),
        "per_kommun": per_kommun,
    }


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def run(scenarios_path: Path, out_path: Path, rasa_url: Optional[str] = None, summary_path: Optional[Path] = None,
        modes: tuple[str, ...] = ("strict",)) -> dict:
    scenarios = load(scenarios_path)
    if not DEFAULT_DB.exists():
        build(default_catalogue(), DEFAULT_DB)
    db = open_db(DEFAULT_DB)
    stack = None
    if rasa_url is None:
        from bot.processes import Stack
        stack = Stack(web=False, quiet=True).start()
        rasa_url = stack.rasa_url
    start = time.monotonic()
    summary: dict = {"scenario_file": str(scenarios_path)}
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(out_path, "w", encoding="utf-8") as f:
            for mode in modes:
                results = []
                for scenario in scenarios:
                    result = run_scenario(rasa_url, scenario, mode)
                    result["baseline"] = baseline(db, scenario)
                    results.append(result)
                    f.write(json.dumps(result, ensure_ascii=False) + "\n")
                summary[mode] = summarize(scenarios, results)
    finally:
        if stack:
            stack.stop()
    summary["seconds"] = round(time.monotonic() - start, 1)
    summary_path = Path(summary_path or out_path.with_suffix(".summary.json"))
    summary_path.parent.mkdir(parents=True, exist_ok=True)
    summary_path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return summary


BLIND = ROOT / "bench" / "blind"
OFFICIAL = {"regression": (ROOT / "bench" / "scenarios.jsonl", ("strict",)),
            "dev": (BLIND / "dev.jsonl", ("strict", "adaptive")),
            # 300 more blind conversations (three new persona authors, same brief), a second dev set:
            # read case by case and tuned on, so never a result
            "dev2": (BLIND / "dev2.jsonl", ("strict", "adaptive")),
            # a third dev set (300, three more persona authors: danger and traps, older people and
            # relatives, teenagers and professionals), read case by case and tuned on: never a result
            "dev3": (BLIND / "dev3.jsonl", ("strict", "adaptive")),
            # a fourth (300, three more persona authors: Swedish as a second language and new
            # parents, adults about themselves or a partner, children and teenagers on a phone),
            # measured once before anyone read it (README), then read and tuned on
            "dev4": (BLIND / "dev4.jsonl", ("strict", "adaptive")),
            # a fifth (300, three more persona authors: families in all shapes, words near danger,
            # adults and older people), measured once before anyone read it (README), then tuned on
            "dev5": (BLIND / "dev5.jsonl", ("strict", "adaptive")),
            "sealed": (BLIND / "sealed.jsonl", ("strict", "adaptive")),
            # 180 more blind conversations (December), never read: a second sealed set
            "fresh": (BLIND / "fresh.jsonl", ("strict", "adaptive"))}


def official(rasa_url: Optional[str] = None,
             halves: tuple[str, ...] = ("regression", "dev", "dev2", "dev3", "dev4", "dev5", "sealed", "fresh")) -> dict:
    """The figures the README quotes: the regression set, and the blind dev and sealed halves in
    both modes, in one run against one assistant -> bench/results/eval.json."""
    stack = None
    if rasa_url is None:
        from bot.processes import Stack
        stack = Stack(web=False, quiet=True).start()
        rasa_url = stack.rasa_url
    summary: dict = {}
    try:
        for name in halves:
            path, modes = OFFICIAL[name]
            # The replies per conversation go to the git-ignored build/ (large, and the sealed half's
            # replies are not for reading case by case); only the summary is committed.
            replies = ROOT / "build" / "eval" / f"{name}_replies.jsonl"
            summary[name] = run(path, replies, rasa_url, replies.with_suffix(".summary.json"), modes)
    finally:
        if stack:
            stack.stop()
    (RESULTS / "eval.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description="Kör scenarier mot assistenten.")
    parser.add_argument("--official", action="store_true",
                        help="regressionsfilen samt blinda dev- och förseglade halvan -> bench/results/eval.json")
    parser.add_argument("--scenarios", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--rasa-url")
    parser.add_argument("--summary", type=Path)
    parser.add_argument("--mode", choices=("strict", "adaptive", "both"), default="strict")
    args = parser.parse_args()
    if args.official:
        for name, result in official(args.rasa_url).items():
            for mode in OFFICIAL[name][1]:
                r = result[mode]
                print(f"{name} {mode}: hit@1 {r['hit_at_1']}, hit@3 {r['hit_at_3']}, must-mention {r['must_mention']}, "
                      f"falsklarm {r['false_alarms']}/{r['traps']}, frågor före förslag {r['questions_before_recommendation']}")
        return 0
    if not (args.scenarios and args.out):
        parser.error("ange --scenarios och --out, eller --official")
    modes = ("strict", "adaptive") if args.mode == "both" else (args.mode,)
    summary = run(args.scenarios, args.out, args.rasa_url, args.summary, modes)
    for mode in modes:
        s = summary[mode]
        print(f"{mode}: hit@1 {s['hit_at_1']}, hit@3 {s['hit_at_3']}, must-mention {s['must_mention']}, "
              f"falsklarm {s['false_alarms']}/{s['traps']}, frågor före förslag {s['questions_before_recommendation']}; "
              f"FTS5-baslinje hit@3 {s['baseline_hit_at_3']} ({s['with_expect']} scenarier med förväntan)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
