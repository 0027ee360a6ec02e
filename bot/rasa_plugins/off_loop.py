"""Understands user messages in worker threads instead of on Rasa's event loop.

Rasa 3.6 runs the NLU pipeline inside its one event loop: while a message is
embedded (about 25 ms on one core), every other conversation waits. Every
parse in the Rasa server goes through `MessageProcessor.parse_message`: the
channels' messages, /model/parse and /conversations/<id>/messages alike.
`parse_in_worker` makes that method hand the message to worker threads; the
embedding engine releases the GIL, so the loop serves other turns meanwhile.

Two stages. The sentence embedding, most of a parse, runs in two threads
side by side (one per core here); the rest of the pipeline then runs in one
thread, with the vectors handed to it: the CRF tagger is not safe to run
twice at once. Each stage takes the messages waiting for it together, up to
four: the embedding engine takes a batch of four in about three quarters of
the time per message, with the same vectors as one by one. The measurements
behind these choices are in docs/decisions.md.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import queue
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT

from bot.rasa_plugins.sentence_embeddings import SentenceEmbeddingFeaturizer, embed_questions, vectors_at_hand

BATCH = 4
EMBEDDERS = 2
SWITCH_INTERVAL = 0.0005  # seconds a thread may hold the GIL while another waits
log = logging.getLogger(__name__)
Vectors = dict[str, np.ndarray]
ParseBatch = Callable[[Any, Sequence[UserMessage], Vectors], list[dict[str, Any]]]
Embed = Callable[[Any, list[str]], Vectors]


def rasa_embed(processor: Any, texts: list[str]) -> Vectors:
    """The sentence vectors of these texts, by text, when the processor's model uses them."""
    nodes = processor.model_metadata.predict_schema.nodes.values()
    if not texts or not any(issubclass(node.uses, SentenceEmbeddingFeaturizer) for node in nodes):
        return {}
    return dict(zip(texts, embed_questions(texts), strict=True))


def rasa_parse_batch(processor: Any, messages: Sequence[UserMessage], vectors: Vectors) -> list[dict[str, Any]]:
    """What Rasa's MessageProcessor.parse_message returns for each message, in one run of the NLU graph."""
    target = processor.model_metadata.nlu_target
    tracker = DialogueStateTracker.from_events(messages[0].sender_id, [])  # the NLU graph does not read it
    with vectors_at_hand(vectors):
        parsed = processor.graph_runner.run(
            inputs={PLACEHOLDER_MESSAGE: list(messages), PLACEHOLDER_TRACKER: tracker}, targets=[target]
        )[target]
    results = []
    for message in parsed:
        parse_data = {TEXT: "", INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, ENTITIES: []}
        parse_data.update(message.as_dict(only_output_properties=True))
        # The rest of parse_message, Rasa's own steps (rasa is pinned: a rename fails every test loudly).
        processor._update_full_retrieval_intent(parse_data)
        processor._check_for_unseen_features(parse_data)
        results.append(parse_data)
    return results


@dataclass
class _Job:
    processor: Any
    message: UserMessage
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future
    vectors: Vectors = field(default_factory=dict)


