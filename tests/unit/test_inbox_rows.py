"""The inbox rows: the case at a glance from the tracker store, the five views, the search,
the order (acute, a waiting live chat, due callbacks, the rest) and the counts."""
import asyncio
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine

from bot.escalation.conversation_facts import ConversationFacts
from bot.escalation.hours import OfficeHours
from bot.escalation.inbox_rows import InboxRows, SearchError
from bot.escalation.service_levels import ServiceLevels
from bot.store import Audience, Escalation, Topic, unit_of_work

ZONE = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)  # a Wednesday, 11:00 in Amsterdam
HOURS = OfficeHours.parse("1-5", "09:00-17:00", "Europe/Amsterdam")


def add(factory, ticket, minutes_ago, reason="user_request", mode="phone", status="open", **extra):
    with unit_of_work(factory) as session:
        session.add(Escalation(ticket=ticket, reason=reason, mode=mode, status=status, conversation_id=f"c-{ticket}",
                               created_at=(NOW - timedelta(minutes=minutes_ago)).replace(tzinfo=None), **extra))


@pytest.fixture
def tracker(tmp_path):
    return tmp_path / "tracker.db"


@pytest.fixture
def rows(factory, tracker):
    with unit_of_work(factory) as session:
        session.add(Topic(id="online", label="Online radicalisering", scope="", keywords=[]))
        session.add(Audience(id="onderwijs", label="Onderwijs", keywords=[]))
    facts = ConversationFacts(create_engine(f"sqlite:///{tracker}", future=True))
    return InboxRows(factory, facts, ServiceLevels(HOURS), ZONE, clock=lambda: NOW)


def test_a_row_tells_the_case_at_a_glance(rows, factory, tracker):
    add(factory, "E-1", 30, mode="callback", callback_phone="0612345678", callback_moment="morgen na tienen")
    store = SQLTrackerStore(Domain.empty(), db=str(tracker))
    at = NOW.timestamp() - 1800
    events = [
        UserUttered('/request_human{"mode": "callback"}', timestamp=at),
        UserUttered("Een leerling  deelt\nfilmpjes van [NAAM] in de klassenapp", timestamp=at + 1),
        SlotSet("topic", "online", timestamp=at + 2),
        SlotSet("setting", "onderwijs", timestamp=at + 3),
        SlotSet("region", "Zwolle", timestamp=at + 4),
        UserUttered("nog een vraag", timestamp=at + 5),
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events("c-E-1", events)))
    [row] = rows.rows()
    assert row["question"] == "Een leerling deelt filmpjes van [NAAM] in de klassenapp"
    assert (row["topic_label"], row["setting_label"], row["region"]) == ("Online radicalisering", "Onderwijs", "Zwolle")
    assert (row["mode"], row["callback_moment"], row["claimed_by"]) == ("callback", "morgen na tienen", None)
    assert row["waiting_seconds"] == 1800
    assert "0612345678" not in str(row)  # the inbox never shows the number


def test_a_long_question_is_cut_to_one_line(rows, factory, tracker):
    add(factory, "E-1", 5)
    store = SQLTrackerStore(Domain.empty(), db=str(tracker))
    asyncio.run(store.save(DialogueStateTracker.from_events("c-E-1", [UserUttered("woord " * 100)])))
    question = rows.rows()[0]["question"]
    assert len(question) == 160 and question.endswith("…") and "\n" not in question


def test_without_a_tracker_store_rows_still_show(rows, factory):
    add(factory, "E-1", 5)
    assert rows.rows()[0]["question"] is None


def test_views(rows, factory):
    add(factory, "E-1", 50)
    add(factory, "E-2", 40, reason="acute")
    add(factory, "E-3", 30, status="claimed", claimed_by="anna", first_claimed_at=NOW.replace(tzinfo=None))
    add(factory, "E-4", 20, mode="callback")  # never tried: due
    add(factory, "E-5", 15, mode="callback", next_attempt_at=(NOW + timedelta(minutes=5)).replace(tzinfo=None))
    add(factory, "E-6", 10, mode="callback", next_attempt_at=(NOW - timedelta(minutes=5)).replace(tzinfo=None))
    add(factory, "E-7", 500, status="closed", closed_at=(NOW - timedelta(minutes=30)).replace(tzinfo=None))
    # Closed yesterday evening in Amsterdam (22:59 UTC is 23:59 local): not today.
    add(factory, "E-8", 900, status="closed", closed_at=datetime(2026, 11, 24, 22, 59))
    add(factory, "E-9", 5, mode="live")

    def tickets(view, advisor=None):
        return [r["ticket"] for r in rows.rows(view, advisor)]

    assert tickets("open") == ["E-2", "E-9", "E-6", "E-4", "E-5", "E-3", "E-1"]
    assert tickets("mine", "anna") == ["E-3"] and tickets("mine", "bram") == []
    assert tickets("callbacks") == ["E-6", "E-4"]
    assert tickets("acute") == ["E-2"]
    assert tickets("closed_today") == ["E-7"]
    assert tickets("whatever") == tickets("open")
    assert [r["ticket"] for r in rows.rows(search="e-8")] == ["E-8"]
    assert rows.rows(search="nope") == []
    for bad in ("E-1' OR 1=1", "x" * 40, "%"):
        with pytest.raises(SearchError, match="ticketnummer"):
            rows.rows(search=bad)
    # Overdue: the acute one (at once) and the live chat (after 2 minutes).
    assert rows.counts(rows.rows()) == {"waiting": 6, "live_waiting": 1, "overdue": 2}
