"""The tables beside the KPIs: handoffs by reason and mode, topics over time, articles, providers, settings."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.escalation.states import MODE_LABELS, MODES, REASON_LABELS, REASONS
from bot.insights.conversation_events import OTHER
from bot.insights.report_tables import ReportTable
from bot.insights.suppression import count_cell, rate_cell
from bot.insights.tables import InsightFacet
from bot.store import Article, Audience, Provider, Topic

Period = tuple[date, date, str]  # first day, last day, label
SUMS = ("count", "conversations", "up", "down")


def facet_tables(session: Session, since: date, until: date, periods: list[Period], total: Counter) -> list:
    labels = _labels(session)
    in_period = InsightFacet.day.between(since, until)
    query = select(InsightFacet.kind, InsightFacet.value, *(func.sum(getattr(InsightFacet, c)) for c in SUMS))
    sums: dict[str, dict[str, Counter]] = defaultdict(dict)
    for kind, value, *numbers in session.execute(
        query.where(in_period).group_by(InsightFacet.kind, InsightFacet.value)
    ):
        sums[kind][value] = Counter(dict(zip(SUMS, (n or 0 for n in numbers), strict=True)))
    topic_days = session.execute(
        select(InsightFacet.day, InsightFacet.value, InsightFacet.conversations)
        .where(in_period, InsightFacet.kind == "topic")
    ).all()  # fmt: skip
    conversations = total["conversations"]
    return [
        _handoffs(sums, conversations),
        _topics_over_time(topic_days, periods, labels["topic"]),
        _articles(sums["article"], labels["article"]),
        _shown("providers", "Getoonde organisaties", "Organisatie", sums["provider"], labels["provider"]),
        _shares("settings", "Werkvelden", "Werkveld", sums["setting"], labels["setting"], conversations),
    ]


def _handoffs(sums: dict[str, dict[str, Counter]], conversations: int) -> ReportTable:
    rows = []
    for kind, values, names in (("reason", REASONS, REASON_LABELS), ("mode", MODES, MODE_LABELS)):
        for value in (*values, OTHER):
            escalated = sums[kind].get(value, Counter())["conversations"]
            if value != OTHER or escalated:
                rows.append((names.get(value, "Overig"), count_cell(escalated, escalated),
                             rate_cell(escalated, conversations, conversations)))  # fmt: skip
    columns = ("Reden of wijze", "Gesprekken met overdracht", "Overdrachtpercentage")
    return ReportTable("overdracht", "Overdracht naar een adviseur, per reden en wijze", columns, tuple(rows),
                       frozenset({2}))  # fmt: skip


def _topics_over_time(rows, periods: list[Period], names: dict[str, str]) -> ReportTable:
    label_of = {}
    for first, last, label in periods:
        for offset in range((last - first).days + 1):
            label_of[first + timedelta(days=offset)] = label
    per_topic: dict[str, Counter] = defaultdict(Counter)
    for day, value, conversations in rows:
        per_topic[value][label_of[day]] += conversations or 0
    ordered = sorted(per_topic, key=lambda v: (-sum(per_topic[v].values()), names.get(v, v)))
    table = tuple(
        (names.get(v, v), *(count_cell(per_topic[v][p[2]], per_topic[v][p[2]]) for p in periods)) for v in ordered
    )
    return ReportTable("onderwerpen", "Onderwerpen door de tijd (gesprekken)", ("Onderwerp", *(p[2] for p in periods)),
                       table)  # fmt: skip


def _articles(sums: dict[str, Counter], names: dict[str, str]) -> ReportTable:
    rows = []
    for value, c in sorted(sums.items(), key=lambda item: (-item[1]["conversations"], item[0])):
        rated = c["up"] + c["down"]
        rows.append((names.get(value, value), count_cell(c["count"], c["conversations"]),
                     count_cell(c["conversations"], c["conversations"]), count_cell(c["up"], rated),
                     count_cell(c["down"], rated), rate_cell(c["up"], rated, rated)))  # fmt: skip
    columns = ("Artikel", "Getoond", "Gesprekken", "Duim omhoog", "Duim omlaag", "Waardering")
    return ReportTable("artikelen", "Getoonde artikelen en hun beoordeling", columns, tuple(rows), frozenset({5}))


def _shown(name: str, title: str, what: str, sums: dict[str, Counter], names: dict[str, str]) -> ReportTable:
    ordered = sorted(sums.items(), key=lambda item: (-item[1]["conversations"], item[0]))
    rows = tuple((names.get(v, v), count_cell(c["count"], c["conversations"]),
                  count_cell(c["conversations"], c["conversations"])) for v, c in ordered)  # fmt: skip
    return ReportTable(name, title, (what, "Getoond", "Gesprekken"), rows)


def _shares(name, title, what, sums: dict[str, Counter], names: dict[str, str], conversations: int) -> ReportTable:
    ordered = sorted(sums.items(), key=lambda item: (-item[1]["conversations"], item[0]))
    rows = tuple((names.get(v, v), count_cell(c["conversations"], c["conversations"]),
                  rate_cell(c["conversations"], conversations, conversations)) for v, c in ordered)  # fmt: skip
    return ReportTable(name, title, (what, "Gesprekken", "Aandeel van gesprekken"), rows, frozenset({2}))


def _labels(session: Session) -> dict[str, dict[str, str]]:
    """What people call each id; an id no longer in the knowledge base shows as itself."""
    found = {
        "topic": dict(session.execute(select(Topic.id, Topic.label)).all()),
        "setting": dict(session.execute(select(Audience.id, Audience.label)).all()),
        "article": dict(session.execute(select(Article.id, Article.title)).all()),
        "provider": dict(session.execute(select(Provider.id, Provider.name)).all()),
    }
    for names in found.values():
        names.setdefault(OTHER, "Overig / onbekend")
    return found
