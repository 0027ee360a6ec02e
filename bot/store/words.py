"""The fixed words stored in a column: an escalation's status, a review item's status."""

from __future__ import annotations

from enum import Enum


class Word(str, Enum):
    """A `str`, so stored values and JSON stay the plain words; prints as itself, so a template or
    f-string shows "open", not "Status.OPEN"."""

    def __str__(self) -> str:
        return self.value


class EscalationStatus(Word):
    """open → claimed → closed; a claimed one may go back to open (released). bot/escalation/lifecycle.py."""

    OPEN = "open"
    CLAIMED = "claimed"
    CLOSED = "closed"


class ReviewStatus(Word):
    """A message in the maintainers' review queue (bot/training/review.py): open until decided."""

    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    NEEDS_ARTICLE = "needs_article"
