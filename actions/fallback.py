"""Not understood: two-stage fallback, with the search as a second reader.

When the NLU is unsure (unless its best guess is part of the conversation, such
as a greeting), or calls a message out of scope, the search reads it too: if
the answer decision says the knowledge base answers it, the
professional gets those articles (or the providers, when the NLU's best guess
was a search for an organisation). A best guess of a concern that says what
happens gets the bar a recognised one has (actions/knowledge.py). Otherwise
the first miss asks to rephrase and the second miss in a row offers an
advisor. Keyboard noise counts as a miss even when the NLU filed it as out of
scope.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import MessageAction, best_guess, question_text
from actions.knowledge import CONCRETE_SURE, SURE, ActionSearchKnowledge
from actions.providers import ActionFindProviders
from bot.knowledge.concern import says_what_happens
from bot.noise import looks_like_noise

CONVERSATION = ("greet", "thank", "goodbye", "affirm", "deny", "feedback_positive", "bot_challenge")


class ActionHandleFallback(MessageAction):
    def name(self) -> str:
        return "action_handle_fallback"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[dict]:
        guess = best_guess(tracker)
        if guess == "find_provider":
            events = ActionFindProviders(self._services).answer(dispatcher, tracker, text, decided=True)
            if events is not None:
                return events
        if guess not in CONVERSATION:
            bar = CONCRETE_SURE if guess == "describe_concern" and says_what_happens(text) else SURE
            # A guess of out of scope is read on its own, as when the NLU is sure of it (ActionOutOfScope).
            alone = guess == "out_of_scope"
            message = question_text(tracker) if alone else text
            events, decision = ActionSearchKnowledge(self._services).answer(
                dispatcher, tracker, message, min_confidence=bar, join_unanswered=not alone
            )
            if decision is None:
                return events
        return self.not_understood(dispatcher, tracker)


class ActionOutOfScope(ActionHandleFallback):
    """Out of scope, unless it is noise (a miss) or the knowledge base answers it after all."""

    def name(self) -> str:
        return "action_out_of_scope"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[dict]:
        if looks_like_noise(text):
            return self.not_understood(dispatcher, tracker)
        # Out of scope, a message is read on its own; the reply to the clarifying question with what it clarifies.
        search = ActionSearchKnowledge(self._services)
        events, decision = search.answer(dispatcher, tracker, question_text(tracker), join_unanswered=False)
        if decision is None:
            return events
        dispatcher.utter_message(response="utter_out_of_scope")
        return []
