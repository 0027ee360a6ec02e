"""Callback: a form that asks for a number, a moment and the question, and stores them.

The number never enters Rasa's tracker: the channel redacts it and parks the
raw value (bot.escalation.callback.PendingCallbacks) because this form asked
for it; validation moves it onto the escalation record.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.base import ServiceAction, UsesServices, not_registered
from bot.contract import escalation_payload
from bot.escalation.callback import masked, normalise_phone
from bot.store.retry import StoreUnavailable

CANCEL = re.compile(r"^\s*(stop|stoppen|annuleer|annuleren|laat maar|toch niet|nee,? bedankt)\W*$", re.IGNORECASE)
PHONE_SLOT = "callback_phone"
STORED = "[TELEFOON]"  # what the slot holds once the real number is on the escalation record


class ActionAskCallbackPhone(ServiceAction):
    """Asks for the number and tells the channel that the next one typed is the callback number."""

    def name(self) -> str:
        return "action_ask_callback_phone"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        self.services.pending_callbacks.ask(tracker.sender_id)
        dispatcher.utter_message(response="utter_ask_callback_phone")
        return []


class ValidateCallbackForm(UsesServices, FormValidationAction):
    def name(self) -> str:
        return "validate_callback_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        if CANCEL.match((tracker.latest_message or {}).get("text") or ""):
            dispatcher.utter_message(response="utter_callback_cancelled")
            return [ActiveLoop(None), SlotSet("requested_slot", None), *self.cleared()]
        try:
            return await super().run(dispatcher, tracker, domain)
        except StoreUnavailable:
            not_registered(dispatcher, tracker)
            return [ActiveLoop(None), SlotSet("requested_slot", None), *self.cleared()]

    @staticmethod
    def cleared() -> list[dict]:
        return [SlotSet(slot, None) for slot in ("callback_phone", "callback_moment", "callback_question")]

    async def validate_callback_phone(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        parked = await asyncio.to_thread(self.services.pending_callbacks.take, tracker.sender_id)
        phone = normalise_phone(parked or "")
        if phone is None:
            dispatcher.utter_message(response="utter_invalid_phone")
            return {PHONE_SLOT: None}
        await asyncio.to_thread(
            self.services.escalation.switch,
            tracker.sender_id,
            "callback",
            tracker.get_slot("topic"),
            callback_phone=phone,
        )
        return {PHONE_SLOT: STORED}

    async def validate_callback_moment(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        return {"callback_moment": str(value).strip()[:200] or None}

    async def validate_callback_question(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        return {"callback_question": str(value).strip()[:1000] or None}


class ActionSaveCallback(ServiceAction):
    def name(self) -> str:
        return "action_save_callback"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        ticket = self.services.escalation.switch(
            tracker.sender_id,
            "callback",
            tracker.get_slot("topic"),
            callback_moment=tracker.get_slot("callback_moment"),
            callback_question=tracker.get_slot("callback_question"),
        )
        phone = self.services.escalation.callback_phone(ticket.ticket)
        dispatcher.utter_message(
            response="utter_callback_saved",
            phone=masked(phone) if phone else "het nummer dat je gaf",
            moment=tracker.get_slot("callback_moment"),
            hours=ticket.hours,
            ticket=ticket.ticket,
        )
        dispatcher.utter_message(json_message=escalation_payload(ticket))
        return ValidateCallbackForm.cleared()
