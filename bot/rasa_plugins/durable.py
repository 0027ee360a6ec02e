"""A professional's message is stored before the assistant answers it, or it is not answered at all.

Rasa 3.6's `MessageProcessor.handle_message` stores a turn only at its end,
after the answers went out over the channel, and its `FailSafeTrackerStore`
keeps a write that failed in memory only: the professional got an answer to
a message no advisor would ever see. `install` changes two things, for
tracker stores that are a `DurableTrackerStore` (ours retries a locked
database itself and then raises `StoreUnavailable`):

- the agent uses such a store as it is, not wrapped in the fail-safe store;
- `handle_message` stores the message first; if that fails, the channel gets
  `utter_not_received` (send it again) and the turn ends there. If only the
  final write of the answers fails, the message itself is stored: logged.
- a message whose conversation stays locked (another replica is busy with it
  longer than the lock's lifetime, or Redis is away that long) is not stored
  either, and gets the same `utter_not_received` instead of silence.

Rasa has no hook for either, so both are replaced on the class (rasa is
pinned; tests/unit/test_durable.py fails when Rasa's versions change).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import LockError
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.data import TrainingType

from bot.store.retry import StoreUnavailable

NOT_RECEIVED = "utter_not_received"
# For a model trained before the response existed (a rollback): the professional must hear it all the same.
NOT_RECEIVED_TEXT = (
    "Sorry, je laatste bericht is niet aangekomen: ik kon het op dit moment niet bewaren, en daarom heb ik "
    "er ook niet op gereageerd. Wil je het over een paar seconden nog een keer sturen?"
)
log = logging.getLogger(__name__)


class DurableTrackerStore(TrackerStore):
    """A tracker store that raises `StoreUnavailable` rather than lose a write."""


def install() -> None:
    """From now on this process's Rasa stores each message before it answers it."""
    if getattr(MessageProcessor.handle_message, "durable", False):
        return
    rasas_wrapper = Agent._create_tracker_store

    def create_tracker_store(store: TrackerStore | None, domain: Any) -> TrackerStore:
        if isinstance(store, DurableTrackerStore):
            store.domain = domain
            return store
        return rasas_wrapper(store, domain)

    rasas_agent_handle = Agent.handle_message

    async def agent_handle_message(agent: Agent, message: UserMessage) -> list[dict[str, Any]] | None:
        try:
            return await rasas_agent_handle(agent, message)
        except LockError:
            log.error("gesprek %s bleef bezet; bericht niet opgeslagen en niet beantwoord", message.sender_id)
            await say_not_received(agent.processor, message)
            return _collected(message)

    handle_message.durable = True  # type: ignore[attr-defined]
    Agent._create_tracker_store = staticmethod(create_tracker_store)  # type: ignore[method-assign]
    Agent.handle_message = agent_handle_message  # type: ignore[method-assign]
    MessageProcessor.handle_message = handle_message  # type: ignore[method-assign]


async def handle_message(self: MessageProcessor, message: UserMessage) -> list[dict[str, Any]] | None:
    """Rasa's `handle_message`, with the message stored before the prediction loop sends any answer."""
    try:
        tracker = await self.log_message(message, should_save_tracker=True)
    except StoreUnavailable:
        log.error("bericht in gesprek %s niet opgeslagen en niet beantwoord; afzender ingelicht", message.sender_id)
        await say_not_received(self, message)
        return _collected(message)

    if self.model_metadata.training_type == TrainingType.NLU:
        return None  # no core model: nothing to answer

    tracker = await self.run_action_extract_slots(message.output_channel, tracker)
    await self._run_prediction_loop(message.output_channel, tracker)
    await self.run_anonymization_pipeline(tracker)
    try:
        await self.save_tracker(tracker)
    except StoreUnavailable:
        log.error("antwoorden in gesprek %s niet opgeslagen; het bericht zelf wel", message.sender_id)
    return _collected(message)


async def say_not_received(processor: MessageProcessor, message: UserMessage) -> None:
    blank = DialogueStateTracker(message.sender_id, processor.domain.slots)
    response = await processor.nlg.generate(NOT_RECEIVED, blank, message.output_channel.name())
    await message.output_channel.send_response(message.sender_id, response or {"text": NOT_RECEIVED_TEXT})


def _collected(message: UserMessage) -> list[dict[str, Any]] | None:
    if isinstance(message.output_channel, CollectingOutputChannel):
        return message.output_channel.messages
    return None
