"""Keyboard noise: what counts as noise, and the NLU component that sends it to the fallback."""

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.noise import looks_like_noise
from bot.rasa_plugins.noise_filter import NoiseFilter

CONTEXT = ExecutionContext(GraphSchema({}), node_name="noise_filter")


@pytest.mark.parametrize(
    "text",
    ["qwq qwq qwq", "zzkk vvbb", "pppp oooo", "lkjlkj lkj", "ertyu", "poiuy", "asdf jkl", "nnnnn", "ghgh", "?!"],
)
def test_noise(text):
    assert looks_like_noise(text)


@pytest.mark.parametrize(
    "text",
    # Stretched words, numbers in words, a vowel-less abbreviation beside a word, words without much vowel.
    ["hallooo", "neee", "kerstmenu ideeen", "5g", "wat is 5g", "ggz verwijzing", "hahaha", "ok", "lse", "jihad",
     "hoi", "ik wil hulp", "angst"],
)  # fmt: skip
def test_not_noise(text):
    assert not looks_like_noise(text)


def message(text: str, intent: str, confidence: float) -> Message:
    guess = {"name": intent, "confidence": confidence}
    return Message({TEXT: text, INTENT: guess, INTENT_RANKING_KEY: [guess]})


@pytest.fixture
def trained(tmp_path):
    storage, resource = LocalModelStorage(tmp_path), Resource("noise_filter")
    component = NoiseFilter.create({}, storage, resource, CONTEXT)
    component.train(TrainingData([Message({TEXT: text}) for text in ["thx voor je hulp", "ja graag", "hoi"]]))
    return storage, resource, component


def test_noise_loses_its_intent_confidence_and_keeps_the_ranking(trained):
    _, _, component = trained
    [noise] = component.process([message("pppp oooo", "affirm", 0.92)])
    assert noise.get(INTENT) == {"name": "affirm", "confidence": 0.0}
    assert noise.get(INTENT_RANKING_KEY) == [{"name": "affirm", "confidence": 0.92}]


def test_words_of_the_training_data_numbers_and_plain_words_keep_their_intent(trained):
    _, _, component = trained
    texts = ["thx", "112", "ja graag", "leerling deelt filmpjes"]
    for processed in component.process([message(text, "thank", 0.9) for text in texts]):
        assert processed.get(INTENT)["confidence"] == 0.9, processed.get(TEXT)


def test_the_vocabulary_is_stored_with_the_model(trained):
    storage, resource, _ = trained
    loaded = NoiseFilter.load({}, storage, resource, CONTEXT)
    [thanks, noise] = loaded.process([message("thx", "thank", 0.9), message("xxxx", "thank", 0.7)])
    assert thanks.get(INTENT)["confidence"] == 0.9
    assert noise.get(INTENT)["confidence"] == 0.0
