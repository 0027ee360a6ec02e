"""The trained NLU sends keyboard noise to the fallback, also when its classifier guessed a yes or a goodbye.

Loads the model `make train` made: marked slow, so `make test` runs it after `make train`.
"""

import asyncio

import pytest
from rasa.core.agent import Agent

from bot.config import load_settings
from bot.training.model import model_path

pytestmark = pytest.mark.slow


def test_noise_is_not_understood_and_words_of_the_data_are():
    current = model_path(load_settings())
    if not current.exists():
        pytest.fail(f"geen getraind model ({current.name}); draai eerst `make train`")
    agent = Agent.load(str(current))

    def intent(text: str) -> str:
        return asyncio.run(agent.parse_message(text))["intent"]["name"]

    for noise in ["pppp oooo", "poiuy", "kkkk", "ghgh", "zzkk vvbb"]:
        assert intent(noise) == "nlu_fallback", noise
    assert intent("thx") == "thank"
    assert intent("hallooo") == "greet"
