"""Last NLU step before the fallback classifier: safety and privacy signals on the whole message.

- Acute danger (bot/safety.is_acute: the danger classifier's probability, with the patterns)
  → intent akut_fara, whatever the topic classifier said; a harmless idiom ("kan ni slå gräset")
  or a message the danger classifier finds harmless never stays akut_fara.
- A redaction placeholder in the text → an entity `personuppgift` (so the bot can say that it
  does not need such data), and intent `personuppgift` when nothing else was written.
- A message in another script or plainly in English → intent annat_sprak.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.redaction import PLATSHALLARE, har_platshallare
from bot.nlu.danger_classifier import DANGER
from bot.safety import DANGER_WITH_PATTERN, is_acute, is_harmless_idiom

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_LATIN = re.compile(r"[a-zA-ZåäöÅÄÖéüÉÜ]")
_ENGLISH = {"the", "is", "my", "i", "you", "help", "need", "what", "how", "can", "please", "with", "and", "am", "are", "hello", "where"}
_SWEDISH = {"jag", "och", "är", "min", "mitt", "det", "att", "inte", "hur", "vad", "kan", "hej", "har", "med", "för", "en", "på", "son", "barn"}


def _set_intent(message: Message, name: str) -> None:
    message.set(INTENT, {"name": name, "confidence": 1.0}, add_to_output=True)
    ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != name]
    message.set(INTENT_RANKING_KEY, [{"name": name, "confidence": 1.0}] + ranking, add_to_output=True)


def other_language(text: str) -> bool:
    letters = _LETTER.findall(text)
    if len(letters) >= 3 and len(_LATIN.findall(text)) / len(letters) < 0.5:
        return True  # Arabic, Cyrillic, Ethiopic, ... script
    tokens = re.findall(r"[a-zåäö]+", text.lower())
    english = sum(t in _ENGLISH for t in tokens)
    swedish = sum(t in _SWEDISH for t in tokens)
    return english >= 2 and swedish == 0


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetySignals(GraphComponent):
    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SafetySignals":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = (message.get(INTENT) or {}).get("name")
            kinds = har_platshallare(text)
            if kinds:
                entities = list(message.get(ENTITIES) or [])
                for kind in kinds:
                    start = text.find(PLATSHALLARE[kind])
                    entities.append({"entity": "personuppgift", "value": kind, "start": start,
                                     "end": start + len(PLATSHALLARE[kind]), "extractor": "SafetySignals"})
                message.set(ENTITIES, entities, add_to_output=True)
                rest = text
                for marker in PLATSHALLARE.values():
                    rest = rest.replace(marker, " ")
                if len(re.findall(r"\w+", rest)) <= 4:
                    _set_intent(message, "personuppgift")
                    continue
                if intent == "personuppgift":
                    # "min son röker på, mitt personnummer är …": the placeholder must not hide the
                    # need. The next intent in the ranking is what the rest of the message says.
                    others = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != "personuppgift"]
                    if others:
                        message.set(INTENT, others[0], add_to_output=True)
                        message.set(INTENT_RANKING_KEY, others, add_to_output=True)
                        intent = others[0].get("name")
            danger = message.get(DANGER)
            if is_acute(text, danger):
                _set_intent(message, "akut_fara")
            elif intent == "akut_fara" and (is_harmless_idiom(text) or
                                            (danger is not None and danger < DANGER_WITH_PATTERN)):
                # the topic classifier's akut_fara alone, against the danger classifier: no alarm
                _set_intent(message, "out_of_scope")
            elif other_language(text):
                _set_intent(message, "annat_sprak")
        return messages
