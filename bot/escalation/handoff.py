"""The handoff summary at the top of an escalation: what the professional asked, the topic and
work setting, which articles and providers the assistant showed and how the articles were
rated ("Was dit nuttig?"), so an advisor starts where the assistant stopped; after a live chat,
also how the professional said it helped."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.escalation.conversation_facts import ConversationFacts
from bot.escalation.live_rating import LABELS
from bot.store import Audience, Feedback, Topic, unit_of_work

RATED = {"up": "nuttig", "down": "niet nuttig"}


class Handoff:
    def __init__(self, factory: sessionmaker, facts: ConversationFacts, clock=None):
        self.factory = factory
        self.facts = facts
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def summary(self, item: dict) -> dict:
        """For an escalation as EscalationService.get returns it."""
        found = self.facts.of([item["conversation_id"]], shown=True)[item["conversation_id"]]
        with unit_of_work(self.factory) as session:
            ratings = session.execute(
                select(Feedback.rating, Feedback.article_ids)
                .where(Feedback.conversation_id == item["conversation_id"])
                .order_by(Feedback.created_at, Feedback.id)
            ).all()
            topic = session.get(Topic, item["topic"] or found.topic or "")
            setting = session.get(Audience, found.setting or "")
        rated: dict[str, str] = {}
        for rating, article_ids in ratings:  # the latest rating of an article counts
            rated.update({str(article_id): RATED.get(rating, rating) for article_id in article_ids or []})
        end = datetime.fromisoformat(item["closed_at"]) if item["closed_at"] else self.clock()
        return {
            "question": found.question,
            "topic": topic.label if topic else (item["topic"] or found.topic),
            "setting": setting.label if setting else found.setting,
            "region": found.region,
            "articles": [{**article, "rating": rated.get(article["id"])} for article in found.articles],
            "providers": found.providers,
            "reason": item["reason"],
            "waiting_seconds": int((end - datetime.fromisoformat(item["created_at"])).total_seconds()),
            "live_rating": LABELS.get(item.get("live_rating")),
        }
