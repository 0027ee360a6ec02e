"""What one chunk of events adds to the daily rollups, collected in memory and written in one go."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.insights.tables import InsightConversation, InsightDay, InsightFacet, InsightGap
from bot.store.tracker_events import CHUNK as IN_LIMIT

FACET_COLUMNS = ("count", "conversations", "up", "down")


class Tally:
    def __init__(self) -> None:
        self.days: dict[date, Counter] = defaultdict(Counter)
        self.facets: dict[tuple[date, str, str], Counter] = defaultdict(Counter)
        self.gaps: list[InsightGap] = []

    def add(self, day: date, column: str, amount: int = 1) -> None:
        self.days[day][column] += amount

    def facet(self, day: date, kind: str, value: str, state: InsightConversation | None, column: str = "count") -> None:
        """Counts one occurrence; the conversation only the first time it meets this value."""
        cell = self.facets[(day, kind, value)]
        cell[column] += 1
        seen = f"{kind}:{value}"
        if state is not None and seen not in state.seen:
            state.seen = [*state.seen, seen]  # a new list: the JSON column notices only assignment
            cell["conversations"] += 1

    def gap(self, day: date, conversation_key: str, why: str, text: str) -> None:
        self.gaps.append(InsightGap(day=day, conversation=conversation_key[:16], why=why, text=text))

    def write(self, session: Session) -> None:
        """Adds the counts to the stored rows (read in one query per kind), creating the rows that are new."""
        with session.no_autoflush:
            days = _existing(session, InsightDay, set(self.days), lambda row: row.day)
            for day, counts in self.days.items():
                row = days.get(day) or _added(session, InsightDay(day=day))
                for column, amount in counts.items():
                    setattr(row, column, (getattr(row, column) or 0) + amount)
            facet_days = {day for day, _kind, _value in self.facets}
            facets = _existing(session, InsightFacet, facet_days, lambda row: (row.day, row.kind, row.value))
            for (day, kind, value), counts in self.facets.items():
                row = facets.get((day, kind, value)) or _added(session, InsightFacet(day=day, kind=kind, value=value))
                for column in FACET_COLUMNS:
                    setattr(row, column, (getattr(row, column) or 0) + counts[column])
        session.add_all(self.gaps)


def _existing(session: Session, model, days: set[date], key) -> dict:
    ordered, found = sorted(days), {}
    for start in range(0, len(ordered), IN_LIMIT):
        query = select(model).where(model.day.in_(ordered[start : start + IN_LIMIT]))
        found.update((key(row), row) for row in session.execute(query).scalars())
    return found


def _added(session: Session, row):
    session.add(row)
    return row
