"""Escalate: hand the professional over to a person of the Advieslijn."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ServiceAction

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


class ActionTellHours(ServiceAction):
    def name(self) -> str:
        return "action_tell_hours"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        open_now, hours, opens = self.services.escalation.status()
        response = "utter_hours_open" if open_now else "utter_hours_closed"
        dispatcher.utter_message(response=response, hours=hours, opens=opens)
        return []
