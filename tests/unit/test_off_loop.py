"""Channels hand Rasa a message parsed in one worker thread, off the event loop, in arrival order."""

from __future__ import annotations

import asyncio
import threading
import time

from rasa.core.channels.channel import UserMessage

from bot.config import load_settings
from bot.rasa_plugins.off_loop import parse_off_loop
from bot.runner import child_environment


class RecordingProcessor:
    """Rasa's MessageProcessor as far as the worker uses it: an async parse_message."""

    http_interpreter = None

    def __init__(self) -> None:
        self.parsed: list[tuple[str, str]] = []

    async def parse_message(self, message: UserMessage) -> dict:
        if message.text == "traag":
            time.sleep(0.2)  # a slow parse must not let a later message overtake it
        self.parsed.append((message.text, threading.current_thread().name))
        return {"text": message.text, "intent": {"name": "vraag", "confidence": 0.9}, "entities": []}


def test_the_parse_runs_in_the_worker_thread_and_is_handed_to_rasa():
    processor = RecordingProcessor()

    async def handle() -> tuple[UserMessage, str]:
        message = await parse_off_loop(processor, UserMessage("hallo", sender_id="a"))
        return message, threading.current_thread().name

    message, loop_thread = asyncio.run(handle())
    assert message.parse_data == {"text": "hallo", "intent": {"name": "vraag", "confidence": 0.9}, "entities": []}
    [(_, parse_thread)] = processor.parsed
    assert parse_thread.startswith("nlu") and parse_thread != loop_thread


def test_the_loop_serves_others_while_a_message_is_parsed():
    processor = RecordingProcessor()
    ticks: list[float] = []

    async def ticker() -> None:
        for _ in range(5):
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.01)

    async def both() -> None:
        await asyncio.gather(parse_off_loop(processor, UserMessage("traag", sender_id="a")), ticker())

    started = time.perf_counter()
    asyncio.run(both())
    assert len(ticks) == 5 and ticks[-1] - started < 0.15  # not held up by the 0.2 s parse


def test_messages_are_parsed_in_the_order_they_came():
    processor = RecordingProcessor()

    async def many() -> list[UserMessage]:
        texts = ["traag", "twee", "drie", "vier"]
        return await asyncio.gather(*(parse_off_loop(processor, UserMessage(t, sender_id="a")) for t in texts))

    messages = asyncio.run(many())
    assert [text for text, _ in processor.parsed] == ["traag", "twee", "drie", "vier"]
    assert [m.parse_data["text"] for m in messages] == ["traag", "twee", "drie", "vier"]


def test_without_a_model_or_with_an_nlu_server_rasa_parses_itself():
    class OverHttp(RecordingProcessor):
        http_interpreter = object()

    for processor in (None, OverHttp()):
        message = asyncio.run(parse_off_loop(processor, UserMessage("hallo", sender_id="a")))
        assert message.parse_data is None


def test_the_servers_embed_on_one_openmp_thread_unless_the_operator_says_otherwise(monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert child_environment(load_settings())["OMP_NUM_THREADS"] == "1"
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    assert child_environment(load_settings())["OMP_NUM_THREADS"] == "4"
