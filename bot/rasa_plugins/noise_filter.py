"""Keyboard noise is not understood, whichever intent the classifier guessed.

A classifier gives every message an intent, and keyboard noise often gets one
of the conversation: "pppp oooo" a yes, "poiuy" a goodbye. The rules then
answer those directly, and the two-stage fallback (rephrase, then the advisor)
never sees the miss. This component, between the classifier and the
FallbackClassifier, sets the confidence of a message that looks like noise
(bot/noise.py) to zero, so the FallbackClassifier hands it to the fallback
action. The ranking stays as the classifier made it. A message with a word of
the training data is left alone: "thx" is noise to the letters, a thank-you
to the data.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.knowledge.text import words
from bot.noise import looks_like_noise

VOCABULARY_FILE = "vocabulary.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class NoiseFilter(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NoiseFilter:
        return cls(model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> NoiseFilter:
        component = cls.create(config, model_storage, resource, execution_context)
        with model_storage.read_from(resource) as folder:
            component.vocabulary = frozenset(json.loads((folder / VOCABULARY_FILE).read_text(encoding="utf-8")))
        return component

    def __init__(self, model_storage: ModelStorage, resource: Resource, vocabulary: frozenset[str] = frozenset()):
        self._model_storage = model_storage
        self._resource = resource
        self.vocabulary = vocabulary

    def train(self, training_data: TrainingData) -> Resource:
        self.vocabulary = frozenset(
            word for message in training_data.training_examples for word in words(message.get(TEXT) or "")
        )
        with self._model_storage.write_to(self._resource) as folder:
            (folder / VOCABULARY_FILE).write_text(json.dumps(sorted(self.vocabulary)), encoding="utf-8")
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if self.is_noise(message.get(TEXT) or "") and message.get(INTENT):
                message.set(INTENT, {**message.get(INTENT), PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
        return messages

    def is_noise(self, text: str) -> bool:
        """Noise (bot/noise.py) with letters in it and without a word the NLU was trained on."""
        tokens = words(text)
        has_letters = any(not token.isdigit() for token in tokens)
        return has_letters and looks_like_noise(text) and not any(token in self.vocabulary for token in tokens)
