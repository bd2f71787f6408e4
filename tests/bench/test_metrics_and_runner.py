"""The measuring instruments themselves: metric functions on known inputs, and the scenario
runner on a three-line scenario file against the real stack."""
import json

from bench.eval import mentions, run_scenario, simulated_answer, run
from bench.metrics import hit_at, matches, normalize, percentile, rate


def test_normalize_ignores_case_and_diacritics():
    assert normalize("Anhörigstöd vid ungas beroende Mini Maria") == normalize("ANHORIGSTOD VID UNGAS BEROENDE MINI MARIA")


def test_matches_by_id_or_name():
    item = {"id": "alingsas/familjeradgivning", "namn": "Familjerådgivning"}
    assert matches("familjeradgivning", item) is True
    assert matches("alingsas/familjeradgivning", item) is True
    assert matches("Samarbetssamtal", item) is False


def test_hit_at_k():
    rec = [{"id": "a/x", "namn": "X"}, {"id": "a/y", "namn": "Y"}, {"id": "a/z", "namn": "Z"}, {"id": "a/w", "namn": "W"}]
    assert hit_at(rec, ["Y"], 1) is False
    assert hit_at(rec, ["Y"], 3) is True
    assert hit_at(rec, ["W"], 3) is False
    assert hit_at([], ["W"], 3) is False


def test_rate_and_percentile():
    assert rate([True, False, True, True]) == 0.75
    assert rate([]) is None
    assert percentile([10, 20, 30, 40, 50], 50) == 30
    assert percentile([1.0] * 98 + [100.0] * 2, 99) == 100.0
    assert percentile([1.0] * 99 + [100.0], 99) == 1.0


def test_runner_on_three_scenarios_against_the_real_stack(stack, tmp_path):
    scenarios = tmp_path / "s.jsonl"
    lines = [
        {"id": "a", "kommun": "alingsas", "turns": ["min son röker på", "Mitt barn", "16"],
         "expect": ["Anhörigstöd vid ungas beroende Mini Maria"]},
        {"id": "b", "kommun": "uppsala", "turns": ["jag dricker för mycket", "Mig själv", "40"]},
        {"id": "c", "kommun": "sala", "turns": ["hej"]},
    ]
    scenarios.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run(scenarios, out, rasa_url=stack.rasa_url, summary_path=tmp_path / "eval.json")
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert all(isinstance(r["replies"], list) and r["replies"] for r in rows)
    assert rows[0]["recommended"] and {"id", "namn"} == set(rows[0]["recommended"][0])
    assert rows[2]["recommended"] == []
    assert summary["strict"]["with_expect"] == 1 and summary["strict"]["hit_at_3"] == 1.0
    assert json.loads((tmp_path / "eval.json").read_text())["strict"]["scenarios"] == 3


def test_adaptive_mode_answers_the_bots_questions_from_the_persona(stack):
    scenario = {"id": "d", "kommun": "uppsala", "turns": ["Alkohol, droger eller spel"], "expect": [],
                "persona": {"vem": "barn", "alder": 45, "barn_alder": [16], "kommun": "uppsala"}}
    result = run_scenario(stack.rasa_url, scenario, "adaptive")
    assert result["questions_before"] == 1 and result["recommended"]


def test_the_simulated_resident_answers_in_natural_words():
    persona = {"vem": "barn", "alder": 40, "barn_alder": [3, 7], "kommun": "sala"}
    assert simulated_answer("barn_alder", persona, "x") == "de är 3 och 7 år"
    assert simulated_answer("for_vem", persona, "x") in ("min dotter", "det är min son", "mitt barn")
    assert simulated_answer("alder", {"vem": "själv", "alder": None}, "x") == "vill inte säga"
    assert simulated_answer("vem_alder", {"vem": "själv", "alder": 16}, "y").startswith(("det gäller mig", "mig", "för min"))


def test_must_mention_112_means_the_emergency_reply_not_any_112_in_the_text():
    assert not mentions({"replies": ["Om någon är i fara, ring 112."], "akut": False}, "112")
    assert mentions({"replies": [], "akut": True}, "112")
    assert mentions({"replies": ["Du kan ansöka hos socialtjänsten."], "akut": False}, "ansöka")
