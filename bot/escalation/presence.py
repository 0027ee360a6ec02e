"""Which advisors are online: seen by the web app within the last few minutes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.store import Advisor, unit_of_work

ONLINE_MINUTES = 5


def advisors_online(factory: sessionmaker, now: datetime | None = None) -> int:
    now = (now or datetime.now(timezone.utc)).replace(tzinfo=None)
    with unit_of_work(factory) as session:
        return session.execute(
            select(func.count())
            .select_from(Advisor)
            .where(Advisor.last_seen_at >= now - timedelta(minutes=ONLINE_MINUTES))
        ).scalar_one()
