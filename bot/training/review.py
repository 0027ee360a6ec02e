"""The review queue: user messages the assistant handled poorly, for a maintainer to label.

Candidates come from Rasa's tracker store (low NLU confidence, nlu_fallback), from escalations
with reason low_confidence, and from negative feedback. Each decision is stored in review_items,
keyed on the normalised text, so a decided message never comes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.escalation.states import Reason
from bot.privacy.redact import redact
from bot.store import Escalation, Feedback, ReviewItem, unit_of_work
from bot.store.tracker_events import TrackerEvents
from bot.store.words import ReviewStatus

DECISIONS = (ReviewStatus.ACCEPTED.value, ReviewStatus.REJECTED.value, ReviewStatus.NEEDS_ARTICLE.value)
WHY = {
    "low_confidence": "lage zekerheid",
    "nlu_fallback": "niet herkend",
    "escalation": "doorverwezen: niet begrepen",
    "negative_feedback": "negatieve beoordeling",
}


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass
class Candidate:
    text: str
    predicted_intent: str | None
    confidence: float | None
    why: set[str] = field(default_factory=set)
    count: int = 0


@dataclass(frozen=True)
class UserMessage:
    timestamp: float
    text: str
    intent: str | None
    confidence: float | None
    fallback: bool = False


class ReviewQueue:
    def __init__(self, factory: sessionmaker, tracker_engine: Engine, threshold: float = 0.5, clock=None):
        self.factory = factory
        self.events = TrackerEvents(tracker_engine)
        self.threshold = threshold
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def collect(self) -> list[Candidate]:
        """Every poorly handled message in the tracker store, duplicates merged, most frequent first."""
        conversations = self._user_messages()
        found: dict[str, Candidate] = {}

        def add(message: UserMessage | None, why: str, text: str | None = None) -> None:
            text = redact(" ".join((text or (message.text if message else "")).split())).text
            if not text or text.startswith("/"):  # "/intent" messages are sent by the channels, not typed
                return
            item = found.setdefault(normalise(text), Candidate(text, None, None))
            item.why.add(why)
            item.count += 1
            if message and item.predicted_intent is None:
                item.predicted_intent, item.confidence = message.intent, message.confidence

        for messages in conversations.values():
            for message in messages:
                if message.fallback:
                    add(message, "nlu_fallback")
                elif message.confidence is not None and message.confidence < self.threshold:
                    add(message, "low_confidence")
        with unit_of_work(self.factory) as session:
            not_understood = Escalation.reason == Reason.LOW_CONFIDENCE
            escalations = session.execute(
                select(Escalation.conversation_id, Escalation.created_at).where(not_understood)
            ).all()
            ratings = session.execute(
                select(Feedback.conversation_id, Feedback.created_at, Feedback.query).where(Feedback.rating == "down")
            ).all()
        for conversation_id, created_at in escalations:
            message = _last_before(conversations.get(conversation_id, []), created_at)
            if message:
                add(message, "escalation")
        for conversation_id, created_at, query in ratings:
            message = _last_before(conversations.get(conversation_id, []), created_at)
            if message or query:
                add(message, "negative_feedback", None if message else query)
        return sorted(found.values(), key=lambda c: (-c.count, normalise(c.text)))

    def refresh(self) -> int:
        """Bring the collected messages into review_items; returns how many are new."""
        new, now = 0, self.clock().replace(tzinfo=None)
        with unit_of_work(self.factory) as session:
            known = {row.key: row for row in session.execute(select(ReviewItem)).scalars()}
            for candidate in self.collect():
                key = normalise(candidate.text)
                row = known.get(key)
                why = ", ".join(sorted(candidate.why))
                if row is None:
                    session.add(ReviewItem(
                        key=key, text=candidate.text, predicted_intent=candidate.predicted_intent,
                        confidence=candidate.confidence, why=why, count=candidate.count, seen_at=now,
                    ))  # fmt: skip
                    new += 1
                else:
                    row.seen_at = now  # still in a kept conversation: keep the item as long
                    if row.status == ReviewStatus.OPEN:
                        row.count, row.why = candidate.count, why
        return new

    def items(self, status: str = ReviewStatus.OPEN) -> list[ReviewItem]:
        with unit_of_work(self.factory) as session:
            query = select(ReviewItem).where(ReviewItem.status == status)
            return list(session.execute(query.order_by(ReviewItem.count.desc(), ReviewItem.id)).scalars())

    def get(self, item_id: int) -> ReviewItem:
        with unit_of_work(self.factory) as session:
            row = session.get(ReviewItem, item_id)
            if row is None:
                raise LookupError(f"Bericht {item_id} staat niet in de reviewlijst.")
            return row

    def decide(self, item_id: int, status: str, by: str, intent: str | None = None) -> ReviewItem:
        if status not in DECISIONS:
            raise ValueError(f"onbekende beslissing: {status}")
        with unit_of_work(self.factory) as session:
            row = session.get(ReviewItem, item_id)
            if row is None:
                raise LookupError(f"Bericht {item_id} staat niet in de reviewlijst.")
            if row.status != ReviewStatus.OPEN:
                raise ValueError(f"Over bericht {item_id} is al beslist ({row.status}).")
            row.status, row.intent, row.decided_by = status, intent, by
            row.decided_at = self.clock().astimezone(timezone.utc).replace(tzinfo=None)
            return row

    def _user_messages(self) -> dict[str, list[UserMessage]]:
        conversations: dict[str, list[UserMessage]] = {}
        for event in self.events.read(["user"], by_conversation=True):
            conversations.setdefault(event.conversation_id, []).append(_message(event.timestamp, event.event))
        return conversations


def _message(timestamp: float, event: dict) -> UserMessage:
    parse = event.get("parse_data") or {}
    intent = parse.get("intent") or {}
    name, confidence = intent.get("name"), intent.get("confidence")
    if name == "nlu_fallback":
        # The fallback's own confidence is the threshold; the model's best guess is next in the ranking.
        guess = next((i for i in parse.get("intent_ranking") or [] if i.get("name") != "nlu_fallback"), {})
        return UserMessage(timestamp or 0.0, event.get("text") or "", guess.get("name"), guess.get("confidence"), True)
    return UserMessage(timestamp or 0.0, event.get("text") or "", name, confidence)


def _last_before(messages: list[UserMessage], moment: datetime | None) -> UserMessage | None:
    """The user's message just before an escalation or rating (stored as naive UTC)."""
    if moment is None:
        return messages[-1] if messages else None
    limit = moment.replace(tzinfo=timezone.utc).timestamp()
    before = [m for m in messages if m.timestamp <= limit]
    return before[-1] if before else None
