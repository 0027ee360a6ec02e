"""Search knowledge: answer a question with the best matching articles."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import CLARIFYING_QUESTION, ServiceAction, latest_entity, latest_text, question_text
from bot.contract import articles_payload
from bot.knowledge.search import MIN_SCORE, SPECIFIC_SCORE
from bot.safety import looks_acute


class ActionSearchKnowledge(ServiceAction):
    def name(self) -> str:
        return "action_search_knowledge"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        text = question_text(tracker)
        if looks_acute(text):
            return self.reply_acute(dispatcher, tracker)
        if not self.answer(dispatcher, tracker, text):
            dispatcher.utter_message(response="utter_no_articles")
        return []

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str, min_score=MIN_SCORE) -> bool:
        """Sends the articles for `text`; False when none match."""
        knowledge = self.services.knowledge
        topic = knowledge.topic_for(latest_entity(tracker, "topic"))
        audience = knowledge.audience_for(tracker.get_slot("setting"))
        articles = knowledge.search_articles(text, topic=topic, audience=audience, min_score=min_score)
        if not articles:
            return False
        dispatcher.utter_message(json_message=articles_payload(text, articles))
        dispatcher.utter_message(response="utter_articles_followup")
        return True


class ActionClarifyConcern(ActionSearchKnowledge):
    """A vague concern gets one clarifying question; a specific one gets articles at once.

    Specific: the NLU recognised a topic in it, or the search matches it strongly.
    """

    def name(self) -> str:
        return "action_clarify_concern"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        text = latest_text(tracker)
        if looks_acute(text):
            return self.reply_acute(dispatcher, tracker)
        specific = self.answer(dispatcher, tracker, text, SPECIFIC_SCORE)
        if not specific and latest_entity(tracker, "topic"):
            specific = self.answer(dispatcher, tracker, text)
        if specific:
            return []
        dispatcher.utter_message(response=CLARIFYING_QUESTION)
        return []


class ActionExplainPrivacy(ActionSearchKnowledge):
    """What happens to this chat; and, when the question is about privacy in the
    professional's own work ("mag ik dit anoniem bespreken?"), the articles on that."""

    def name(self) -> str:
        return "action_explain_privacy"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        dispatcher.utter_message(response="utter_privacy")
        text = latest_text(tracker)
        articles = self.services.knowledge.search_articles(text, topic="privacy", min_score=SPECIFIC_SCORE)
        if any("privacy" in article["topics"] for article in articles[:3]):
            dispatcher.utter_message(response="utter_privacy_at_work")
            dispatcher.utter_message(json_message=articles_payload(text, articles))
        return []
