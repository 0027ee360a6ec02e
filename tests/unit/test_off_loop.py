"""Rasa parses every message in one worker thread, off the event loop, in arrival order."""

from __future__ import annotations

import asyncio
import sys
import threading
import time

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor

from bot.config import load_settings
from bot.rasa_plugins.off_loop import SWITCH_INTERVAL, ParseWorker, parse_in_worker
from bot.runner import child_environment


class RecordingParser:
    """Stands in for one run of Rasa's NLU graph: records each batch and the thread it ran on."""

    def __init__(self) -> None:
        self.batches: list[tuple[object, list[str], str]] = []

    def __call__(self, processor: object, messages: list[UserMessage]) -> list[dict]:
        texts = [message.text for message in messages]
        self.batches.append((processor, texts, threading.current_thread().name))
        if "traag" in texts:
            time.sleep(0.2)  # the others queue up meanwhile
        if "kapot" in texts:
            raise ValueError("kapot bericht")
        return [{"text": text, "intent": {"name": f"over-{text}", "confidence": 0.9}} for text in texts]


def parse_all(worker: ParseWorker, parser: RecordingParser, jobs: list[tuple[object, str]]) -> list:
    """Parses the first job, and queues the others once the worker is busy with it."""

    async def run() -> list:
        (first_model, first), *rest = jobs
        tasks = [asyncio.ensure_future(worker.parse(first_model, UserMessage(first, sender_id="a")))]
        while not parser.batches:
            await asyncio.sleep(0.001)
        tasks += [asyncio.ensure_future(worker.parse(model, UserMessage(text, sender_id="a"))) for model, text in rest]
        return await asyncio.gather(*tasks, return_exceptions=True)

    return asyncio.run(run())


def test_the_parse_runs_in_the_worker_thread():
    parser = RecordingParser()
    worker = ParseWorker(parser)

    async def one() -> tuple[dict, str]:
        return await worker.parse("model", UserMessage("hallo", sender_id="a")), threading.current_thread().name

    parse_data, loop_thread = asyncio.run(one())
    assert parse_data == {"text": "hallo", "intent": {"name": "over-hallo", "confidence": 0.9}}
    [(_, _, parse_thread)] = parser.batches
    assert parse_thread == "nlu" != loop_thread


def test_the_loop_serves_others_while_a_message_is_parsed():
    worker = ParseWorker(RecordingParser())
    ticks: list[float] = []

    async def ticker() -> None:
        for _ in range(5):
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.01)

    async def both() -> None:
        await asyncio.gather(worker.parse("model", UserMessage("traag", sender_id="a")), ticker())

    started = time.perf_counter()
    asyncio.run(both())
    assert len(ticks) == 5 and ticks[-1] - started < 0.15  # not held up by the 0.2 s parse


def test_waiting_messages_are_parsed_together_in_the_order_they_came():
    parser = RecordingParser()
    texts = ["traag", "twee", "drie", "vier", "vijf", "zes", "zeven"]
    results = parse_all(ParseWorker(parser, batch=4), parser, [("model", text) for text in texts])
    assert [result["text"] for result in results] == texts
    assert [result["intent"]["name"] for result in results] == [f"over-{text}" for text in texts]
    batches = [batch for _, batch, _ in parser.batches]
    assert batches == [["traag"], ["twee", "drie", "vier", "vijf"], ["zes", "zeven"]]


def test_a_message_that_breaks_the_pipeline_fails_alone():
    parser = RecordingParser()
    results = parse_all(ParseWorker(parser), parser, [("model", text) for text in ["traag", "een", "kapot", "twee"]])
    assert isinstance(results[2], ValueError)
    assert [results[i]["text"] for i in (0, 1, 3)] == ["traag", "een", "twee"]


def test_the_worker_goes_on_after_a_pipeline_that_answers_wrongly():
    answers = iter([[], [{"text": "daarna"}]])  # first no result at all, then a good one
    worker = ParseWorker(lambda _processor, _messages: next(answers))

    async def one(text: str):
        [result] = await asyncio.gather(worker.parse("model", UserMessage(text, sender_id="a")), return_exceptions=True)
        return result

    assert isinstance(asyncio.run(one("eerst")), RuntimeError)
    assert asyncio.run(one("daarna")) == {"text": "daarna"}


def test_messages_for_two_models_are_not_parsed_together():
    parser = RecordingParser()
    jobs = [("oud", "traag"), ("oud", "een"), ("nieuw", "twee"), ("nieuw", "drie")]
    parse_all(ParseWorker(parser), parser, jobs)
    assert [(model, batch) for model, batch, _ in parser.batches] == [
        ("oud", ["traag"]), ("oud", ["een"]), ("nieuw", ["twee", "drie"])]  # fmt: skip


class Processor:
    """What Rasa's parse_message reads of its processor, for an NLU server or none."""

    def __init__(self, http_interpreter=None) -> None:
        self.http_interpreter = http_interpreter

    def _update_full_retrieval_intent(self, parse_data: dict) -> None:
        pass

    def _check_for_unseen_features(self, parse_data: dict) -> None:
        pass


class NluServer:
    async def parse(self, message: UserMessage) -> dict:
        return {"text": message.text, "intent": {"name": "van-de-nlu-server"}, "entities": []}


@pytest.fixture
def rasa_in_worker(monkeypatch):
    """Rasa's parse_message routed to a recording worker; the test's end puts Rasa's own back."""
    monkeypatch.setattr(MessageProcessor, "parse_message", MessageProcessor.parse_message)
    interval = sys.getswitchinterval()
    parser = RecordingParser()
    worker = ParseWorker(parser)
    parse_in_worker(lambda: worker)
    yield parser
    sys.setswitchinterval(interval)


def test_every_parse_of_rasa_goes_to_the_worker(rasa_in_worker):
    processor = Processor()
    parse_data = asyncio.run(MessageProcessor.parse_message(processor, UserMessage("hallo", sender_id="a")))
    assert parse_data["intent"]["name"] == "over-hallo"
    assert rasa_in_worker.batches == [(processor, ["hallo"], "nlu")]


def test_the_loop_hands_the_gil_back_to_the_worker_soon(rasa_in_worker):
    assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL)
    assert SWITCH_INTERVAL < 0.005  # Python's default


def test_routing_twice_still_parses_once(rasa_in_worker):
    parse_in_worker(lambda: pytest.fail("a second worker"))
    asyncio.run(MessageProcessor.parse_message(Processor(), UserMessage("hallo", sender_id="a")))
    assert len(rasa_in_worker.batches) == 1


def test_with_an_nlu_server_rasa_parses_as_it_did(rasa_in_worker):
    processor = Processor(http_interpreter=NluServer())
    parse_data = asyncio.run(MessageProcessor.parse_message(processor, UserMessage("hallo", sender_id="a")))
    assert parse_data["intent"]["name"] == "van-de-nlu-server"
    assert rasa_in_worker.batches == []


def test_the_servers_embed_on_one_openmp_thread_unless_the_operator_says_otherwise(monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert child_environment(load_settings())["OMP_NUM_THREADS"] == "1"
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    assert child_environment(load_settings())["OMP_NUM_THREADS"] == "4"
