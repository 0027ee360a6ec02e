"""SQLAlchemy models of the project's own tables (not Rasa's tracker store)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import declarative_base

from bot.store.words import EscalationStatus, ReviewStatus

Base = declarative_base()


class Topic(Base):
    __tablename__ = "topics"

    id = Column(String(64), primary_key=True)
    label = Column(String(200), nullable=False)
    scope = Column(Text, nullable=False, default="")
    keywords = Column(JSON, nullable=False, default=list)


class Audience(Base):
    __tablename__ = "audiences"

    id = Column(String(64), primary_key=True)
    label = Column(String(200), nullable=False)
    keywords = Column(JSON, nullable=False, default=list)


class Article(Base):
    __tablename__ = "articles"

    id = Column(String(120), primary_key=True)
    title = Column(String(300), nullable=False)
    summary = Column(Text, nullable=False)
    body = Column(Text, nullable=False)
    topics = Column(JSON, nullable=False)
    audiences = Column(JSON, nullable=False)
    keywords = Column(JSON, nullable=False, default=list)
    updated = Column(Date, nullable=False, default=date.today)
    source = Column(String(300), nullable=False)


class Provider(Base):
    __tablename__ = "providers"

    id = Column(String(120), primary_key=True)
    name = Column(String(300), nullable=False)
    description = Column(Text, nullable=False)
    topics = Column(JSON, nullable=False)
    audiences = Column(JSON, nullable=False)
    regions = Column(JSON, nullable=False)
    services = Column(JSON, nullable=False)
    keywords = Column(JSON, nullable=False, default=list)
    phone = Column(String(40))
    url = Column(String(300))


class SynonymGroup(Base):
    """Words search treats as one: the first is the group's name."""

    __tablename__ = "synonym_groups"

    id = Column(String(120), primary_key=True)
    terms = Column(JSON, nullable=False)


class PassageVector(Base):
    """The e5 vector of one passage of an article or provider, by the hash of its text."""

    __tablename__ = "passage_vectors"

    key = Column(String(64), primary_key=True)
    vector = Column(LargeBinary, nullable=False)


class KnowledgeState(Base):
    """One row: bumped on every load that changed something, so caches know to rebuild."""

    __tablename__ = "knowledge_state"

    id = Column(Integer, primary_key=True)
    version = Column(Integer, nullable=False, default=0)
    loaded_at = Column(DateTime, nullable=False, default=datetime.utcnow)


class Escalation(Base):
    __tablename__ = "escalations"

    id = Column(Integer, primary_key=True, autoincrement=True)
    ticket = Column(String(32), unique=True)
    reason = Column(String(32), nullable=False)
    mode = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False, default=EscalationStatus.OPEN.value)
    conversation_id = Column(String(200), nullable=False, index=True)
    topic = Column(String(64))
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    claimed_by = Column(String(80))
    claimed_at = Column(DateTime)
    closed_at = Column(DateTime)
    # A callback request: the one raw personal value the product needs, deleted with the record.
    callback_phone = Column(String(40))
    callback_moment = Column(String(200))
    callback_question = Column(Text)
    # The first claim, kept through releases and hand-overs: the waiting time ends there.
    first_claimed_at = Column(DateTime)
    # After a callback that was not answered: when to try again (bot/escalation/callbacks_log.py).
    next_attempt_at = Column(DateTime)
    # After a live chat: the professional's one answer to "how did it help?" (bot/escalation/live_rating.py).
    live_rating = Column(Integer)
    live_rated_at = Column(DateTime)


class CallbackAttempt(Base):
    """One try to call a professional back: who, when, how it went, and a short note."""

    __tablename__ = "callback_attempts"

    id = Column(Integer, primary_key=True, autoincrement=True)
    escalation_id = Column(Integer, ForeignKey("escalations.id", ondelete="CASCADE"), nullable=False, index=True)
    advisor = Column(String(80), nullable=False)
    outcome = Column(String(16), nullable=False)  # "reached", "no_answer" or "wrong_number"
    note = Column(Text, nullable=False, default="")
    attempted_at = Column(DateTime, nullable=False)


