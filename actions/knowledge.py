"""Search knowledge: answer a question with the best matching articles."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ServiceAction, latest_entity, question_text
from bot.contract import articles_payload
from bot.safety import looks_acute


class ActionSearchKnowledge(ServiceAction):
    def name(self) -> str:
        return "action_search_knowledge"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        text = question_text(tracker)
        if looks_acute(text):
            return self.reply_acute(dispatcher, tracker)
        knowledge = self.services.knowledge
        topic = knowledge.topic_for(latest_entity(tracker, "topic"))
        audience = knowledge.audience_for(tracker.get_slot("setting"))
        articles = knowledge.search_articles(text, topic=topic, audience=audience)
        if not articles:
            dispatcher.utter_message(response="utter_no_articles")
            return []
        dispatcher.utter_message(json_message=articles_payload(text, articles))
        dispatcher.utter_message(response="utter_articles_followup")
        return []
