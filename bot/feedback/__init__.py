"""Ratings of answers ("Was dit nuttig?"), stored with the conversation for maintainers."""

from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from bot.store import Feedback, unit_of_work

RATINGS = ("up", "down")
MAX_QUERY = 1000


class FeedbackError(ValueError):
    pass


class FeedbackService:
    def __init__(self, factory: sessionmaker):
        self.factory = factory

    def rate(self, conversation_id: str, rating: str, query: str = "", article_ids: list[str] | None = None) -> None:
        if not conversation_id or len(conversation_id) > 200:
            raise FeedbackError("onbekend gesprek")
        if rating not in RATINGS:
            raise FeedbackError("beoordeling moet 'up' of 'down' zijn")
        ids = [str(i)[:120] for i in (article_ids or [])][:5]
        with unit_of_work(self.factory) as session:
            session.add(
                Feedback(conversation_id=conversation_id, rating=rating, query=query[:MAX_QUERY], article_ids=ids)
            )