class ParseWorker:
    """Parses queued messages, up to `batch` in one pass: embedded in `embedders` threads, then parsed in one.

    Without `embed` one thread does all: the pipeline computes its own vectors.
    """

    def __init__(
        self,
        parse_batch: ParseBatch = rasa_parse_batch,
        batch: int = BATCH,
        embed: Embed | None = None,
        embedders: int = EMBEDDERS,
    ) -> None:
        self._parse_batch = parse_batch
        self._batch = batch
        self._embedded: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._jobs = self._embedded
        if embed is not None:
            self._jobs = queue.SimpleQueue()
            for number in range(1, embedders + 1):
                name = f"nlu-embed-{number}"
                threading.Thread(target=self._embed_waiting, args=(embed,), name=name, daemon=True).start()
        threading.Thread(target=self._serve, name="nlu", daemon=True).start()

    async def parse(self, processor: Any, message: UserMessage) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        job = _Job(processor, message, loop, loop.create_future())
        self._jobs.put(job)
        return await job.future

    def _waiting(self, jobs: queue.SimpleQueue[_Job]) -> list[_Job]:
        """The next job, and those queued behind it, up to a batch."""
        taken = [jobs.get()]
        while len(taken) < self._batch and not jobs.empty():
            taken.append(jobs.get())
        return taken

    def _embed_waiting(self, embed: Embed) -> None:
        while True:
            jobs = self._waiting(self._jobs)
            for _, same_model in itertools.groupby(jobs, key=lambda job: id(job.processor)):
                group = list(same_model)
                try:
                    vectors = embed(group[0].processor, [job.message.text for job in group if job.message.text])
                except Exception:  # the pipeline then embeds the message itself, and fails it if it must
                    log.exception("zinsvectoren niet vooraf berekend")
                    vectors = {}
                for job in group:
                    job.vectors = vectors
                    self._embedded.put(job)

    def _serve(self) -> None:
        while True:
            jobs = self._waiting(self._embedded)
            # A model swap can leave messages for two models in the queue.
            for _, same_model in itertools.groupby(jobs, key=lambda job: id(job.processor)):
                self._run(list(same_model))

    def _run(self, jobs: list[_Job]) -> None:
        vectors = {text: vector for job in jobs for text, vector in job.vectors.items()}
        try:
            results = self._parse_batch(jobs[0].processor, [job.message for job in jobs], vectors)
            if len(results) != len(jobs):
                raise RuntimeError(f"{len(results)} resultaten voor {len(jobs)} berichten")
        except Exception as problem:  # the thread must outlive any message: every later one waits on it
            if len(jobs) > 1:  # one bad message must not fail the others
                for job in jobs:
                    self._run([job])
                return
            log.exception("bericht niet begrepen")
            _settle(jobs[0], error=problem)
            return
        for job, parse_data in zip(jobs, results, strict=True):
            _settle(job, result=parse_data)


def _settle(job: _Job, result: dict[str, Any] | None = None, error: Exception | None = None) -> None:
    def deliver() -> None:
        if job.future.done():  # the caller went away (a closed connection)
            return
        if error is not None:
            job.future.set_exception(error)
        else:
            job.future.set_result(result)

    try:
        job.loop.call_soon_threadsafe(deliver)
    except RuntimeError:  # the loop closed while the message was parsed: nobody waits for it
        pass


@lru_cache(maxsize=1)
def parse_worker() -> ParseWorker:
    return ParseWorker(embed=rasa_embed)


def parse_in_worker(worker: Callable[[], ParseWorker] = parse_worker) -> None:
    """From now on this process's Rasa parses every message in the worker thread.

    Rasa has no hook for this, so the method is replaced on the class: every
    processor, also the one a model swap (`python -m bot model`) brings, uses
    it. With an NLU server (`http_interpreter`) Rasa parses as it did.
    """
    if getattr(MessageProcessor.parse_message, "in_worker", False):
        return
    # The worker gives up the GIL in every C call (the embedding, the tokenizer's regex) and
    # then waits for the loop's thread to hand it back: by default up to 5 ms each time.
    # A shorter interval gives it back sooner (docs/decisions.md, the switch interval).
    sys.setswitchinterval(SWITCH_INTERVAL)
    rasas_own = MessageProcessor.parse_message

    async def parse_message(
        self: MessageProcessor,
        message: UserMessage,
        tracker: DialogueStateTracker | None = None,
        only_output_properties: bool = True,
    ) -> dict[str, Any]:
        if self.http_interpreter is not None or not only_output_properties:
            return await rasas_own(self, message, tracker, only_output_properties)
        return await worker().parse(self, message)

    parse_message.in_worker = True  # type: ignore[attr-defined]
    MessageProcessor.parse_message = parse_message  # type: ignore[method-assign]
