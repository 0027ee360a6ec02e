"""The insights' own tables: daily counts that outlive the 30-day purge of conversations.

Nothing here names a conversation: per-conversation state is keyed by a salted hash and
dropped once the conversation is idle, and gap questions are stored redacted and expire.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, Integer, LargeBinary, String

from bot.store.models import Base


def _count() -> Column:
    return Column(Integer, nullable=False, default=0)


class InsightCursor(Base):
    """How far the rollup has read each source: the last row id (and for live ratings, the last time)."""

    __tablename__ = "insight_cursors"

    source = Column(String(32), primary_key=True)
    last_id = Column(Integer, nullable=False, default=0)
    last_at = Column(DateTime)


class InsightSalt(Base):
    """One row: the random salt of the conversation keys, so a key cannot be recomputed from an id elsewhere."""

    __tablename__ = "insight_salt"

    id = Column(Integer, primary_key=True)
    salt = Column(String(64), nullable=False)


class InsightDay(Base):
    """Counts of one day (in the office's time zone). Conversation-level counts (conversations,
    escalated, uncontained) are on the day the conversation started; the rest on the day it happened."""

    __tablename__ = "insight_days"

    day = Column(Date, primary_key=True)
    conversations = _count()
    uncontained = _count()  # escalated or rated down
    escalated = _count()
    user_turns = _count()
    fallback_turns = _count()  # not understood or nothing found, each turn once
    not_understood_turns = _count()
    nothing_found_turns = _count()
    nlu_fallback_turns = _count()  # Rasa's own measure: the NLU fell back
    thumbs_up = _count()
    thumbs_down = _count()
    rated_conversations = _count()
    live_ratings = _count()
    live_positive = _count()  # "Goed geholpen", the top answer
    live_sum = _count()


class InsightFacet(Base):
    """Per day and value of one kind (topic, setting, article, provider, reason, mode): how often,
    in how many conversations (each counted once, on the first day), and thumbs for articles."""

    __tablename__ = "insight_facets"

    day = Column(Date, primary_key=True)
    kind = Column(String(16), primary_key=True)
    value = Column(String(120), primary_key=True)
    count = _count()
    conversations = _count()
    up = _count()
    down = _count()


class InsightConversation(Base):
    """A conversation still in progress, by salted hash: what it has been counted for already."""

    __tablename__ = "insight_conversations"

    key = Column(String(64), primary_key=True)
    started = Column(Date, nullable=False)
    last_seen = Column(Float, nullable=False)  # UNIX time of its latest event
    seen = Column(JSON, nullable=False, default=list)  # "kind:value" facets already counted
    escalated = Column(Boolean, nullable=False, default=False)
    uncontained = Column(Boolean, nullable=False, default=False)
    question_id = Column(Integer)  # tracker row of the latest user message, read only if it goes unanswered
    missed = Column(Boolean, nullable=False, default=False)  # that message was already counted as a fallback


class InsightGap(Base):
    """An unanswered or badly rated question, redacted and cut short; expires after GAP_DAYS."""

    __tablename__ = "insight_gaps"

    id = Column(Integer, primary_key=True, autoincrement=True)
    day = Column(Date, nullable=False, index=True)
    conversation = Column(String(16), nullable=False)  # a prefix of the conversation key: counts distinct ones
    why = Column(String(16), nullable=False)  # not_understood, nothing_found or rated_down
    text = Column(String(300), nullable=False)
    vector = Column(LargeBinary)  # e5 vector of the redacted text, filled when first clustered
