"""The project's own SQL tables, and how to open a session on them."""

from bot.store.db import make_engine, make_sessionmaker, unit_of_work
from bot.store.models import (
    Advisor,
    Article,
    Audience,
    Base,
    Escalation,
    EscalationNote,
    Feedback,
    KnowledgeState,
    PassageVector,
    PendingCallback,
    Provider,
    ReviewItem,
    SynonymGroup,
    Topic,
)

__all__ = [
    "Advisor",
    "Article",
    "Audience",
    "Base",
    "Escalation",
    "EscalationNote",
    "Feedback",
    "KnowledgeState",
    "PassageVector",
    "PendingCallback",
    "Provider",
    "ReviewItem",
    "SynonymGroup",
    "Topic",
    "make_engine",
    "make_sessionmaker",
    "unit_of_work",
]
