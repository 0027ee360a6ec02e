"""POST /beoordeling/live in the running web app: proof of the conversation, Origin, JSON, a closed
live chat, once, and the limits."""

from __future__ import annotations

from datetime import datetime

import pytest
import requests
from sqlalchemy import select

from bot.conversation_ids import new_webchat_id, resume_token
from bot.store import Escalation, unit_of_work
from tests.integration.conftest import web_process

ORIGIN = "http://localhost:8000"
SECRET = "proef-sessiegeheim"
_tickets = iter(range(1, 1000))


@pytest.fixture(scope="module")
def web(tmp, factory):
    settings = dict(JEP_ALLOWED_ORIGINS=ORIGIN, JEP_SESSION_SECRET=SECRET, JEP_TRUSTED_PROXIES="127.0.0.1")
    with web_process(tmp, **settings) as base:
        yield base, factory


def live_chat(factory, status: str = "closed", mode: str = "live") -> tuple[str, str]:
    """A conversation with one escalation; its id and ticket."""
    conversation, ticket = new_webchat_id(), f"E-2026-{next(_tickets):06d}"
    with unit_of_work(factory) as session:
        session.add(Escalation(ticket=ticket, reason="user_request", mode=mode, status=status,
                               conversation_id=conversation, created_at=datetime(2026, 12, 1, 10),
                               closed_at=datetime(2026, 12, 1, 10, 30) if status == "closed" else None))  # fmt: skip
    return conversation, ticket


def rating_of(factory, ticket: str):
    with unit_of_work(factory) as session:
        return session.execute(select(Escalation.live_rating).where(Escalation.ticket == ticket)).scalar_one()


def rate(base, session_id, rating=3, token=None, **headers):
    body = {"session_id": session_id, "resume_token": token or resume_token(SECRET, session_id), "rating": rating}
    return requests.post(f"{base}/beoordeling/live", json=body, headers={"Origin": ORIGIN, **headers}, timeout=10)


def test_a_closed_live_chat_is_rated_once(web):
    base, factory = web
    conversation, ticket = live_chat(factory)
    reply = rate(base, conversation, 2)
    assert reply.status_code == 200 and reply.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert rating_of(factory, ticket) == 2
    again = rate(base, conversation, 3)
    assert again.status_code == 409 and "al beoordeeld" in again.json()["error"]
    assert rating_of(factory, ticket) == 2


def test_no_rating_without_a_closed_live_chat(web):
    base, factory = web
    for conversation, ticket in (live_chat(factory, status="claimed"), live_chat(factory, mode="callback")):
        reply = rate(base, conversation)
        assert reply.status_code == 409 and reply.json()["error"].startswith("Er is geen afgesloten gesprek")
        assert rating_of(factory, ticket) is None
    assert rate(base, new_webchat_id()).status_code == 409


def test_without_proof_from_elsewhere_not_json_or_not_a_rating_is_refused(web):
    base, factory = web
    conversation, ticket = live_chat(factory)
    url = f"{base}/beoordeling/live"
    assert rate(base, conversation, token=resume_token(SECRET, new_webchat_id())).status_code == 403
    assert requests.post(url, json={"session_id": conversation, "rating": 3}, timeout=10).status_code == 403
    foreign = rate(base, conversation, Origin="https://kwaadwillend.example")
    assert foreign.status_code == 403 and "Access-Control-Allow-Origin" not in foreign.headers
    assert requests.post(url, data="rating=3", timeout=10,
                         headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 415  # fmt: skip
    broken = requests.post(url, data=b"\xff{", headers={"Content-Type": "application/json"}, timeout=10)
    assert broken.status_code == 400
    assert requests.post(url, json=[3], timeout=10).status_code == 400
    for wrong in (0, 4, True, "3", 2.5, None, {"x": 1}):  # each its own conversation, to stay within the limit
        reply = rate(base, new_webchat_id(), wrong)
        assert reply.status_code == 400 and reply.json()["error"] == "Kies een van de antwoorden."
    assert rating_of(factory, ticket) is None


def test_ratings_are_limited_per_conversation(web):
    base, factory = web
    conversation, _ = live_chat(factory)
    statuses = [rate(base, conversation, 0).status_code for _ in range(6)]
    assert statuses[0] == 400 and statuses[-1] == 429


def test_the_preflight_of_an_allowed_site(web):
    base, _ = web
    asking = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
              "Access-Control-Request-Headers": "content-type"}
    reply = requests.options(f"{base}/beoordeling/live", headers=asking, timeout=10)
    assert reply.ok and reply.headers["Access-Control-Allow-Origin"] == ORIGIN
