"""The Rasa server stores a message before it answers it; a locked tracker store never blocks its event loop."""

from __future__ import annotations

import ast
import asyncio
import hashlib
import inspect
import sqlite3
import time
from types import SimpleNamespace

import pytest
import rasa.core.agent
import rasa.core.processor
import rasa.core.tracker_store
import sqlalchemy
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import LockError
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.data import TrainingType

from bot.config import ROOT
from bot.rasa_plugins import durable
from bot.rasa_plugins.tracker_store import UrlSQLTrackerStore, _without_loop
from bot.store.retry import RetryPolicy, StoreUnavailable

QUICK = RetryPolicy(attempts=4, first_pause=0.02, longest_pause=0.08)
# What durable.py and tracker_store.py were written against (rasa 3.6.21). A new Rasa
# version changes one of these: read the new code, adapt the plugin, update the hash.
RASAS_OWN = {
    (rasa.core.processor, "MessageProcessor", "handle_message"): "a96904e7796d7bf9",
    (rasa.core.agent, "Agent", "_create_tracker_store"): "44b81a5829031ff2",
    (rasa.core.agent, "Agent", "handle_message"): "05c7d977a721e664",
    (rasa.core.tracker_store, "SQLTrackerStore", "save"): "ded301e08f4c708e",
    (rasa.core.tracker_store, "SQLTrackerStore", "_retrieve"): "78c7e08ac30924b6",
    (rasa.core.tracker_store, "SQLTrackerStore", "keys"): "53702f25ba18165b",
    (rasa.core.tracker_store, "SQLTrackerStore", "_additional_events"): "5ad906f458419020",
}


def source_of(module, class_name: str, method: str) -> str:
    text = inspect.getsource(module)
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name == method:
                    return ast.get_source_segment(text, item)
    raise LookupError(f"{class_name}.{method}")


@pytest.mark.parametrize(("module", "class_name", "method"), list(RASAS_OWN))
def test_rasas_code_is_the_code_the_plugin_replaces_or_reuses(module, class_name, method):
    digest = hashlib.sha256(source_of(module, class_name, method).encode()).hexdigest()[:16]
    assert digest == RASAS_OWN[(module, class_name, method)], f"Rasa's {class_name}.{method} changed"


class Processor:
    """Stands in for MessageProcessor: records the steps of a turn; the store may be unavailable."""

    def __init__(self, store_down_at: str | None = None, responses: dict | None = None) -> None:
        self.steps: list[str] = []
        self.store_down_at = store_down_at
        self.domain = Domain.empty()
        self.nlg = TemplatedNaturalLanguageGenerator(responses or {})
        self.model_metadata = SimpleNamespace(training_type=TrainingType.BOTH)

    async def log_message(self, message: UserMessage, should_save_tracker: bool = True) -> DialogueStateTracker:
        self.steps.append(f"log_message(save={should_save_tracker})")
        if self.store_down_at == "first save":
            raise StoreUnavailable("database bleef bezet")
        return DialogueStateTracker.from_events(message.sender_id, [UserUttered(message.text)])

    async def run_action_extract_slots(self, output_channel, tracker):
        self.steps.append("extract slots")
        return tracker

    async def _run_prediction_loop(self, output_channel, tracker) -> None:
        self.steps.append("answer")
        await output_channel.send_text_message(tracker.sender_id, "een antwoord")

    async def run_anonymization_pipeline(self, tracker) -> None:
        self.steps.append("anonymize")

    async def save_tracker(self, tracker) -> None:
        self.steps.append("final save")
        if self.store_down_at == "final save":
            raise StoreUnavailable("database bleef bezet")


def handle(processor: Processor) -> list[dict]:
    return asyncio.run(durable.handle_message(processor, UserMessage("vraag", CollectingOutputChannel(), "gesprek")))


def test_the_message_is_stored_before_the_prediction_loop_answers():
    processor = Processor()
    assert [m["text"] for m in handle(processor)] == ["een antwoord"]
    assert processor.steps == ["log_message(save=True)", "extract slots", "answer", "anonymize", "final save"]


def test_a_message_that_could_not_be_stored_gets_not_received_and_no_answer():
    responses = {durable.NOT_RECEIVED: [{"text": "Niet ontvangen, stuur het nog eens."}]}
    processor = Processor(store_down_at="first save", responses=responses)
    assert [m["text"] for m in handle(processor)] == ["Niet ontvangen, stuur het nog eens."]
    assert processor.steps == ["log_message(save=True)"]


def test_a_model_without_the_response_still_says_not_received():
    assert [m["text"] for m in handle(Processor(store_down_at="first save"))] == [durable.NOT_RECEIVED_TEXT]


def test_when_only_the_final_save_fails_the_answer_stands_and_it_is_logged(caplog):
    assert [m["text"] for m in handle(Processor(store_down_at="final save"))] == ["een antwoord"]
    assert "antwoorden in gesprek gesprek niet opgeslagen" in caplog.text


