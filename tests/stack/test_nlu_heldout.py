"""NLU on the held-out split, inside the suite: the figure is printed; the floor is 0.85
(the target, 0.90, is measured by bench/nlu.py)."""
from bench.nlu import evaluate
from bot.paths import MODEL, NLU_TEST

FLOOR = 0.85


def test_held_out_split_is_never_in_training():
    import yaml
    from pathlib import Path

    def examples(folder):
        out = set()
        for path in Path(folder).glob("*.yml"):
            for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
                if "intent" in block:
                    out |= {line[2:].strip().lower() for line in block["examples"].splitlines() if line.startswith("- ")}
        return out

    train, test = examples(NLU_TEST.parent / "train"), examples(NLU_TEST)
    assert test and not (train & test)
    assert len(test) / (len(train) + len(test)) >= 0.18


def test_intent_macro_f1_on_held_out_split(tmp_path, capsys):
    figures = evaluate(MODEL, NLU_TEST, tmp_path)
    with capsys.disabled():
        print(f"\n[NLU held-out] intent macro-F1 = {figures['intent_macro_f1']:.3f}, "
              f"accuracy = {figures['intent_accuracy']:.3f}, entity F1 = {figures['entity_f1_best']}, "
              f"n = {figures['test_examples']}; most confused: {figures['most_confused'][:3]}")
    assert figures["intent_macro_f1"] >= FLOOR
