"""Search knowledge: answer a question with the best matching articles."""

from __future__ import annotations

from abc import ABC
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import (
    CLARIFYING_QUESTION,
    MessageAction,
    context_events,
    latest_entity,
    latest_text,
    query_vector,
    question_of,
    question_text,
)
from bot.contract import articles_payload
from bot.knowledge.concern import says_what_happens
from bot.knowledge.context import answer_question, asks_about_reporting
from bot.knowledge.decision import ANSWER, CLARIFY, NONE
from bot.knowledge.records import Article
from bot.knowledge.text import words
from bot.noise import looks_like_noise

# When the NLU did not read a knowledge question (a concern, or not understood), the
# search alone must be surer before it answers: a wrong answer there misleads most.
SURE = 0.75
# A concern that says what is going on (bot/knowledge/concern.py) needs less: it is in scope by its words.
CONCRETE_SURE = 0.30
PRIVACY = "privacy"
BARE_TOPIC_WORDS = 2  # a message this short that names a topic gets its sub-themes as quick replies
SUB_THEMES = 3


class KnowledgeAction(MessageAction, ABC):
    """An action that answers with articles: what the knowledge actions share."""

    def answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        text: str,
        accept: tuple[str, ...] = (ANSWER,),
        min_confidence: float = SURE,
        join_unanswered: bool = True,
    ) -> tuple[list[dict], str | None]:
        """Sends the articles for `text`, read with the conversation's context, if the
        answer decision is one of `accept` with at least `min_confidence` (or the NLU named
        a topic and it is not out of scope). Without `join_unanswered`, only a message
        that leans on the context is read with the last question.

        Returns the slot events and None when it answered, else the decision.
        """
        knowledge = self.services.knowledge
        question = question_of(tracker, knowledge, text)
        reply = answer_question(
            knowledge, question, accept=accept, min_confidence=min_confidence, join_unanswered=join_unanswered
        )
        if not reply.found.answered:
            return context_events(question.context, reply.context), reply.found.decision
        dispatcher.utter_message(json_message=articles_payload(text, reply.found.items, self.public_url))
        if len(words(text)) <= BARE_TOPIC_WORDS and knowledge.topics_in(text):
            self.offer_sub_themes(dispatcher, reply.found.items)
        else:
            dispatcher.utter_message(response="utter_articles_followup")
        return context_events(question.context, reply.context), None

    def reply_worrying(self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[dict]:
        """Worrying but not imminent (a joke about an attack, a shared video): no 112,
        but the best articles and the Advieslijn, with a ticket for the advisors."""
        events, decision = self.answer(dispatcher, tracker, text, accept=(ANSWER, CLARIFY), min_confidence=0.0)
        if decision is not None:
            dispatcher.utter_message(response=CLARIFYING_QUESTION)
        self.offer_advisor(dispatcher, tracker, "complex_case")
        return events

    @staticmethod
    def offer_sub_themes(dispatcher: CollectingDispatcher, articles: list[Article]) -> None:
        """A bare topic word: the titles of its best articles as a short choice to narrow down."""
        buttons = [{"title": a.title, "payload": a.title} for a in articles[:SUB_THEMES]]
        dispatcher.utter_message(response="utter_choose_sub_theme", buttons=buttons)


class ActionSearchKnowledge(KnowledgeAction):
    def name(self) -> str:
        return "action_search_knowledge"

    def message(self, tracker: Tracker) -> str:
        return question_text(tracker)

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[dict]:
        # The NLU read a knowledge question: in scope, so a vague one still gets the best articles.
        events, decision = self.answer(dispatcher, tracker, text, accept=(ANSWER, CLARIFY), min_confidence=0.0)
        if decision == NONE and looks_like_noise(text):
            return self.not_understood(dispatcher, tracker)
        if decision is not None:
            response = CLARIFYING_QUESTION if decision == CLARIFY else "utter_no_articles"
            dispatcher.utter_message(response=response)
        return events


class ActionClarifyConcern(KnowledgeAction):
    """A concern that says what is going on gets articles when the search can answer it; a vague
    one ("ik maak me zorgen over een leerling") gets one clarifying question, unless it names a topic."""

    def name(self) -> str:
        return "action_clarify_concern"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[dict]:
        accept = (ANSWER,) if says_what_happens(text) else ()
        events, decision = self.answer(dispatcher, tracker, text, accept=accept, min_confidence=CONCRETE_SURE)
        if decision is not None:
            dispatcher.utter_message(response=CLARIFYING_QUESTION)
        return events


class ActionExplainPrivacy(ActionSearchKnowledge):
    """What happens to this chat; and, when the question is about privacy in the
    professional's own work ("mag ik dit anoniem bespreken?"), the articles on that."""

    def name(self) -> str:
        return "action_explain_privacy"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        text = latest_text(tracker)
        if self.services.knowledge.topic_for(latest_entity(tracker, "topic")) not in (None, PRIVACY):
            # A topic other than privacy ("memes met verborgen codes"): a knowledge question the NLU misfiled.
            return super().act(dispatcher, tracker, domain)
        if tracker.get_slot("last_query") and asks_about_reporting(text):
            # "Mag ik dat delen?" after a concern is about the case, not about this chat.
            events, decision = self.answer(dispatcher, tracker, text)
            if decision is None:
                return events
        dispatcher.utter_message(response="utter_privacy")
        found = self.services.knowledge.find_articles(text, topic=PRIVACY, vector=query_vector(tracker, text))
        if found.answered and any(PRIVACY in article.topics for article in found.items[:3]):
            dispatcher.utter_message(response="utter_privacy_at_work")
            dispatcher.utter_message(json_message=articles_payload(text, found.items, self.public_url))
        return []
