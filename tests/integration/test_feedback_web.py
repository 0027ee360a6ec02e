"""POST /feedback in the running web app: proof of the conversation, Origin, JSON, redaction, limits."""

from __future__ import annotations

import sqlite3

import pytest
import requests
from sqlalchemy import select

from bot.conversation_ids import new_webchat_id, resume_token
from bot.store import Feedback, unit_of_work
from tests.integration.conftest import web_process

ORIGIN = "http://localhost:8000"
SECRET = "proef-sessiegeheim"


@pytest.fixture(scope="module")
def web(tmp, factory):
    """`python -m bot web` behind a proxy on this host, which it trusts for X-Forwarded-For."""
    settings = dict(JEP_ALLOWED_ORIGINS=ORIGIN, JEP_SESSION_SECRET=SECRET, JEP_TRUSTED_PROXIES="127.0.0.1")
    with web_process(tmp, **settings) as base:
        yield base, factory


_clients = iter(range(1, 250))


def client() -> str:
    """A fresh made-up client address, so that each test has its own budget behind the trusted proxy."""
    return f"198.51.100.{next(_clients)}"


def rate(base, session_id=None, forwarded_for=None, **body):
    session_id = session_id or new_webchat_id()
    headers = {"Origin": ORIGIN, "X-Forwarded-For": forwarded_for or client()}
    payload = {"session_id": session_id, "resume_token": resume_token(SECRET, session_id), "rating": "down"} | body
    return requests.post(f"{base}/feedback", json=payload, headers=headers, timeout=10)


def test_a_rating_is_stored_with_its_query_redacted(web):
    base, factory = web
    reply = rate(base, query="vraag van mevrouw bakker, BSN 111222333", articles=["a-1", "111222333", 7])
    assert reply.status_code == 200
    with unit_of_work(factory) as session:
        stored = session.execute(select(Feedback).where(Feedback.rating == "down")).scalars().first()
        assert stored.query == "vraag van mevrouw [NAAM], BSN [BSN]"
        assert stored.article_ids == ["a-1"]


def test_a_rating_without_proof_from_elsewhere_or_not_json_is_refused(web):
    base, _ = web
    session_id = new_webchat_id()
    url = f"{base}/feedback"
    assert requests.post(url, json={"session_id": session_id, "rating": "up"}, timeout=10).status_code == 403
    other = rate(base, session_id=session_id, resume_token=resume_token(SECRET, "web-" + "0" * 32))
    assert other.status_code == 403
    foreign = requests.post(url, json={}, headers={"Origin": "https://kwaadwillend.example"}, timeout=10)
    assert foreign.status_code == 403 and foreign.json()["error"]
    assert requests.post(url, data="rating=up", timeout=10,
                         headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 415  # fmt: skip
    assert requests.post(url, json="up", timeout=10).status_code == 400
    assert rate(base, query=["geen tekst"]).status_code == 400
    assert rate(base, rating="geweldig").status_code == 400


def test_ratings_are_limited_per_conversation(web):
    base, _ = web
    session_id = new_webchat_id()
    statuses = [rate(base, session_id=session_id).status_code for _ in range(11)]
    assert statuses[0] == 200 and statuses[-1] == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_budget(web):
    base, _ = web
    for _ in range(40):
        assert rate(base).status_code == 200  # forty clients, each their own address
    one = client()
    statuses = [rate(base, forwarded_for=one).status_code for _ in range(35)]  # one client, many conversations
    assert statuses[0] == 200 and statuses[-1] == 429


def test_a_rating_while_the_database_stays_locked_gets_a_503_to_send_again(web, tmp_path_factory):
    base, factory = web
    path = factory.kw["bind"].url.database
    holder = sqlite3.connect(path, timeout=1, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        reply = rate(base, query="tijdens het slot")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert reply.status_code == 503 and reply.headers["Retry-After"] == "5"
    assert "opnieuw" in reply.json()["error"]
    assert rate(base, query="na het slot").status_code == 200
