"""The worker's batched parse, with vectors embedded beforehand, gives what Rasa's own parse_message gives.

Loads the model `make train` made: marked slow, so `make test` runs it after `make train`.
"""

import asyncio

import pytest
from rasa.core.channels.channel import UserMessage

from bot.rasa_plugins.off_loop import rasa_embed, rasa_parse_batch
from tests.parse_samples import TEXTS, entities
from tests.trained_model import trained_agent

pytestmark = pytest.mark.slow


def test_a_batch_is_parsed_as_rasa_parses_each_message():
    processor = trained_agent().processor

    async def own() -> list[dict]:
        return [await processor.parse_message(UserMessage(text, sender_id="a")) for text in TEXTS]

    rasas = asyncio.run(own())
    # With the vectors embedded beforehand, as the Rasa server hands them to the pipeline.
    messages = [UserMessage(text, sender_id="a") for text in TEXTS]
    batch = rasa_parse_batch(processor, messages, rasa_embed(processor, TEXTS))
    for text, mine, theirs in zip(TEXTS, batch, rasas, strict=True):
        assert mine["text"] == theirs["text"] == text
        assert mine["intent"]["name"] == theirs["intent"]["name"], text
        assert mine["intent"]["confidence"] == pytest.approx(theirs["intent"]["confidence"], abs=1e-6), text
        assert entities(mine) == entities(theirs), text
        assert [i["name"] for i in mine["intent_ranking"]] == [i["name"] for i in theirs["intent_ranking"]], text
