"""The handoff summary (question, topic, setting, what the assistant showed and how it was rated)
and the canned replies (a starter set, edited by a lead, audited)."""
import asyncio
from datetime import datetime, timezone

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine

from bot.advisors.audit import AuditLog
from bot.advisors.canned_replies import STARTERS, CannedReplies, CannedReplyError
from bot.escalation.conversation_facts import ConversationFacts
from bot.escalation.handoff import Handoff
from bot.feedback import FeedbackService
from bot.store import Audience, Topic, unit_of_work

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)


def test_the_handoff_summary(factory, tmp_path):
    with unit_of_work(factory) as session:
        session.add(Topic(id="online", label="Online radicalisering", scope="", keywords=[]))
        session.add(Audience(id="onderwijs", label="Onderwijs", keywords=[]))
    store = SQLTrackerStore(Domain.empty(), db=str(tmp_path / "tracker.db"))
    at = NOW.timestamp() - 600
    articles = {"type": "articles", "items": [{"id": "a1", "title": "Signalen online"},
                                              {"id": "a2", "title": "Het gesprek aangaan"}]}
    providers = {"type": "providers", "items": [{"id": "p1", "name": "Steunpunt"}]}
    events = [
        UserUttered("Een leerling deelt extreme memes", timestamp=at),
        SlotSet("topic", "online", timestamp=at + 1),
        SlotSet("setting", "onderwijs", timestamp=at + 2),
        BotUttered(None, data={"custom": articles}, timestamp=at + 3),
        BotUttered(None, data={"custom": providers}, timestamp=at + 4),
        BotUttered(None, data={"custom": articles}, timestamp=at + 5),  # shown again: listed once
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events("c1", events)))
    feedback = FeedbackService(factory)
    feedback.rate("c1", "up", article_ids=["a1", "a2"])
    feedback.rate("c1", "down", article_ids=["a2"])
    handoff = Handoff(factory, ConversationFacts(create_engine(f"sqlite:///{tmp_path / 'tracker.db'}", future=True)),
                      clock=lambda: NOW)  # fmt: skip
    item = {"conversation_id": "c1", "topic": None, "reason": "negative_feedback", "closed_at": None,
            "created_at": "2026-11-25T09:52:00+00:00"}  # fmt: skip
    assert handoff.summary(item) == {
        "question": "Een leerling deelt extreme memes",
        "topic": "Online radicalisering",
        "setting": "Onderwijs",
        "region": None,
        "articles": [{"id": "a1", "title": "Signalen online", "rating": "nuttig"},
                     {"id": "a2", "title": "Het gesprek aangaan", "rating": "niet nuttig"}],
        "providers": [{"id": "p1", "name": "Steunpunt"}],
        "reason": "negative_feedback",
        "waiting_seconds": 480,
        "live_rating": None,
    }  # fmt: skip


def test_canned_replies_start_with_a_dutch_set_and_leads_edit_them(factory):
    canned = CannedReplies(factory, clock=lambda: NOW)
    replies = canned.all()
    assert [r["title"] for r in replies] == [title for title, _ in STARTERS]
    assert all(len(r["text"]) <= 2000 for r in replies)
    first = replies[0]["id"]
    canned.save("Welkom", "Hallo, fijn dat je er bent.", "lotte", first)
    canned.save("Nieuw", "Nog een antwoord.", "lotte")
    canned.remove(replies[1]["id"], "lotte")
    titles = [r["title"] for r in canned.all()]
    assert titles[0] == "Welkom" and "Nieuw" in titles and replies[1]["title"] not in titles
    assert canned.text_of(first) == "Hallo, fijn dat je er bent."
    for title, text in (("", "x"), ("x" * 81, "x"), ("Titel", ""), ("Titel", "x" * 2001)):
        with pytest.raises(CannedReplyError):
            canned.save(title, text, "lotte")
    with pytest.raises(CannedReplyError, match="bestaat niet"):
        canned.remove(9999, "lotte")
    assert [e.action for e in AuditLog(factory).actions()] == ["canned_replies"] * 3
