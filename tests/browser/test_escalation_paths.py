"""The three ways to a person, through the running stack: phone, callback, live."""

from __future__ import annotations

from datetime import datetime

import requests
from sqlalchemy import create_engine, select, text

from bot.store import Advisor, Escalation, make_engine, make_sessionmaker, unit_of_work
from tests.browser.conftest import RELAY_TOKEN, ask


def say(stack, sender: str, message: str) -> list[dict]:
    reply = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60
    )
    assert reply.ok
    return reply.json()


def texts(messages: list[dict]) -> str:
    return " ".join(m.get("text") or "" for m in messages)


def escalation_of(stack, sender: str) -> Escalation:
    factory = make_sessionmaker(make_engine(stack.db_url))
    with unit_of_work(factory) as session:
        return (
            session.execute(
                select(Escalation).where(Escalation.conversation_id == sender).order_by(Escalation.id.desc())
            )
            .scalars()
            .first()
        )


def test_a_callback_request_refuses_bad_numbers_and_keeps_the_good_one_off_the_tracker(stack):
    sender = "terugbel-proef"
    assert "Op welk telefoonnummer" in texts(say(stack, sender, '/request_human{"mode": "callback"}'))
    assert "geen geldig Nederlands telefoonnummer" in texts(say(stack, sender, "mijn nummer is 12345"))
    assert "Wanneer komt het je" in texts(say(stack, sender, "06-24681357"))
    assert "Waar gaat je vraag over" in texts(say(stack, sender, "morgenochtend na tienen"))
    done = say(stack, sender, "Een leerling deelt extreme filmpjes en ik wil overleggen.")
    assert "belt je terug op het nummer dat eindigt op 57" in texts(done)
    assert any((m.get("custom") or {}).get("mode") == "callback" for m in done)
    record = escalation_of(stack, sender)
    assert (record.mode, record.callback_phone, record.callback_moment) == (
        "callback",
        "0624681357",
        "morgenochtend na tienen",
    )
    with create_engine(stack.tracker_db_url).connect() as connection:
        rows = connection.execute(text("SELECT data FROM events WHERE sender_id = :s"), {"s": sender}).scalars().all()
    blob = " ".join(rows)
    assert "24681357" not in blob and "0624681357" not in blob


def relay(stack, session_id: str, **body) -> requests.Response:
    return requests.post(
        f"{stack.rasa_url}/webhooks/webchat/relay",
        json={"session_id": session_id, **body},
        headers={"Authorization": f"Bearer {RELAY_TOKEN}"},
        timeout=30,
    )


def test_the_relay_refuses_callers_without_the_token(stack):
    reply = requests.post(
        f"{stack.rasa_url}/webhooks/webchat/relay", json={"session_id": "x", "text": "hoi"}, timeout=10
    )
    assert reply.status_code == 401


def test_live_takeover_carries_messages_both_ways_and_the_bot_waits_until_it_is_closed(page, stack):
    factory = make_sessionmaker(make_engine(stack.db_url))
    with unit_of_work(factory) as session:
        session.add(
            Advisor(username="adviseur-live", password_hash="x", role="advisor", last_seen_at=datetime.utcnow())
        )
    ask(page, "Ik wil een adviseur spreken")
    page.get_by_role("button", name="Chat nu met een adviseur").click()
    page.get_by_text("neemt het gesprek zo van me over").wait_for()
    session_id = page.evaluate("() => JSON.parse(sessionStorage.getItem('jep-chat')).session")
    assert escalation_of(stack, session_id).mode == "live"

    assert relay(stack, session_id, text="Goedemiddag, ik ben adviseur. Vertel maar.").ok
    page.locator(".jep-advisor", has_text="Vertel maar").wait_for()

    bots_before = page.locator(".jep-bot").count()
    page.fill("#jep-input", "Hoe herken ik signalen van radicalisering?")
    page.keyboard.press("Enter")
    page.wait_for_timeout(3000)
    assert page.locator(".jep-bot").count() == bots_before  # the bot stays silent while the advisor has it
    with create_engine(stack.tracker_db_url).connect() as connection:
        said = connection.execute(
            text("SELECT count(*) FROM events WHERE sender_id = :s AND type_name = 'user' AND data LIKE '%signalen%'"),
            {"s": session_id},
        ).scalar_one()
    assert said == 1  # ... and the advisor can read it in the transcript

    assert relay(stack, session_id, resume=True).ok
    page.get_by_text("De adviseur heeft het gesprek afgesloten").wait_for()
    ask(page, "Hoe herken ik signalen van radicalisering?")
    page.locator(".jep-card").last.wait_for()  # the bot answers again
