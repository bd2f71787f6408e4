"""After the fallback classifier: a long, worried message should not end in "Jag förstod inte".

A resident who writes five lines about their situation gives the intent classifier many
features, and its probability spreads over several topics: the best one may stay under the
fallback threshold although it is right. When that happens we look for agreement between two
independent signals: the classifier's ranking and the topic vocabulary (the everyday words of
catalogue/data/_amnen.yml, matched as the catalogue search does). The first topic intent among
the classifier's top three whose topic the vocabulary also finds in the message is taken.
Without agreement the message stays nlu_fallback and the bot asks the resident to rephrase.
"""
from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from insatskatalog.store import topics_in

FALLBACK = "nlu_fallback"


def agreed_topic_intent(text: str, ranking: List[dict], top: int = 3, min_confidence: float = 0.06) -> dict | None:
    """The first topic intent in the classifier's top `top` that the topic vocabulary confirms."""
    topics = {amne.replace("-", "_") for amne in topics_in(text)}
    if not topics:
        return None
    candidates = [r for r in ranking if r.get("name") != FALLBACK][:top]
    for candidate in candidates:
        name = candidate.get("name") or ""
        if name.startswith("behov_") and name[len("behov_"):] in topics and candidate["confidence"] >= min_confidence:
            return candidate
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class TopicAgreement(GraphComponent):
    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "TopicAgreement":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if (message.get(INTENT) or {}).get("name") != FALLBACK:
                continue
            agreed = agreed_topic_intent(message.get(TEXT) or "", message.get(INTENT_RANKING_KEY) or [])
            if agreed:
                message.set(INTENT, dict(agreed), add_to_output=True)
        return messages
