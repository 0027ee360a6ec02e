"""The button "heeft een artikel nodig": a gap cluster lands on the editors' list.

The editors' list is the review queue's status needs_article (bot/training/review.py; `python -m bot
review articles` and the maintainers' page show it). A cluster is added as one review item: its first
example (already redacted) as the text, its size as the count. A question already decided stays as
it was decided; an open one moves onto the list.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.insights.clusters import GapCluster
from bot.store import ReviewItem, unit_of_work
from bot.store.words import ReviewStatus
from bot.training.review import normalise

WHY = "inzicht: vraag zonder goed antwoord"


def ask_for_article(factory: sessionmaker, cluster: GapCluster, by: str, clock=None) -> ReviewItem:
    """Puts the cluster on the editors' list; returns its review item."""
    now = (clock or (lambda: datetime.now(timezone.utc)))().astimezone(timezone.utc).replace(tzinfo=None)
    text = cluster.examples[0]
    with unit_of_work(factory) as session:
        row = session.execute(select(ReviewItem).where(ReviewItem.key == normalise(text))).scalar_one_or_none()
        if row is None:
            row = ReviewItem(
                key=normalise(text),
                text=text,
                why=WHY,
                count=cluster.conversations,
                status=ReviewStatus.NEEDS_ARTICLE.value,
                decided_by=by,
                decided_at=now,
                seen_at=now,
            )
            session.add(row)
        elif row.status == ReviewStatus.OPEN:
            row.status, row.decided_by, row.decided_at = ReviewStatus.NEEDS_ARTICLE.value, by, now
            row.count, row.seen_at = max(row.count, cluster.conversations), now
        return row
