"""Ratings of answers ("Was dit nuttig?"), stored with the conversation for maintainers."""

from __future__ import annotations

import re

from sqlalchemy.orm import sessionmaker

from bot.privacy import redact
from bot.store import Feedback, unit_of_work

RATINGS = ("up", "down")
MAX_QUERY = 1000
MAX_ARTICLES = 5
_ARTICLE_ID = re.compile(r"[A-Za-z0-9_-]{1,120}")


class FeedbackError(ValueError):
    pass


class FeedbackService:
    def __init__(self, factory: sessionmaker):
        self.factory = factory

    def rate(self, conversation_id: str, rating: str, query: str = "", article_ids: list[str] | None = None) -> None:
        """Stores a rating; the query is redacted like a chat message, article ids that are no ids are left out.

        Whatever a client sends here reaches the maintainers' review queue, and maybe the training data.
        """
        if not conversation_id or len(conversation_id) > 200:
            raise FeedbackError("onbekend gesprek")
        if rating not in RATINGS:
            raise FeedbackError("beoordeling moet 'up' of 'down' zijn")
        ids = [i for i in article_ids or [] if isinstance(i, str) and _ARTICLE_ID.fullmatch(i) and not redact(i).found]
        with unit_of_work(self.factory) as session:
            session.add(
                Feedback(
                    conversation_id=conversation_id,
                    rating=rating,
                    query=redact(query).text[:MAX_QUERY],
                    article_ids=ids[:MAX_ARTICLES],
                )
            )
