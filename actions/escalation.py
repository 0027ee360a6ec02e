"""Escalate: hand the professional over to a person of the Advieslijn.

Three ways: the phone (always offered, with the hours), a callback (a form),
and a live chat, when the line is open and an advisor is online: the bot
then pauses for this conversation until the advisor closes it.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ServiceAction, latest_entity, latest_text
from actions.knowledge import ActionSearchKnowledge
from bot.contract import escalation_payload
from bot.safety import assess

REASON_BY_INTENT = {"request_human": "user_request", "feedback_negative": "negative_feedback"}


class ActionEscalate(ServiceAction):
    def name(self) -> str:
        return "action_escalate"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        mode = latest_entity(tracker, "mode")
        if mode == "callback":
            return [FollowupAction("callback_form")]
        if mode == "live":
            return self.start_live(dispatcher, tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        self.offer_advisor(dispatcher, tracker, REASON_BY_INTENT.get(intent, "complex_case"))
        self.offer_other_ways(dispatcher)
        return []

    def live_possible(self) -> bool:
        open_now, _hours, _opens = self.services.escalation.status()
        return open_now and bool(self.services.accounts.online_advisors())

    def offer_other_ways(self, dispatcher: CollectingDispatcher) -> None:
        response = "utter_contact_options_open" if self.live_possible() else "utter_contact_options_callback"
        dispatcher.utter_message(response=response)

    def start_live(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
        if not self.live_possible():
            dispatcher.utter_message(response="utter_live_unavailable")
            ticket = self.services.escalation.switch(tracker.sender_id, "phone", topic=tracker.get_slot("topic"))
            dispatcher.utter_message(json_message=escalation_payload(ticket))
            dispatcher.utter_message(response="utter_contact_options_callback")
            return []
        ticket = self.services.escalation.switch(tracker.sender_id, "live", topic=tracker.get_slot("topic"))
        dispatcher.utter_message(response="utter_live_started")
        dispatcher.utter_message(json_message=escalation_payload(ticket))
        # The bot stays silent until the advisor closes the conversation (ConversationResumed).
        return [ConversationPaused()]


class ActionAcuteDanger(ServiceAction):
    def name(self) -> str:
        return "action_acute_danger"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        text = latest_text(tracker)
        if assess(text, nlu_acute=True) == "worrying":
            # The NLU heard danger, but the text says it is a joke, past, supposed or on a screen.
            return ActionSearchKnowledge(self._services).reply_worrying(dispatcher, tracker, text)
        return self.reply_acute(dispatcher, tracker)


class ActionTellHours(ServiceAction):
    def name(self) -> str:
        return "action_tell_hours"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        open_now, hours, opens = self.services.escalation.status()
        response = "utter_hours_open" if open_now else "utter_hours_closed"
        dispatcher.utter_message(response=response, hours=hours, opens=opens)
        return []
