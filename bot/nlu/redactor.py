"""First step of the NLU pipeline: personal data is removed before tokenization.

Messages from the web widget are already redacted by the Flask proxy and the input channel;
this component covers every other way into Rasa (rasa shell, rasa test, a direct REST call).
"""
from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.redaction import redact


# Registered as a "tokenizer" type only so that the default recipe runs it, in pipeline order,
# before the real tokenizer, both at training and at prediction time. It is not a Tokenizer.
@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class PersonalDataRedactor(GraphComponent):
    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "PersonalDataRedactor":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and text:
                message.set(TEXT, redact(text).text)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
