"""On the running stack, channel messages and /model/parse calls sent together get the same parse.

Both go through the worker thread; that its batch parse equals Rasa's own is
tests/unit/test_parse_batch_slow.py.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.browser.conftest import RASA_TOKEN, events, say
from tests.parse_samples import TEXTS, entities


def stored_parse(stack, sender: str) -> dict:
    [user] = [event for event in events(stack, sender) if event["event"] == "user"]
    return user["parse_data"]


def rasa_parse(stack, text: str) -> dict:
    url = f"{stack.rasa_url}/model/parse"
    reply = requests.post(url, params={"token": RASA_TOKEN}, json={"text": text}, timeout=30)
    reply.raise_for_status()
    return reply.json()


def new_conversation(stack, text: str) -> str:
    """Sends the text as the first message of a new conversation; its sender id."""
    sender = f"parse-{uuid.uuid4().hex[:8]}"
    say(stack, sender, text)
    return sender


def test_concurrent_messages_are_stored_with_rasas_own_parse(stack):
    """Channel messages and /model/parse calls at the same time, all through the one worker."""
    with ThreadPoolExecutor(2 * len(TEXTS)) as pool:
        sent = [pool.submit(new_conversation, stack, text) for text in TEXTS]
        parsed = [pool.submit(rasa_parse, stack, text) for text in TEXTS]
        senders, alone = [f.result() for f in sent], [f.result() for f in parsed]
    for text, sender, own in zip(TEXTS, senders, alone, strict=True):
        stored = stored_parse(stack, sender)
        assert stored["text"] == own["text"] == text
        assert stored["intent"]["name"] == own["intent"]["name"], text
        assert stored["intent"]["confidence"] == pytest.approx(own["intent"]["confidence"], abs=1e-6), text
        assert entities(stored) == entities(own), text
