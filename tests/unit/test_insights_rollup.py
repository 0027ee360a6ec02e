"""The rollup on a synthetic tracker store with known counts: exact KPIs, also across a purge."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, select

from bench import insights_data as ev
from bot.insights.kpis import insights
from bot.insights.rollup import Rollup
from bot.insights.suppression import SUPPRESSED
from bot.insights.tables import InsightConversation, InsightDay, InsightFacet, InsightGap
from bot.privacy.retention import Retention
from bot.store import Audience, Escalation, Feedback, Topic, make_engine, make_sessionmaker, unit_of_work

ZONE = ZoneInfo("Europe/Amsterdam")
DAY1, DAY2, DAY3 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 4, 20)
CANARY = "Mijn collega Jan Jansen, bel 0612345678 of jan.jansen@example.nl"


def noon(day: date, seconds: int = 0) -> float:
    return datetime(day.year, day.month, day.day, 11, 0, tzinfo=timezone.utc).timestamp() + seconds


def naive(day: date, seconds: int = 0) -> datetime:
    return datetime.fromtimestamp(noon(day, seconds), timezone.utc).replace(tzinfo=None)


def known_store(tracker) -> list[dict]:
    """Day 1: 20 conversations with an article; 5 not understood once, 6 escalated. Day 2: 10 with nothing found."""
    rows = []
    for n in range(20):
        s, t = f"a{n}", noon(DAY1, n * 60)
        rows += [
            ev.bot(s, t - 1, "Welkom"),
            ev.user(s, t, "hoe herken ik signalen"),
            ev.slot(s, t + 1, "topic", "Signalen"),
            ev.bot(s, t + 2, custom=ev.articles("art-1", "art-2")),
            ev.slot(s, t + 3, "setting", "onderwijs"),
        ]
        if n < 5:
            rows += [
                ev.user(s, t + 10, "blabla xyz", "nlu_fallback", 0.3),
                ev.bot(s, t + 11, "?", "utter_ask_rephrase"),
            ]
        if 5 <= n < 11:
            rows += [
                ev.user(s, t + 20, "/request_human", "request_human"),
                ev.bot(s, t + 21, custom=ev.escalation("user_request", "phone")),
            ]
    for n in range(10):
        s, t = f"b{n}", noon(DAY2, n * 60)
        rows += [
            ev.user(s, t, CANARY if n == 0 else f"vraag over iets zeldzaams {n}"),
            ev.bot(s, t + 1, "Ik vond geen artikel", "utter_no_articles"),
            ev.action(s, t + 2, "action_listen"),
        ]
    ev.insert_events(tracker, rows)
    return rows


@pytest.fixture
def world(tmp_path):
    tracker = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}", future=True)
    ev.create_tracker(tracker)
    known_store(tracker)
    factory = make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'jep.db'}"))
    with unit_of_work(factory) as session:
        session.add(Topic(id="signalen", label="Signalen herkennen", keywords=["signalen"]))
        session.add(Audience(id="onderwijs", label="Onderwijs", keywords=["school"]))
        session.add_all(
            [
                Feedback(
                    conversation_id=f"a{n}",
                    rating="down",
                    query=CANARY if n == 0 else "slecht antwoord",
                    article_ids=["art-1"],
                    created_at=naive(DAY1, 3600),
                )
                for n in range(5)
            ]
        )
        session.add_all(
            [
                Feedback(conversation_id=f"a{n}", rating="up", article_ids=["art-1"], created_at=naive(DAY1, 3600))
                for n in range(11, 19)
            ]
        )
        session.add_all([Escalation(ticket=f"E-{n}", reason="user_request", mode="live", status="closed",
                                    conversation_id=f"a{n}", closed_at=naive(DAY1, 7000),
                                    live_rating=3 if n < 10 else 1,
                                    live_rated_at=naive(DAY1, 7200 + n)) for n in range(5, 11)])  # fmt: skip
    clock = lambda: datetime(2026, 3, 4, tzinfo=timezone.utc)  # noqa: E731
    return factory, tracker, Rollup(factory, tracker, ZONE, chunk=7, clock=clock)


def test_known_counts_give_exact_kpis(world):
    factory, _tracker, rollup = world
    report = rollup.update()
    assert (report.feedback, report.live_ratings) == (13, 6)
    with unit_of_work(factory) as session:
        day1, day2 = session.get(InsightDay, DAY1), session.get(InsightDay, DAY2)
    assert (day1.conversations, day1.user_turns, day1.fallback_turns, day1.escalated, day1.uncontained) == (
        20,
        31,
        5,
        6,
        11,
    )
    assert (day1.thumbs_up, day1.thumbs_down, day1.live_ratings, day1.live_positive) == (8, 5, 6, 5)
    assert (day2.conversations, day2.user_turns, day2.fallback_turns, day2.nothing_found_turns) == (10, 10, 10, 10)
    result = insights(factory, DAY1, DAY2, per="day")
    first, second = result.rows
    assert first.conversations == 20 and first.containment == 9 / 20 and first.fallback_rate == 5 / 31
    assert first.handoff_rate == 6 / 20 and first.csat == 8 / 13 and first.live_csat == 5 / 6
    assert second.containment == 1.0 and second.fallback_rate == 1.0 and second.csat is None
    assert result.total.conversations == 30 and result.total.fallback_rate == 15 / 41
    tables = {table.name: table for table in result.tables()}
    assert tables["onderwerpen"].rows == (("Signalen herkennen", 20, 0),)
    assert ("art-1", 20, 20, 8, 5, 8 / 13) in tables["artikelen"].rows
    assert tables["settings"].rows == (("Onderwijs", 20, 20 / 30),)
    assert tables["overdracht"].rows[0] == ("Vraagt om een adviseur", 6, 6 / 30)


def test_update_twice_counts_once_and_chunks_do_not_matter(world, tmp_path):
    factory, tracker, rollup = world
    rollup.update()
    assert rollup.update().events == 0 and rollup.pending() == 0
    one_pass = make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'other.db'}"))
    with unit_of_work(factory) as source, unit_of_work(one_pass) as target:
        for model in (Topic, Audience, Escalation):
            for row in source.execute(select(model)).scalars():
                source.expunge(row)
                target.merge(row)
        for row in source.execute(select(Feedback)).scalars():
            target.add(Feedback(conversation_id=row.conversation_id, rating=row.rating, query=row.query,
                                article_ids=row.article_ids, created_at=row.created_at))  # fmt: skip
    Rollup(one_pass, tracker, ZONE, chunk=100_000, clock=rollup.clock).update()
    assert _snapshot(factory) == _snapshot(one_pass)


def test_two_runs_at_once_count_once(world, tmp_path):
    factory, tracker, rollup = world
    alone = make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'alone.db'}"))
    with unit_of_work(factory) as source, unit_of_work(alone) as target:
        for model in (Topic, Audience, Escalation, Feedback):
            for row in source.execute(select(model)).scalars():
                source.expunge(row)
                target.merge(row)
    Rollup(alone, tracker, ZONE, chunk=7, clock=rollup.clock).update()
    # The web app's daily job and its first purge both start with an update.
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda _: rollup.update(), range(2)))
    assert _snapshot(factory) == _snapshot(alone)


def test_figures_survive_the_purge(world):
    factory, tracker, rollup = world
    rollup.update()
    before = insights(factory, DAY1, DAY2)
    ev.insert_events(tracker, [ev.user("a0", noon(DAY1, 99), "nog een vraag")])  # only the purge's catch-up sees it
    purge_day = datetime(2026, 4, 20, 12, tzinfo=timezone.utc)
    retention = Retention(factory, tracker, 30, 30, clock=lambda: purge_day, insights=rollup)
    assert retention.purge().conversations == 30  # the rollup caught up first, inside the purge
    with unit_of_work(factory) as session:
        assert not session.execute(select(Feedback)).first()
    after = insights(factory, DAY1, DAY2)
    assert after.total.user_turns == before.total.user_turns + 1
    assert after.total.containment == before.total.containment and after.extra == before.extra
    before = after
    ev.insert_events(
        tracker, [ev.user("c1", noon(DAY3), "nieuwe vraag"), ev.bot("c1", noon(DAY3, 1), custom=ev.articles("art-1"))]
    )
    rollup.update()
    assert insights(factory, DAY1, DAY2) == before
    with unit_of_work(factory) as session:
        assert session.get(InsightDay, DAY3).conversations == 1


def test_idle_conversations_and_old_gaps_expire(world):
    factory, tracker, _ = world
    late = Rollup(factory, tracker, ZONE, clock=lambda: datetime(2026, 7, 1, tzinfo=timezone.utc))
    late.update()
    with unit_of_work(factory) as session:
        assert session.execute(select(InsightConversation)).first() is None
        assert session.execute(select(InsightGap)).first() is None
        assert session.get(InsightDay, DAY1).conversations == 20


def test_small_numbers_are_suppressed(world):
    factory, tracker, rollup = world
    rollup.update()
    result = insights(factory, DAY1, DAY2, per="day")
    assert result.rows[1].csat is None
    one_day = insights(factory, date(2026, 3, 1), date(2026, 3, 1), per="day")
    assert one_day.rows[0].containment is None
    ev.insert_events(tracker, [ev.user(f"z{n}", noon(DAY3, n), "vraag") for n in range(3)])
    rollup.update()
    few = insights(factory, DAY3, DAY3, per="day").rows[0]
    assert few.conversations is SUPPRESSED and few.containment is SUPPRESSED and few.user_turns is SUPPRESSED
    with unit_of_work(factory) as session:
        session.merge(InsightFacet(day=DAY3, kind="provider", value="zeldzaam", count=9, conversations=2, up=0, down=0))
    providers = {t.name: t for t in insights(factory, DAY3, DAY3).tables()}["providers"]
    assert providers.rows == (("zeldzaam", SUPPRESSED, SUPPRESSED),)


def _snapshot(factory) -> tuple:
    with unit_of_work(factory) as session:
        days = sorted((r.day, *(getattr(r, c.name) for c in InsightDay.__table__.columns)) for r in
                      session.execute(select(InsightDay)).scalars())  # fmt: skip
        facets = sorted((f.day, f.kind, f.value, f.count, f.conversations, f.up, f.down)
                        for f in session.execute(select(InsightFacet)).scalars())  # fmt: skip
        gaps = sorted((g.day, g.why, g.text) for g in session.execute(select(InsightGap)).scalars())
    return days, facets, gaps
