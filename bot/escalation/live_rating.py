"""The professional's one answer after a live chat with an advisor: how did it help?

Stored on the escalation of that chat, so the advisor sees it in the handoff summary and the
lead counts it in the figures. Only a conversation whose live chat an advisor has closed may
answer, and only once: a rating is about a real chat, not a form anyone can fill in repeatedly.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from bot.escalation.states import Mode
from bot.store import Escalation, unit_of_work
from bot.store.words import EscalationStatus

# The answers the widget offers, from the best down; the number is what the figures average.
LABELS = {3: "Goed geholpen", 2: "Een beetje geholpen", 1: "Niet geholpen"}
NO_LIVE_CHAT = "Er is geen afgesloten gesprek met een adviseur om te beoordelen."
ALREADY = "Dit gesprek met de adviseur is al beoordeeld. Dank je wel."
NOT_A_RATING = "Kies een van de antwoorden."


class RatingRefused(ValueError):
    """A rating that is not stored; the message is Dutch, for the professional."""


def valid_rating(value: object) -> bool:
    # JSON true is an int in Python; a rating is a plain number from LABELS.
    return type(value) is int and value in LABELS


class LiveRatings:
    def __init__(self, factory: sessionmaker, clock=None):
        self.factory = factory
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def rate(self, conversation_id: str, rating: object) -> str:
        """Stores the rating with the conversation's latest closed live escalation; returns its ticket."""
        if not valid_rating(rating):
            raise RatingRefused(NOT_A_RATING)
        now = self.clock().astimezone(timezone.utc).replace(tzinfo=None)
        with unit_of_work(self.factory) as session:
            latest = session.execute(
                select(Escalation.id, Escalation.ticket, Escalation.live_rating)
                .where(Escalation.conversation_id == conversation_id, Escalation.mode == Mode.LIVE,
                       Escalation.status == EscalationStatus.CLOSED)
                .order_by(Escalation.closed_at.desc(), Escalation.id.desc())
                .limit(1)
            ).first()  # fmt: skip
            if latest is None:
                raise RatingRefused(NO_LIVE_CHAT)
            # Conditional, so two answers sent at once cannot both be stored.
            changed = session.execute(
                update(Escalation)
                .where(Escalation.id == latest.id, Escalation.live_rating.is_(None))
                .values(live_rating=rating, live_rated_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount  # fmt: skip
            if not changed:
                raise RatingRefused(ALREADY)
            return latest.ticket
