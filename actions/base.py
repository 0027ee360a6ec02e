"""What every action shares: access to the services, and work off the event loop."""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from typing import Any

import numpy as np
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.contract import escalation_payload
from bot.knowledge.context import Context, Question
from bot.knowledge.service import KnowledgeService
from bot.knowledge.vectors import VECTOR_KEY, decode_query_vector
from bot.noise import looks_like_noise
from bot.safety import assess
from bot.services import Services, default_services
from bot.store.retry import StoreUnavailable

CLARIFYING_QUESTION = "utter_ask_concern_details"
NOT_REGISTERED = "utter_not_registered"
log = logging.getLogger(__name__)


class UsesServices:
    """The services of the composition root (bot/services.py), or those a test hands in."""

    def __init__(self, services: Services | None = None):
        self._services = services

    @property
    def services(self) -> Services:
        return self._services or default_services()

    @property
    def public_url(self) -> str:
        """Where our pages are: the payloads link to them absolutely, for a widget on another site."""
        return self.services.settings.public_url


class ServiceAction(UsesServices, Action, ABC):
    """An action backed by bot/ services; `act` runs in a worker thread."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        # The services do blocking SQL; keep the action server's event loop free.
        try:
            return await asyncio.to_thread(self.act, dispatcher, tracker, domain)
        except StoreUnavailable:
            not_registered(dispatcher, tracker)
            return []

    @abstractmethod
    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]: ...

    def offer_advisor(self, dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> None:
        """The Advieslijn with its hours, and an escalation record for the advisors."""
        ticket = self.services.escalation.escalate(tracker.sender_id, reason=reason, topic=tracker.get_slot("topic"))
        if ticket.open_now:
            dispatcher.utter_message(response="utter_escalation_open", hours=ticket.hours)
        else:
            dispatcher.utter_message(response="utter_escalation_closed", hours=ticket.hours, opens=ticket.opens)
        dispatcher.utter_message(json_message=escalation_payload(ticket))

    def not_understood(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
        """Two-stage fallback: ask to rephrase, and after a second miss in a row offer an advisor."""
        if consecutive_misses(tracker) < 2:
            dispatcher.utter_message(response="utter_ask_rephrase")
        else:
            dispatcher.utter_message(response="utter_fallback_advisor")
            self.offer_advisor(dispatcher, tracker, "low_confidence")
        return []

    def reply_acute(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
        """112 first, then the Advieslijn: the one reply to acute danger."""
        dispatcher.utter_message(response="utter_acute_112")
        ticket = self.services.escalation.escalate(tracker.sender_id, reason="acute", topic=tracker.get_slot("topic"))
        dispatcher.utter_message(json_message=escalation_payload(ticket))
        dispatcher.utter_message(response="utter_acute_followup")
        return []


class MessageAction(ServiceAction, ABC):
    """An action that replies to what the professional just said: acute danger gets 112 first."""

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        text = self.message(tracker)
        verdict = assess(text)
        if verdict == "acute":
            return self.reply_acute(dispatcher, tracker)
        if verdict == "worrying":
            return self.reply_worrying(dispatcher, tracker, text)
        return self.respond(dispatcher, tracker, text)

    def message(self, tracker: Tracker) -> str:
        return latest_text(tracker)

    def reply_worrying(self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[dict]:
        """Worrying but not imminent: by default answered like any other message."""
        return self.respond(dispatcher, tracker, text)

    @abstractmethod
    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[dict]:
        """The reply to `text`, which is not acute."""


def not_registered(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The database stayed locked: what was already said stands, the request is not on record, so say so."""
    log.error("verzoek in gesprek %s niet vastgelegd: database bezet", tracker.sender_id)
    dispatcher.utter_message(response=NOT_REGISTERED)


def latest_text(tracker: Tracker) -> str:
    """The professional's latest words; a button press ("/find_provider") refers to the message before it."""
    text = (tracker.latest_message or {}).get("text") or ""
    if not text.startswith("/"):
        return text
    for event in reversed(tracker.events):
        if event.get("event") == "user" and not (event.get("text") or "/").startswith("/"):
            return event["text"]
    return ""


def latest_entity(tracker: Tracker, name: str) -> str | None:
    """The value of the first `name` entity in the latest message."""
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


def question_text(tracker: Tracker) -> str:
    """The latest message, joined with the vague description it clarifies.

    When the assistant just asked its clarifying question, the professional's
    first description still belongs to the question.
    """
    text = latest_text(tracker)
    described = clarified_description(tracker)
    return f"{described} {text}".strip() if described is not None else text


def clarified_description(tracker: Tracker) -> str | None:
    """The message before the latest one, when the assistant asked its clarifying question in between."""
    seen_current, asked = False, False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if not seen_current:
                seen_current = True
                continue
            return (event.get("text") or "") if asked else None
        if seen_current and kind == "bot" and (event.get("metadata") or {}).get("utter_action") == CLARIFYING_QUESTION:
            asked = True
    return None


def context_of(tracker: Tracker) -> Context:
    """The conversation's context from its slots (bot.knowledge.context)."""
    return Context(
        topic=tracker.get_slot("topic"),
        setting=tracker.get_slot("setting"),
        region=tracker.get_slot("region"),
        last_query=tracker.get_slot("last_query"),
        last_articles=tuple(tracker.get_slot("last_articles") or ()),
        last_providers=tuple(tracker.get_slot("last_providers") or ()),
    )


def question_of(tracker: Tracker, knowledge: KnowledgeService, text: str) -> Question:
    """`text` with the conversation's context, the topic the NLU recognised and the NLU's e5 vector."""
    topic = knowledge.topic_for(latest_entity(tracker, "topic"))
    return Question(text, context_of(tracker), topic, query_vector(tracker, text))


def context_events(before: Context, after: Context) -> list[dict]:
    """SlotSet events for what changed in the context."""
    old, new = _slot_values(before), _slot_values(after)
    return [SlotSet(name, value) for name, value in new.items() if old[name] != value]


def _slot_values(context: Context) -> dict:
    return {
        "topic": context.topic,
        "region": context.region,
        "last_query": context.last_query,
        "last_articles": list(context.last_articles),
        "last_providers": list(context.last_providers),
    }


def query_vector(tracker: Tracker, text: str) -> np.ndarray | None:
    """The e5 vector the NLU made of the latest message, when `text` is that message."""
    latest = tracker.latest_message or {}
    return decode_query_vector(latest.get(VECTOR_KEY)) if latest.get("text") == text else None


def consecutive_misses(tracker: Tracker) -> int:
    """How many of the latest user messages in a row were not understood (or were noise)."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != "nlu_fallback" and not looks_like_noise(event.get("text") or ""):
            break
        count += 1
    return count


def best_guess(tracker: Tracker) -> str | None:
    """The NLU's most likely intent, also when it was not sure enough to act on it."""
    for intent in (tracker.latest_message or {}).get("intent_ranking") or []:
        if intent.get("name") != "nlu_fallback":
            return intent.get("name")
    return None
