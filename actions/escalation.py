"""Escalate: hand the professional over to a person of the Advieslijn."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ServiceAction, latest_text
from bot.safety import looks_acute

REASON_BY_INTENT = {"request_human": "user_request", "feedback_negative": "negative_feedback"}


class ActionEscalate(ServiceAction):
    """Offers the Advieslijn, with its hours, and records the escalation."""

    def name(self) -> str:
        return "action_escalate"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        reason = REASON_BY_INTENT.get(intent, "complex_case")
        self.offer_advisor(dispatcher, tracker, reason)
        return []


class ActionAcuteDanger(ServiceAction):
    def name(self) -> str:
        return "action_acute_danger"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        return self.reply_acute(dispatcher, tracker)


class ActionHandleFallback(ServiceAction):
    """Two-stage fallback: first ask to rephrase, on the second miss in a row offer an advisor."""

    def name(self) -> str:
        return "action_handle_fallback"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        if looks_acute(latest_text(tracker)):
            return self.reply_acute(dispatcher, tracker)
        if consecutive_fallbacks(tracker) < 2:
            dispatcher.utter_message(response="utter_ask_rephrase")
        else:
            dispatcher.utter_message(response="utter_fallback_advisor")
            self.offer_advisor(dispatcher, tracker, "low_confidence")
        return []


class ActionTellHours(ServiceAction):
    def name(self) -> str:
        return "action_tell_hours"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        open_now, hours, opens = self.services.escalation.status()
        response = "utter_hours_open" if open_now else "utter_hours_closed"
        dispatcher.utter_message(response=response, hours=hours, opens=opens)
        return []


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many of the latest user messages in a row were not understood."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if ((event.get("parse_data") or {}).get("intent") or {}).get("name") != "nlu_fallback":
            break
        count += 1
    return count
