"""The rating after a live chat: only for a live chat an advisor closed, only once, only an answer
from the list; and it shows in the handoff summary."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, select

from bot.escalation.conversation_facts import ConversationFacts
from bot.escalation.handoff import Handoff
from bot.escalation.hours import OfficeHours
from bot.escalation.live_rating import ALREADY, NO_LIVE_CHAT, NOT_A_RATING, LiveRatings, RatingRefused
from bot.escalation.service import EscalationService
from bot.store import Escalation, make_engine, make_sessionmaker, unit_of_work

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def add(factory, ticket: str, conversation: str, mode: str = "live", status: str = "closed",
        closed: str | None = "2026-11-28 11:00") -> None:  # fmt: skip
    with unit_of_work(factory) as session:
        session.add(Escalation(ticket=ticket, reason="user_request", mode=mode, status=status,
                               conversation_id=conversation, created_at=datetime(2026, 11, 28, 10, 0),
                               closed_at=datetime.fromisoformat(closed) if closed else None))  # fmt: skip


def stored(factory, ticket: str) -> tuple:
    with unit_of_work(factory) as session:
        row = session.execute(select(Escalation).where(Escalation.ticket == ticket)).scalar_one()
        return row.live_rating, row.live_rated_at


@pytest.fixture
def ratings(factory):
    return LiveRatings(factory, clock=lambda: NOW)


def test_a_closed_live_chat_is_rated_once(ratings, factory):
    add(factory, "E-1", "web-a")
    assert ratings.rate("web-a", 3) == "E-1"
    assert stored(factory, "E-1") == (3, datetime(2026, 11, 28, 12, 0))
    with pytest.raises(RatingRefused, match=ALREADY):
        ratings.rate("web-a", 1)
    assert stored(factory, "E-1")[0] == 3


def test_only_after_a_live_chat_that_was_closed(ratings, factory):
    add(factory, "E-1", "web-open", status="claimed", closed=None)
    add(factory, "E-2", "web-phone", mode="phone")
    for conversation in ("web-open", "web-phone", "web-nobody"):
        with pytest.raises(RatingRefused, match=NO_LIVE_CHAT):
            ratings.rate(conversation, 2)
    assert stored(factory, "E-1") == (None, None) and stored(factory, "E-2") == (None, None)


def test_the_latest_closed_live_chat_of_the_conversation_gets_it(ratings, factory):
    add(factory, "E-1", "web-a", closed="2026-11-20 11:00")
    add(factory, "E-2", "web-a", closed="2026-11-28 11:00")
    add(factory, "E-3", "web-b")
    assert ratings.rate("web-a", 1) == "E-2"
    assert stored(factory, "E-1")[0] is None and stored(factory, "E-3")[0] is None


@pytest.mark.parametrize("rating", [0, 4, -1, True, False, 2.0, "3", None, [3], {"rating": 3}])
def test_only_an_answer_from_the_list(ratings, factory, rating):
    add(factory, "E-1", "web-a")
    with pytest.raises(RatingRefused, match=NOT_A_RATING):
        ratings.rate("web-a", rating)
    assert stored(factory, "E-1") == (None, None)


def test_the_rating_shows_in_the_handoff_summary(ratings, factory, tmp_path):
    add(factory, "E-1", "web-a")
    tracker = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}", future=True)
    hours = OfficeHours.parse("1-5", "09:00-17:00", "Europe/Amsterdam")
    inbox = EscalationService(factory, hours, tracker)
    handoff = Handoff(factory, ConversationFacts(tracker), lambda: NOW)
    assert handoff.summary(inbox.get("E-1"))["live_rating"] is None
    ratings.rate("web-a", 2)
    assert handoff.summary(inbox.get("E-1"))["live_rating"] == "Een beetje geholpen"


def test_an_older_database_gets_the_rating_columns(tmp_path):
    path = tmp_path / "oud.db"
    old = create_engine(f"sqlite:///{path}", future=True)
    with old.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE escalations (id INTEGER PRIMARY KEY, ticket VARCHAR(32), "
                                   "reason VARCHAR(32) NOT NULL, mode VARCHAR(16) NOT NULL, status VARCHAR(16) "
                                   "NOT NULL, conversation_id VARCHAR(200) NOT NULL, created_at DATETIME NOT NULL)")
        connection.exec_driver_sql("INSERT INTO escalations VALUES (1, 'E-1', 'user_request', 'live', 'closed', "
                                   "'web-a', '2026-11-28 10:00:00')")  # fmt: skip
    factory = make_sessionmaker(make_engine(f"sqlite:///{path}"))
    assert LiveRatings(factory, clock=lambda: NOW).rate("web-a", 3) == "E-1"
