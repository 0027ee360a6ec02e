"""Rasa's logistic-regression intent classifier, with its feature matrix built in one step.

Rasa's own `_create_X` asks each message for its combined sparse and dense
features, which deep-copies every feature matrix (the token-level ones too),
and then stacks two scipy matrices per message: at the Rasa server a cost on
every user message, on the event loop that all conversations share
(docs/decisions.md). The matrix here has the same columns in the same order (each sentence
feature in the order the featurizers added it, sparse before dense), built from
the features as they are, so training and predictions do not change.
"""

from __future__ import annotations

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix


def _row(message: Message) -> tuple[np.ndarray, np.ndarray, int]:
    """Column indices, values and width of a message's sentence features, sparse ones first."""
    features = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
    columns, values, width = [], [], 0
    for feature in [f for f in features if f.is_sparse()] + [f for f in features if f.is_dense()]:
        if feature.is_sparse():
            block = feature.features.tocoo()
            columns.append(block.col + width)
            values.append(block.data)
        else:
            dense = np.asarray(feature.features).ravel()
            nonzero = np.flatnonzero(dense)
            columns.append(nonzero + width)
            values.append(dense[nonzero])
        width += feature.features.shape[-1]
    if not columns:
        return np.empty(0, dtype=np.int64), np.empty(0), 0
    return np.concatenate(columns), np.concatenate(values), width


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LogisticRegressionIntentClassifier(LogisticRegressionClassifier):
    """Rasa's LogisticRegressionClassifier; only the building of its input matrix differs."""

    def _create_X(self, messages: list[Message]) -> csr_matrix:
        if not messages:
            return csr_matrix((0, 0))
        rows = [_row(message) for message in messages]
        widths = {width for _, _, width in rows}
        if len(widths) > 1:
            # Rasa's vstack refuses rows of different widths too; keep its error.
            return super()._create_X(messages)
        pointers = np.cumsum([0] + [len(row_columns) for row_columns, _, _ in rows])
        columns = np.concatenate([row_columns for row_columns, _, _ in rows])
        values = np.concatenate([row_values for _, row_values, _ in rows])
        return csr_matrix((values, columns, pointers), shape=(len(rows), widths.pop()))
