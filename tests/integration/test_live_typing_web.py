"""The advisor's live transcript in the real `python -m bot web` says whether the professional is
typing, as the web chat tells it with the relay token; a closed chat or an unreachable chat
server is simply "not typing", never an error on the advisor's page."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from bot.advisors.accounts import AccountService
from bot.store import Escalation, unit_of_work
from tests.conftest import free_port
from tests.integration.conftest import web_process

PASSWORD = "een-lang-proefwachtwoord"
TOKEN = "proef-relaytoken"
TYPING, QUIET, CLOSED = "E-2026-000001", "E-2026-000002", "E-2026-000003"


class WebChat(BaseHTTPRequestHandler):
    """The Rasa server's /typing, as webchat.py answers it: the professional of web-typt is typing."""

    asked: list[str] = []

    def do_GET(self):
        url = urlparse(self.path)
        if url.path != "/webhooks/webchat/typing" or self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self.answer(401, {"error": "niet geautoriseerd"})
            return
        session_id = parse_qs(url.query).get("session_id", [""])[0]
        self.asked.append(session_id)
        self.answer(200, {"typing": session_id == "web-typt"})

    def answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def chat_server():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), WebChat)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def web(tmp, factory, chat_server):
    AccountService(factory).add("anna", PASSWORD)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with unit_of_work(factory) as session:
        session.add_all([
            Escalation(ticket=TYPING, reason="user_request", mode="live", status="claimed", claimed_by="anna",
                       conversation_id="web-typt", created_at=now),
            Escalation(ticket=QUIET, reason="user_request", mode="live", conversation_id="web-stil", created_at=now),
            Escalation(ticket=CLOSED, reason="user_request", mode="live", status="closed", conversation_id="web-typt",
                       created_at=now, closed_at=now),
        ])  # fmt: skip
    with web_process(tmp, JEP_RASA_PORT=str(chat_server.server_port), JEP_RELAY_TOKEN=TOKEN) as base:
        session = requests.Session()
        assert session.post(f"{base}/adviseurs/login", data={"username": "anna", "password": PASSWORD}, timeout=10).ok
        yield base, session


def live(web, ticket: str) -> dict:
    base, session = web
    reply = session.get(f"{base}/adviseurs/escalaties/{ticket}/gesprek", timeout=10)
    assert reply.status_code == 200
    return reply.json()


def test_the_live_transcript_says_who_is_typing(web):
    assert live(web, TYPING) == {"lines": [], "typing": True}
    assert live(web, QUIET)["typing"] is False


def test_a_closed_chat_is_not_asked_about(web):
    WebChat.asked.clear()
    assert live(web, CLOSED)["typing"] is False
    assert WebChat.asked == []


def test_the_page_has_a_polite_place_for_it(web):
    base, session = web
    page = session.get(f"{base}/adviseurs/escalaties/{TYPING}", timeout=10).text
    assert '<p id="professional-typing" class="muted" aria-live="polite"></p>' in page
    assert 'id="professional-typing"' not in session.get(f"{base}/adviseurs/escalaties/{CLOSED}", timeout=10).text


def test_without_the_chat_server_nobody_is_typing(web, chat_server):
    chat_server.shutdown()
    chat_server.server_close()
    assert live(web, TYPING)["typing"] is False
