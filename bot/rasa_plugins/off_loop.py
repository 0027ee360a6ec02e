"""Understands user messages in a worker thread instead of on Rasa's event loop.

Rasa 3.6 runs the NLU pipeline inside its one event loop: while a message is
embedded (about 25 ms on one core), every other conversation waits. Every
parse in the Rasa server goes through `MessageProcessor.parse_message`: the
channels' messages, /model/parse and /conversations/<id>/messages alike.
`parse_in_worker` makes that method hand the message to one worker thread;
the embedding engine releases the GIL, so the loop serves other turns
meanwhile. Messages that arrive while the worker is busy go through the
pipeline together next: the embedding engine takes a batch of four in about
three quarters of the time per message, with the same vectors as one by one.
The measurements behind both choices are in docs/decisions.md.

One thread for every path: the pipeline's CRF tagger is not safe to run
twice at once.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import queue
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT

BATCH = 4
SWITCH_INTERVAL = 0.0005  # seconds a thread may hold the GIL while another waits
log = logging.getLogger(__name__)
ParseBatch = Callable[[Any, Sequence[UserMessage]], list[dict[str, Any]]]


def rasa_parse_batch(processor: Any, messages: Sequence[UserMessage]) -> list[dict[str, Any]]:
    """What Rasa's MessageProcessor.parse_message returns for each message, in one run of the NLU graph."""
    target = processor.model_metadata.nlu_target
    tracker = DialogueStateTracker.from_events(messages[0].sender_id, [])  # the NLU graph does not read it
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


class ParseWorker:
    """One thread that parses queued messages in arrival order, up to `batch` in one pass."""

    def __init__(self, parse_batch: ParseBatch = rasa_parse_batch, batch: int = BATCH) -> None:
        self._parse_batch = parse_batch
        self._batch = batch
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        threading.Thread(target=self._serve, name="nlu", daemon=True).start()

    async def parse(self, processor: Any, message: UserMessage) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        job = _Job(processor, message, loop, loop.create_future())
        self._jobs.put(job)
        return await job.future

    def _serve(self) -> None:
        while True:
            jobs = [self._jobs.get()]
            while len(jobs) < self._batch and not self._jobs.empty():
                jobs.append(self._jobs.get())
            # A model swap can leave messages for two models in the queue.
            for _, same_model in itertools.groupby(jobs, key=lambda job: id(job.processor)):
                self._run(list(same_model))

    def _run(self, jobs: list[_Job]) -> None:
        try:
            results = self._parse_batch(jobs[0].processor, [job.message for job in jobs])
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
    return ParseWorker()


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
