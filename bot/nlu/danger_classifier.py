"""Acute danger, learned: one probability per message that someone's life or health is at risk now.

Why a classifier of its own: the hand-written patterns in bot/safety.py were written from the
messages we had seen, and on messages written blind by three helpers who never saw them
(nlu_data/acute/) they found 15–19 % of the acute ones and fired on 7 % of the near misses
("hur förklarar man självmord för ett barn?", "jag är sjuksköterska på akuten och ser många
överdoser"). Danger described without the usual words ("har räknat tabletterna", "gav bort
katten idag") is a matter of many small cues, which a linear model over word and character
n-grams learns from examples. Trained on two authors and measured on the third it found
67–80 % of the acute messages, with 1–2 % of the near misses and 0.6–1.0 % of ordinary resident
messages flagged (docs/nlu.md, "Acute danger").

Positives: the blind acute messages and the NLU intent akut_fara. Negatives: the blind near misses,
the blind resident messages (nlu_data/residents/) and every other NLU intent example. The result
is `danger` in the parse (0..1); bot/safety.py decides with it (`is_acute`).
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline, make_union

from bot.nlu.sklearn_component import SklearnComponent
from bot.paths import ROOT
from insatskatalog.text import fold

logger = logging.getLogger(__name__)

DANGER = "danger"       # the key in the parse result
ACUTE_INTENT = "akut_fara"


def acute_examples(folder: Path) -> list[tuple[str, bool]]:
    """(text, acute?) from the blind-written acute messages and near misses in `folder` (*.jsonl)."""
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows.append((row["text"], bool(row["akut"])))
    return rows


def resident_texts(folder: Path) -> list[str]:
    return [json.loads(line)["text"] for path in sorted(folder.glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build_pipeline(config: Dict[str, Any]):
    """Word 1–2-grams and character 2–5-grams inside words, on folded text; a balanced logistic
    regression, because acute messages are a small share of everything people write."""
    words = TfidfVectorizer(preprocessor=fold, ngram_range=(1, 2), sublinear_tf=True)
    chars = TfidfVectorizer(preprocessor=fold, analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    classifier = LogisticRegression(C=config["C"], max_iter=3000, class_weight="balanced",
                                    random_state=config["random_state"])
    return make_pipeline(make_union(words, chars), classifier)


def training_set(training_data: TrainingData, config: Dict[str, Any]) -> tuple[list[str], list[int]]:
    texts, labels = [], []
    for example in training_data.intent_examples:
        if example.get(TEXT) and example.get(INTENT):
            texts.append(example.get(TEXT))
            labels.append(int(example.get(INTENT) == ACUTE_INTENT))
    if config.get("acute_messages"):
        for text, acute in acute_examples(ROOT / config["acute_messages"]):
            texts.append(text)
            labels.append(int(acute))
    if config.get("resident_messages"):
        for text in resident_texts(ROOT / config["resident_messages"]):
            texts.append(text)
            labels.append(0)
    return texts, labels


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class DangerClassifier(SklearnComponent):
    FILE = "danger_classifier.joblib"
    MISSING = "ingen tränad modell hittades; bara mönstren används"
    DEFAULTS = {"C": 10.0, "random_state": 2025, "acute_messages": None, "resident_messages": None}

    def train(self, training_data: TrainingData) -> Resource:
        texts, labels = training_set(training_data, self.config)
        if len(set(labels)) < 2:
            return self._resource
        return self.save(build_pipeline(self.config).fit(texts, labels))

    def process(self, messages: List[Message]) -> List[Message]:
        if self.pipeline is None:
            return messages
        texts = [m.get(TEXT) or "" for m in messages]
        for message, text, p in zip(messages, texts, self.pipeline.predict_proba(texts)[:, 1]):
            if text.strip():
                message.set(DANGER, round(float(p), 4), add_to_output=True)
        return messages
