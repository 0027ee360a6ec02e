"""Find providers: the organisations that can support the professional."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ServiceAction, latest_entity, latest_text
from bot.contract import providers_payload
from bot.knowledge.search import MIN_SCORE
from bot.safety import looks_acute

MIN_ITEMS = 3


class ActionFindProviders(ServiceAction):
    def name(self) -> str:
        return "action_find_providers"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        text = latest_text(tracker)
        if looks_acute(text):
            return self.reply_acute(dispatcher, tracker)
        if not self.answer(dispatcher, tracker, text):
            dispatcher.utter_message(response="utter_no_providers")
        return []

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str, min_score=MIN_SCORE) -> bool:
        """Sends the providers for `text`; False when none match."""
        knowledge = self.services.knowledge
        topic = knowledge.topic_for(latest_entity(tracker, "topic") or tracker.get_slot("topic"))
        audience = knowledge.audience_for(tracker.get_slot("setting"))
        providers = knowledge.find_providers(text, topic=topic, audience=audience, min_score=min_score)
        if len(providers) < MIN_ITEMS and topic:
            # Too few direct matches: add the organisations known for the topic.
            known = {p["id"] for p in providers}
            providers += [p for p in knowledge.providers_for_topic(topic) if p["id"] not in known]
        if not providers:
            return False
        dispatcher.utter_message(json_message=providers_payload(providers))
        dispatcher.utter_message(response="utter_providers_followup")
        return True