def test_a_conversation_that_stays_locked_gets_not_received_instead_of_silence(caplog):
    class Locked:
        def lock(self, conversation_id):
            raise LockError(f"{conversation_id} bezet")

    durable.install()
    agent = Agent(lock_store=Locked())
    agent.processor = Processor()
    agent.is_ready = lambda: True
    output = CollectingOutputChannel()
    replies = asyncio.run(agent.handle_message(UserMessage("vraag", output, "gesprek")))
    assert [m["text"] for m in replies] == [durable.NOT_RECEIVED_TEXT]
    assert agent.processor.steps == []
    assert "gesprek gesprek bleef bezet" in caplog.text


def test_the_not_received_text_is_the_domain_response():
    domain = Domain.load(ROOT / "domain.yml")
    [response] = domain.responses[durable.NOT_RECEIVED]
    assert response["text"] == durable.NOT_RECEIVED_TEXT


def test_our_store_is_used_as_is_and_others_keep_rasas_fail_safe_wrapper(tmp_path):
    store = UrlSQLTrackerStore(url=f"sqlite:///{tmp_path / 'tracker.db'}")
    assert MessageProcessor.handle_message is durable.handle_message
    assert Agent(tracker_store=store).tracker_store is store
    assert isinstance(Agent(tracker_store=InMemoryTrackerStore(Domain.empty())).tracker_store, FailSafeTrackerStore)


def test_a_locked_tracker_store_raises_after_its_retries_and_the_loop_keeps_running(tmp_path):
    path = tmp_path / "tracker.db"
    store = UrlSQLTrackerStore(url=f"sqlite:///{path}")
    store.policy = QUICK
    first = DialogueStateTracker.from_events("gesprek", [ActionExecuted("action_listen"), UserUttered("eerste")])
    asyncio.run(store.save(first))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")

    async def during_the_lock() -> tuple[float, DialogueStateTracker | None]:
        longest_gap, ticking = 0.0, True

        async def tick() -> None:
            nonlocal longest_gap
            last = time.monotonic()
            while ticking:
                await asyncio.sleep(0.005)
                longest_gap, last = max(longest_gap, time.monotonic() - last), time.monotonic()

        ticker = asyncio.create_task(tick())
        again = await store.retrieve("gesprek")  # WAL: reading goes on
        again.update(UserUttered("tweede"))
        with pytest.raises(StoreUnavailable):
            await store.save(again)
        ticking = False
        await ticker
        return longest_gap, again

    try:
        longest_gap, again = asyncio.run(during_the_lock())
    finally:
        holder.rollback()
    assert longest_gap < 0.05  # each attempt waits up to 0.1 s for SQLite, in a worker thread
    assert [e.text for e in asyncio.run(store.retrieve("gesprek")).events if isinstance(e, UserUttered)] == ["eerste"]
    asyncio.run(store.save(again))
    assert [e.text for e in asyncio.run(store.retrieve("gesprek")).events if isinstance(e, UserUttered)] == [
        "eerste",
        "tweede",
    ]


def test_a_new_conversation_saved_twice_in_one_turn_stores_each_event_once(tmp_path):
    store = UrlSQLTrackerStore(url=f"sqlite:///{tmp_path / 'tracker.db'}")
    # As Rasa starts a session: action_session_start comes just before session_started.
    opening = [ActionExecuted("action_session_start", timestamp=1.0), SessionStarted(timestamp=1.1),
               ActionExecuted("action_listen", timestamp=1.2), UserUttered("hallo", timestamp=1.3)]  # fmt: skip
    tracker = DialogueStateTracker.from_events("nieuw", opening)
    asyncio.run(store.save(tracker))  # the message, before the answer
    tracker.update(BotUttered("Hallo, ik ben de assistent.", timestamp=1.4))
    asyncio.run(store.save(tracker))  # the answer
    again = asyncio.run(store.retrieve_full_tracker("nieuw"))
    assert [type(e).__name__ for e in again.events] == [type(e).__name__ for e in tracker.events]


def test_a_retrieved_conversation_saves_only_its_new_events_without_counting_them(tmp_path):
    store = UrlSQLTrackerStore(url=f"sqlite:///{tmp_path / 'tracker.db'}")
    opening = [ActionExecuted("action_session_start", timestamp=1.0), SessionStarted(timestamp=1.1),
               ActionExecuted("action_listen", timestamp=1.2), UserUttered("hallo", timestamp=1.3)]  # fmt: skip
    asyncio.run(store.save(DialogueStateTracker.from_events("terug", opening)))
    tracker = asyncio.run(store.retrieve("terug"))
    answer = BotUttered("Hallo, ik ben de assistent.", timestamp=1.4)
    tracker.update(answer)
    statements = []
    sqlalchemy.event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    asyncio.run(store.save(tracker))
    assert not [s for s in statements if "count(" in s.lower()]
    again = asyncio.run(store.retrieve_full_tracker("terug"))
    assert list(again.events) == [*opening, answer]


def test_a_method_that_awaits_real_io_cannot_be_run_in_a_thread_by_mistake():
    async def waits() -> None:
        await asyncio.sleep(0.01)

    with pytest.raises(RuntimeError, match="event loop"):
        _without_loop(waits())
