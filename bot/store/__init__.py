"""The project's own SQL tables, and how to open a session on them."""

from bot.store.db import make_engine, make_sessionmaker, unit_of_work
from bot.store.models import (
    Advisor,
    AdvisorAction,
    Article,
    Audience,
    Base,
    CallbackAttempt,
    CannedReply,
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
    "AdvisorAction",
    "Article",
    "Audience",
    "Base",
    "CallbackAttempt",
    "CannedReply",
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

# The insights' rollup tables use the same Base: importing them here lets make_engine create them.
from bot.insights import tables as _insight_tables  # noqa: E402, F401
