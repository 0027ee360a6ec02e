"""The intent classifier in config.yml gives what Rasa's LogisticRegressionClassifier gives, from the same features."""

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_plugins.intent_classifier import LogisticRegressionIntentClassifier

CONTEXT = ExecutionContext(GraphSchema({}), node_name="intent_classifier")
INTENTS = ["ask_knowledge", "ask_provider", "request_human"]
WIDTHS = {"words": 40, "letters": 120, "embedding": 16}


def featurised(seed: int, intent: str | None = None) -> Message:
    """A message with features as the pipeline adds them: sparse word and letter counts, then a dense vector,
    each for the tokens and the sentence; the sentence features carry a trace of the intent."""
    rng = np.random.default_rng(seed)
    message = Message({TEXT: f"vraag {seed}", **({INTENT: intent} if intent else {})})
    shift = INTENTS.index(intent) if intent else seed % len(INTENTS)
    for origin in ("words", "letters"):
        width = WIDTHS[origin]
        tokens = scipy.sparse.random(5, width, density=0.05, random_state=seed, format="coo")
        sentence = scipy.sparse.random(1, width, density=0.1, random_state=seed + 1, format="lil")
        sentence[0, shift] = 3.0
        for kind, matrix in ((FEATURE_TYPE_SEQUENCE, tokens), (FEATURE_TYPE_SENTENCE, sentence.tocoo())):
            message.add_features(Features(matrix, kind, TEXT, origin))
    vector = rng.normal(size=(1, WIDTHS["embedding"])).astype(np.float32)
    vector[0, shift] += 2
    vector[0, 3] = 0.0  # a zero in the dense part stays a zero
    message.add_features(Features(rng.normal(size=(5, WIDTHS["embedding"])), FEATURE_TYPE_SEQUENCE, TEXT, "e5"))
    message.add_features(Features(vector, FEATURE_TYPE_SENTENCE, TEXT, "e5"))
    # Features of another attribute are not the text's and stay out of the matrix.
    message.add_features(Features(np.ones((1, 3)), FEATURE_TYPE_SENTENCE, INTENT, "intent"))
    return message


def classifier(cls, tmp_path, name):
    config = {**cls.get_default_config(), "max_iter": 500}
    return cls.create(config, LocalModelStorage(tmp_path), Resource(name), CONTEXT)


@pytest.fixture
def training():
    return TrainingData([featurised(seed, INTENTS[seed % 3]) for seed in range(60)])


def test_the_feature_matrix_has_rasas_columns_and_values(tmp_path):
    messages = [featurised(seed) for seed in range(100, 108)]
    ours = classifier(LogisticRegressionIntentClassifier, tmp_path, "ours")._create_X(messages)
    rasa = classifier(LogisticRegressionClassifier, tmp_path, "rasa")._create_X(messages)
    assert ours.shape == rasa.shape == (8, sum(WIDTHS.values()))
    assert np.array_equal(ours.toarray(), rasa.toarray())


def test_training_and_predictions_match_rasas_classifier(tmp_path, training):
    ours = classifier(LogisticRegressionIntentClassifier, tmp_path, "ours")
    rasa = classifier(LogisticRegressionClassifier, tmp_path, "rasa")
    ours.train(training)
    rasa.train(training)
    assert np.allclose(ours.clf.coef_, rasa.clf.coef_)

    ours_out = ours.process([featurised(seed) for seed in range(200, 210)])
    rasa_out = rasa.process([featurised(seed) for seed in range(200, 210)])
    for mine, theirs in zip(ours_out, rasa_out, strict=True):
        assert mine.get(INTENT)["name"] == theirs.get(INTENT)["name"]
        assert mine.get(INTENT)["confidence"] == pytest.approx(theirs.get(INTENT)["confidence"])
    # The features carry the intent, so the classifier learned something to compare.
    assert sum(m.get(INTENT)["name"] == INTENTS[s % 3] for s, m in zip(range(200, 210), ours_out, strict=True)) >= 8


def test_a_trained_classifier_loads_from_the_model(tmp_path, training):
    storage, resource = LocalModelStorage(tmp_path), Resource("intent_classifier")
    config = {**LogisticRegressionIntentClassifier.get_default_config(), "max_iter": 500}
    trained = LogisticRegressionIntentClassifier.create(config, storage, resource, CONTEXT)
    trained.train(training)
    loaded = LogisticRegressionIntentClassifier.load(config, storage, resource, CONTEXT)
    assert isinstance(loaded, LogisticRegressionIntentClassifier)
    message = loaded.process([featurised(300)])[0]
    assert message.get(INTENT) == trained.process([featurised(300)])[0].get(INTENT)


def test_no_messages_make_an_empty_matrix(tmp_path):
    assert classifier(LogisticRegressionIntentClassifier, tmp_path, "ours")._create_X([]).shape[0] == 0