class PendingCallback(Base):
    """The assistant is asking this conversation for a callback number.

    The channel redacts the number before Rasa stores the message and parks
    the raw value here; the callback form moves it onto the escalation record
    and deletes this row. Rows live minutes, not days.
    """

    __tablename__ = "pending_callbacks"

    conversation_id = Column(String(200), primary_key=True)
    phone = Column(String(40))
    asked_at = Column(DateTime, nullable=False, default=datetime.utcnow)


class EscalationNote(Base):
    __tablename__ = "escalation_notes"

    id = Column(Integer, primary_key=True, autoincrement=True)
    escalation_id = Column(Integer, ForeignKey("escalations.id", ondelete="CASCADE"), nullable=False, index=True)
    advisor = Column(String(80), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)


class Advisor(Base):
    """An account of the advisors' web app; role 'advisor', 'lead' or 'maintainer'."""

    __tablename__ = "advisors"

    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(80), unique=True, nullable=False)
    password_hash = Column(String(200), nullable=False)
    role = Column(String(16), nullable=False, default="advisor")
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    last_seen_at = Column(DateTime)
    disabled_at = Column(DateTime)  # set: the account cannot log in and its sessions are gone
    # The hard lockout's columns, no longer written (see LoginThrottle); kept so older databases match.
    failed_logins = Column(Integer)
    locked_until = Column(DateTime)


class LoginThrottle(Base):
    """Failed logins per client address and per submitted username (bot/advisors/throttle.py).

    The key is a SHA-256 of the kind and the value: a password typed into the username
    field is never stored, and names that do not exist get rows just like real ones.
    """

    __tablename__ = "login_throttle"

    key = Column(String(64), primary_key=True)
    failures = Column(Integer, nullable=False, default=0)
    last_failure_at = Column(DateTime, nullable=False)
    next_attempt_at = Column(DateTime, nullable=False)  # the earliest moment the next attempt is checked


class Feedback(Base):
    """A professional's rating of an answer ("Was dit nuttig?"), kept with its conversation."""

    __tablename__ = "feedback"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(200), nullable=False, index=True)
    rating = Column(String(8), nullable=False)  # "up" or "down"
    query = Column(Text)
    article_ids = Column(JSON, nullable=False, default=list)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)


class ReviewItem(Base):
    """A message for the maintainers' review queue (bot/training/review.py), already redacted."""

    __tablename__ = "review_items"

    id = Column(Integer, primary_key=True, autoincrement=True)
    key = Column(String(1000), unique=True, nullable=False)  # normalised text: one row per message, ever
    text = Column(Text, nullable=False)
    predicted_intent = Column(String(80))
    confidence = Column(Float)
    why = Column(String(200), nullable=False, default="")
    count = Column(Integer, nullable=False, default=1)
    status = Column(String(16), nullable=False, default=ReviewStatus.OPEN.value)
    intent = Column(String(80))  # the maintainer's label when accepted
    decided_by = Column(String(80))
    decided_at = Column(DateTime)
    seen_at = Column(DateTime)  # last found in a conversation; purged with the conversations


class CannedReply(Base):
    """A ready answer an advisor can send in a live chat; the lead advisors keep the set."""

    __tablename__ = "canned_replies"

    id = Column(Integer, primary_key=True, autoincrement=True)
    title = Column(String(80), nullable=False)
    text = Column(Text, nullable=False)
    updated_by = Column(String(80))
    updated_at = Column(DateTime)


class AdvisorAction(Base):
    """The audit log of what advisors changed: claims, hand-overs, callbacks, accounts (bot/advisors/audit.py)."""

    __tablename__ = "advisor_actions"

    id = Column(Integer, primary_key=True, autoincrement=True)
    actor = Column(String(80), nullable=False, index=True)
    action = Column(String(32), nullable=False)
    ticket = Column(String(32), index=True)  # for steps on an escalation
    subject = Column(String(80))  # the colleague or account the step was about
    at = Column(DateTime, nullable=False)
