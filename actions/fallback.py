"""Not understood: two-stage fallback, with the search as a second reader.

When the NLU is unsure, the search reads the message too: if it matches the
knowledge base confidently, the professional gets those articles (or the
providers, when the NLU's best guess was a search for an organisation),
unless the NLU's best guess was small talk or out of scope. Otherwise the
first miss asks to rephrase and the second miss in a row offers an advisor.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ServiceAction, best_guess, latest_text
from actions.knowledge import ActionSearchKnowledge
from actions.providers import ActionFindProviders
from bot.knowledge.search import CONFIDENT_SCORE
from bot.safety import looks_acute

NOT_A_QUESTION = ("out_of_scope", "greet", "thank", "goodbye", "affirm", "deny", "feedback_positive", "bot_challenge")


class ActionHandleFallback(ServiceAction):
    def name(self) -> str:
        return "action_handle_fallback"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        text = latest_text(tracker)
        if looks_acute(text):
            return self.reply_acute(dispatcher, tracker)
        guess = best_guess(tracker)
        if guess == "find_provider" and ActionFindProviders(self._services).answer(
            dispatcher, tracker, text, CONFIDENT_SCORE
        ):
            return []
        if guess not in NOT_A_QUESTION and ActionSearchKnowledge(self._services).answer(
            dispatcher, tracker, text, CONFIDENT_SCORE
        ):
            return []
        if consecutive_fallbacks(tracker) < 2:
            dispatcher.utter_message(response="utter_ask_rephrase")
        else:
            dispatcher.utter_message(response="utter_fallback_advisor")
            self.offer_advisor(dispatcher, tracker, "low_confidence")
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
