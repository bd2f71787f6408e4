"""What our two learned NLU components share: an sklearn pipeline kept in Rasa's model storage.

`TfidfIntentClassifier` (topics and other intents) and `DangerClassifier` (acute danger) differ in
what they learn from and what they write into the parse; creating, saving and loading the
pipeline is the same, so it lives here once.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, Optional

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

logger = logging.getLogger(__name__)


class SklearnComponent(GraphComponent):
    FILE = "pipeline.joblib"       # each subclass names its own file
    MISSING = "ingen tränad modell hittades"
    DEFAULTS: Dict[str, Any] = {}   # each subclass's options and their defaults

    @classmethod
    def get_default_config(cls) -> Dict[str, Any]:
        return dict(cls.DEFAULTS)

    def __init__(self, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 pipeline: Optional[Any] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.pipeline = pipeline

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext):
        return cls(config, model_storage, resource)

    def save(self, pipeline: Any) -> Resource:
        self.pipeline = pipeline
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(pipeline, Path(directory) / self.FILE)
        return self._resource

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any):
        pipeline = None
        try:
            with model_storage.read_from(resource) as directory:
                pipeline = joblib.load(Path(directory) / cls.FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("%s: %s.", cls.__name__, cls.MISSING)
        return cls(config, model_storage, resource, pipeline)
