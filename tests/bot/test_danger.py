"""Acute danger: the learned probability decides, the patterns only help (bot/safety.is_acute)."""
import json

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.danger_classifier import acute_examples, training_set
from bot.paths import ROOT
from bot.safety import DANGER_ALONE, DANGER_WITH_PATTERN, is_acute


def test_without_a_trained_model_the_patterns_decide_as_before():
    assert is_acute("jag tänker ta livet av mig ikväll", None)
    assert not is_acute("kan ni slå gräset hos mormor", None)


def test_a_high_probability_is_an_alarm_without_any_pattern():
    text = "gav bort katten idag, behöver inte den längre. brevet ligger på bordet"
    assert is_acute(text, DANGER_ALONE)
    assert not is_acute(text, DANGER_ALONE - 0.01)


def test_a_pattern_needs_the_classifier_to_agree_a_little():
    general = "hur förklarar man självmord för ett barn? hennes moster tog sitt liv i våras"
    explicit = "jag tänker ta livet av mig ikväll"
    assert not is_acute(general, DANGER_WITH_PATTERN - 0.01)
    assert is_acute(explicit, DANGER_WITH_PATTERN)


def test_a_harmless_idiom_is_no_alarm_even_when_the_classifier_is_unsure():
    assert not is_acute("kan kommunen slå gräset åt min mormor, hon orkar inte", 0.9)


def test_training_set_has_the_blind_acute_messages_as_positives_and_near_misses_as_negatives():
    data = TrainingData([Message({"text": "jag ska ta mitt liv", "intent": "akut_fara"}),
                         Message({"text": "min son röker på", "intent": "behov_beroende"})])
    texts, labels = training_set(data, {"acute_messages": "nlu_data/acute", "resident_messages": "nlu_data/residents"})
    blind = acute_examples(ROOT / "nlu_data/acute")
    assert labels[:2] == [1, 0]
    assert sum(labels) == 1 + sum(acute for _t, acute in blind)
    assert len(texts) == len(labels) > len(blind) + 1000   # the resident messages are negatives


def test_the_blind_acute_files_are_valid():
    for path in sorted((ROOT / "nlu_data/acute").glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert rows and all(isinstance(r["akut"], bool) and r["text"].strip() for r in rows), path.name
        share = sum(r["akut"] for r in rows) / len(rows)
        assert 0.3 < share < 0.8, f"{path.name}: both acute messages and near misses"


@pytest.mark.parametrize("danger", [0.0, 0.5, 1.0])
def test_any_probability_is_safe_for_an_empty_message(danger):
    assert not is_acute("", danger)


def test_violence_in_a_computer_game_is_no_alarm():
    # found on the dev half: the classifier gave it 0.80 from "killade ... han"
    assert not is_acute("lol igår killade jag han typ 30 gånger i fortnite o han ragequitta", 0.8)
