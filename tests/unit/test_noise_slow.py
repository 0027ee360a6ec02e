"""The trained NLU sends keyboard noise to the fallback, also when its classifier guessed a yes or a goodbye.

Loads the model `make train` made: marked slow, so `make test` runs it after `make train`.
"""

import asyncio

import pytest

from tests.trained_model import trained_agent

pytestmark = pytest.mark.slow


def test_noise_is_not_understood_and_words_of_the_data_are():
    agent = trained_agent()

    def intent(text: str) -> str:
        return asyncio.run(agent.parse_message(text))["intent"]["name"]

    for noise in ["pppp oooo", "poiuy", "kkkk", "ghgh", "zzkk vvbb"]:
        assert intent(noise) == "nlu_fallback", noise
    assert intent("thx") == "thank"
    assert intent("hallooo") == "greet"
