"""The KPIs of a period, per day or week, read from the rollups only (never the tracker store).

Definitions (also in docs/insights.md):
- conversations: conversations with at least one message of the professional, on the day they started;
- containment: share of those that ended without an escalation and without a thumbs-down;
- fallback rate: share of user turns answered with "not understood" or "nothing found";
- handoff rate: share of conversations with an escalation (by reason and by mode: with that reason or mode);
- CSAT: thumbs up ÷ all thumbs; live-chat CSAT: "Goed geholpen" ÷ all ratings after a live chat.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.insights.facet_tables import facet_tables
from bot.insights.report_tables import ReportTable
from bot.insights.suppression import Count, Rate, count_cell, rate_cell
from bot.insights.tables import InsightDay
from bot.store import unit_of_work

PER = ("day", "week")
DAY_COLUMNS = tuple(c.name for c in InsightDay.__table__.columns if c.name != "day")
KPI_COLUMNS = ("Periode", "Gesprekken", "Gebruikersbeurten", "Containment", "Fallback", "Overdracht", "CSAT",
               "CSAT live chat")  # fmt: skip


@dataclass(frozen=True)
class Bucket:
    start: date
    end: date  # inclusive

    def label(self, per: str) -> str:
        if per == "day":
            return self.start.isoformat()
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class KpiRow:
    label: str
    conversations: Count
    user_turns: Count
    containment: Rate
    fallback_rate: Rate
    handoff_rate: Rate
    csat: Rate
    live_csat: Rate

    def cells(self) -> tuple:
        return tuple(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True)
class Insights:
    since: date
    until: date
    per: str
    rows: tuple[KpiRow, ...]
    total: KpiRow
    extra: tuple[ReportTable, ...]  # handoffs, topics over time, articles, providers, settings

    def kpi_table(self) -> ReportTable:
        rows = tuple(row.cells() for row in (*self.rows, self.total))
        return ReportTable("kpis", "Kerncijfers", KPI_COLUMNS, rows, frozenset(range(3, 8)))

    def tables(self) -> list[ReportTable]:
        return [self.kpi_table(), *self.extra]


def buckets(since: date, until: date, per: str) -> list[Bucket]:
    """Days, or ISO weeks (Monday to Sunday) cut off at the period's ends."""
    if per not in PER:
        raise ValueError(f"per moet 'day' of 'week' zijn, niet {per!r}")
    found, start = [], since
    while start <= until:
        end = start if per == "day" else min(until, start + timedelta(days=6 - start.weekday()))
        found.append(Bucket(start, end))
        start = end + timedelta(days=1)
    return found


def kpi_row(label: str, counts: Counter) -> KpiRow:
    conversations = counts["conversations"]
    rated = counts["thumbs_up"] + counts["thumbs_down"]
    return KpiRow(
        label=label,
        conversations=count_cell(conversations, conversations),
        user_turns=count_cell(counts["user_turns"], conversations),
        containment=rate_cell(conversations - counts["uncontained"], conversations, conversations),
        fallback_rate=rate_cell(counts["fallback_turns"], counts["user_turns"], conversations),
        handoff_rate=rate_cell(counts["escalated"], conversations, conversations),
        csat=rate_cell(counts["thumbs_up"], rated, counts["rated_conversations"]),
        live_csat=rate_cell(counts["live_positive"], counts["live_ratings"], counts["live_ratings"]),
    )


def insights(factory: sessionmaker, since: date, until: date, per: str = "week") -> Insights:
    """Every figure of the period [since, until], per day or week; small numbers suppressed."""
    periods = buckets(since, until, per)
    with unit_of_work(factory) as session:
        days = session.execute(
            select(InsightDay.day, *(func.coalesce(getattr(InsightDay, c), 0) for c in DAY_COLUMNS))
            .where(InsightDay.day.between(since, until))
        ).all()  # fmt: skip
        per_day = {row[0]: Counter(dict(zip(DAY_COLUMNS, row[1:], strict=True))) for row in days}
        total = sum(per_day.values(), Counter())
        extra = facet_tables(session, since, until, [(b.start, b.end, b.label(per)) for b in periods], total)
    rows = []
    for bucket in periods:
        counts = sum((per_day.get(bucket.start + timedelta(days=d), Counter())
                      for d in range((bucket.end - bucket.start).days + 1)), Counter())  # fmt: skip
        rows.append(kpi_row(bucket.label(per), counts))
    return Insights(since, until, per, tuple(rows), kpi_row("Totaal", total), tuple(extra))
