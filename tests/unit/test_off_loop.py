"""Rasa parses every message in worker threads, off the event loop: embedded side by side, then parsed in one."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from types import SimpleNamespace

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer

from bot.config import load_settings
from bot.rasa_plugins.off_loop import SWITCH_INTERVAL, ParseWorker, parse_in_worker, rasa_embed
from bot.rasa_plugins.sentence_embeddings import SentenceEmbeddingFeaturizer, embedder
from bot.runner import child_environment


class RecordingParser:
    """Stands in for one run of Rasa's NLU graph: records each batch and the thread it ran on."""

    def __init__(self) -> None:
        self.batches: list[tuple[object, list[str], str]] = []
        self.vectors: list[dict] = []

    def __call__(self, processor: object, messages: list[UserMessage], vectors: dict) -> list[dict]:
        texts = [message.text for message in messages]
        self.batches.append((processor, texts, threading.current_thread().name))
        self.vectors.append(vectors)
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
    worker = ParseWorker(lambda _processor, _messages, _vectors: next(answers))

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


class SlowEmbedder:
    """Stands in for the sentence embedding: a vector per text, 0.1 s a batch; records the threads and batches."""

    def __init__(self, fails: bool = False) -> None:
        self.fails = fails
        self.batches: list[tuple[list[str], str, float, float]] = []

    def __call__(self, processor: object, texts: list[str]) -> dict:
        started = time.perf_counter()
        time.sleep(0.1)
        self.batches.append((texts, threading.current_thread().name, started, time.perf_counter()))
        if self.fails:
            raise RuntimeError("embedding stuk")
        return {text: f"vector-{text}" for text in texts}


def test_messages_are_embedded_beside_each_other_then_parsed_with_their_vectors():
    parser, embedder = RecordingParser(), SlowEmbedder()
    worker = ParseWorker(parser, batch=1, embed=embedder, embedders=2)

    async def two() -> list[dict]:
        return await asyncio.gather(*(worker.parse("model", UserMessage(text, sender_id=text)) for text in ("a", "b")))

    assert [result["text"] for result in asyncio.run(two())] == ["a", "b"]
    (_, first, start_a, end_a), (_, second, start_b, end_b) = embedder.batches
    assert {first, second} == {"nlu-embed-1", "nlu-embed-2"}
    assert start_b < end_a and start_a < end_b  # side by side, not one after the other
    assert {thread for _, _, thread in parser.batches} == {"nlu"}  # the rest of the pipeline: one thread
    handed = {text: vector for vectors in parser.vectors for text, vector in vectors.items()}
    assert handed == {"a": "vector-a", "b": "vector-b"}


def test_waiting_messages_are_embedded_together():
    parser, embedder = RecordingParser(), SlowEmbedder()
    worker = ParseWorker(parser, batch=4, embed=embedder, embedders=1)

    async def five() -> None:
        first = asyncio.ensure_future(worker.parse("model", UserMessage("een", sender_id="a")))
        while not embedder.batches and not parser.batches:
            await asyncio.sleep(0.001)  # the first one is being embedded
        texts = ["twee", "drie", "vier", "vijf"]
        await asyncio.gather(first, *(worker.parse("model", UserMessage(text, sender_id="a")) for text in texts))

    asyncio.run(five())
    assert [texts for texts, *_ in embedder.batches] == [["een"], ["twee", "drie", "vier", "vijf"]]


def test_without_vectors_the_pipeline_still_parses_the_message():
    parser = RecordingParser()
    worker = ParseWorker(parser, embed=SlowEmbedder(fails=True))

    async def one() -> dict:
        return await worker.parse("model", UserMessage("hallo", sender_id="a"))

    assert asyncio.run(one())["text"] == "hallo"
    assert parser.vectors == [{}]  # the pipeline embeds it itself


def schema_using(*components: type) -> SimpleNamespace:
    nodes = {f"node{k}": SimpleNamespace(uses=component) for k, component in enumerate(components)}
    return SimpleNamespace(model_metadata=SimpleNamespace(predict_schema=SimpleNamespace(nodes=nodes)))


def test_only_a_model_with_the_sentence_embeddings_gets_vectors_in_advance():
    assert rasa_embed(schema_using(CountVectorsFeaturizer), ["hallo"]) == {}
    [(text, vector)] = rasa_embed(schema_using(CountVectorsFeaturizer, SentenceEmbeddingFeaturizer), ["Hallo"]).items()
    assert text == "Hallo" and vector.shape == (embedder().dim,)


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
