"""The advisors' web app, served by the real `python -m bot web`: login, sessions, CSRF,
the claim → note → close flow, the audit log, lockout, and escaping of transcripts."""
import asyncio
import os
import re
import time
from datetime import datetime, timezone
from urllib.parse import urlencode

import pytest
import requests
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.advisors.accounts import MAX_FAILURES, AccountService
from bot.advisors.audit import AuditLog
from bot.store import Escalation, make_engine, make_sessionmaker, unit_of_work
from tests.integration.conftest import running

PORT = 18280
PASSWORD = "een-lang-proefwachtwoord"
ACUTE, CALLBACK, OTHER = "E-2026-000001", "E-2026-000002", "E-2026-000003"
XSS_USER = "<img src=x onerror=alert(1)> help"
XSS_BOT = "<script>alert(2)</script> antwoord"


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("adviseurs")


@pytest.fixture(scope="module")
def factory(tmp):
    return make_sessionmaker(make_engine(f"sqlite:///{tmp / 'jep.db'}"))


@pytest.fixture(scope="module")
def web(tmp, factory):
    accounts = AccountService(factory)
    accounts.add("anna", PASSWORD)
    accounts.add("slot", PASSWORD)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with unit_of_work(factory) as session:
        session.add_all([
            Escalation(ticket=ACUTE, reason="acute", mode="phone", conversation_id="xss", created_at=now),
            Escalation(ticket=CALLBACK, reason="user_request", mode="callback", conversation_id="terugbellen",
                       created_at=now, callback_phone="0612345678", callback_moment="vanmiddag"),
            Escalation(ticket=OTHER, reason="low_confidence", mode="phone", conversation_id="ander", created_at=now),
        ])  # fmt: skip
    store = SQLTrackerStore(Domain.empty(), db=str(tmp / "tracker.db"))
    at = time.time()
    events = [UserUttered(XSS_USER, timestamp=at), BotUttered(XSS_BOT, timestamp=at + 1)]
    asyncio.run(store.save(DialogueStateTracker.from_events("xss", events)))
    env = dict(os.environ, JEP_WEB_PORT=str(PORT), JEP_HOST="127.0.0.1", JEP_DB_URL=f"sqlite:///{tmp / 'jep.db'}",
               JEP_TRACKER_DB_URL=f"sqlite:///{tmp / 'tracker.db'}")  # fmt: skip
    with running(["web"], env, f"http://127.0.0.1:{PORT}", tmp / "web.log") as base:
        yield base


def login(web: str, username: str = "anna", password: str = PASSWORD) -> requests.Session:
    session = requests.Session()
    reply = session.post(f"{web}/adviseurs/login", data={"username": username, "password": password},
                         allow_redirects=False, timeout=10)  # fmt: skip
    assert reply.status_code == 303, reply.text
    return session


def csrf_of(session: requests.Session, web: str, ticket: str) -> str:
    page = session.get(f"{web}/adviseurs/escalaties/{ticket}", timeout=10).text
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def status_of(session: requests.Session, web: str, ticket: str) -> str:
    return session.get(f"{web}/api/escalations/{ticket}", timeout=10).json()["status"]


PAGES = ["/adviseurs", f"/adviseurs/escalaties/{ACUTE}"]
STEPS = ("claim", "note", "reply", "close")
FORMS = ["/adviseurs/logout", *(f"/adviseurs/escalaties/{ACUTE}/{step}" for step in STEPS)]
API = ["/api/escalations", f"/api/escalations/{ACUTE}", f"/adviseurs/escalaties/{ACUTE}/gesprek"]


@pytest.mark.parametrize("cookies", [{}, {"jep_adviseur": "verzonnen"}])
def test_without_a_session_nothing_is_shown(web, cookies):
    for path in PAGES:
        reply = requests.get(web + path, cookies=cookies, allow_redirects=False, timeout=10)
        back = urlencode({"volgende": path})
        assert (reply.status_code, reply.headers["location"]) == (303, f"/adviseurs/login?{back}"), path
    for path in FORMS:
        reply = requests.post(web + path, data={"csrf": "x"}, cookies=cookies, allow_redirects=False, timeout=10)
        assert (reply.status_code, reply.headers["location"]) == (303, "/adviseurs/login"), path
    for path in API:
        assert requests.get(web + path, cookies=cookies, timeout=10).status_code == 401, path


def test_login_sets_a_strict_http_only_cookie(web):
    session = requests.Session()
    reply = session.post(f"{web}/adviseurs/login", data={"username": "anna", "password": PASSWORD},
                         allow_redirects=False, timeout=10)  # fmt: skip
    assert (reply.status_code, reply.headers["location"]) == (303, "/adviseurs")
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith("jep_adviseur=")
    for flag in ("HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=28800"):
        assert flag in cookie
    assert "Secure" not in cookie  # plain http: a Secure cookie would never be sent back
    inbox = session.get(f"{web}/adviseurs", timeout=10)
    assert inbox.status_code == 200 and "Inbox escalaties" in inbox.text
    assert inbox.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in inbox.headers["content-security-policy"]
    assert '<script src="/static/inbox.js" defer>' in inbox.text and not re.search(r"<script(?![^>]*src=)", inbox.text)
    items = session.get(f"{web}/api/escalations", timeout=10).json()["items"]
    assert items[0]["ticket"] == ACUTE and items[0]["reason_label"] == "Acuut gevaar"
    assert requests.get(f"{web}/static/inbox.js", timeout=10).ok


def test_a_wrong_password_is_refused_calmly(web):
    reply = requests.post(f"{web}/adviseurs/login", data={"username": "anna", "password": "fout"}, timeout=10)
    assert reply.status_code == 401 and "klopt niet" in reply.text and "set-cookie" not in reply.headers


def test_every_form_needs_the_sessions_csrf_token(web):
    session = login(web)
    other = csrf_of(login(web), web, ACUTE)  # a valid token, but of another session
    for path in FORMS:
        for data in ({}, {"csrf": "verkeerd"}, {"csrf": other}, {"csrf": "", "text": "notitie"}):
            reply = session.post(web + path, data=data, allow_redirects=False, timeout=10)
            assert reply.status_code == 403, (path, data)
    assert status_of(session, web, ACUTE) == "open"
    assert session.get(f"{web}/api/escalations", timeout=10).status_code == 200  # logout was refused too


def test_claim_note_close(web):
    session = login(web)
    token = csrf_of(session, web, CALLBACK)
    page = session.get(f"{web}/adviseurs/escalaties/{CALLBACK}", timeout=10).text
    assert "0612345678" in page and "Terugbelverzoek" in page
    base = f"{web}/adviseurs/escalaties/{CALLBACK}"
    reply = session.post(f"{base}/close", data={"csrf": token}, timeout=10)
    assert reply.status_code == 409 and "nog niet opgepakt" in reply.text
    assert session.post(f"{base}/claim", data={"csrf": token}, timeout=10).ok
    assert status_of(session, web, CALLBACK) == "claimed"
    assert session.post(f"{base}/note", data={"csrf": token, "text": "Teruggebeld."}, timeout=10).ok
    assert session.post(f"{base}/close", data={"csrf": token}, timeout=10).ok
    detail = session.get(f"{web}/api/escalations/{CALLBACK}", timeout=10).json()
    assert detail["status"] == "closed" and detail["claimed_by"] == "anna"
    assert [n["text"] for n in detail["notes"]] == ["Teruggebeld."]
    assert CALLBACK not in [i["ticket"] for i in session.get(f"{web}/api/escalations", timeout=10).json()["items"]]


def test_every_opened_escalation_is_in_the_audit_log(web, factory):
    audit = AuditLog(factory)
    before = len(audit.entries(OTHER))
    session = login(web)
    session.get(f"{web}/adviseurs/escalaties/{OTHER}", timeout=10)
    session.get(f"{web}/api/escalations/{OTHER}", timeout=10)
    entries = audit.entries(OTHER)
    assert [(e.advisor, e.via) for e in entries[before:]] == [("anna", "page"), ("anna", "api")]


def test_a_transcript_is_shown_as_text_never_as_html(web):
    session = login(web)
    page = session.get(f"{web}/adviseurs/escalaties/{ACUTE}", timeout=10).text
    assert "<img src=x" not in page and "<script>alert" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; help" in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt; antwoord" in page
    transcript = session.get(f"{web}/api/escalations/{ACUTE}", timeout=10).json()["transcript"]
    assert [(line["who"], line["text"]) for line in transcript] == [("professional", XSS_USER), ("assistant", XSS_BOT)]


def test_repeated_failures_lock_the_account(web):
    for attempt in range(1, MAX_FAILURES + 1):
        reply = requests.post(f"{web}/adviseurs/login", data={"username": "slot", "password": "fout"}, timeout=10)
        assert reply.status_code == (429 if attempt == MAX_FAILURES else 401)
    reply = requests.post(f"{web}/adviseurs/login", data={"username": "slot", "password": PASSWORD},
                          allow_redirects=False, timeout=10)  # fmt: skip
    assert reply.status_code == 429 and "geblokkeerd" in reply.text and "set-cookie" not in reply.headers


def test_login_returns_to_the_page_asked_for_and_only_to_ours(web):
    for asked, lands in [("/adviseurs/escalaties/" + ACUTE, "/adviseurs/escalaties/" + ACUTE),
                         ("//elders.example/adviseurs", "/adviseurs"), ("https://elders.example", "/adviseurs"),
                         ("/adviseurs/../elders", "/adviseurs"), ("/adviseurs\\elders", "/adviseurs")]:  # fmt: skip
        reply = requests.post(f"{web}/adviseurs/login", data={"username": "anna", "password": PASSWORD,
                              "volgende": asked}, allow_redirects=False, timeout=10)  # fmt: skip
        assert (reply.status_code, reply.headers["location"]) == (303, lands), asked


def test_logout_ends_the_session(web):
    session = login(web)
    token = csrf_of(session, web, ACUTE)
    reply = session.post(f"{web}/adviseurs/logout", data={"csrf": token}, allow_redirects=False, timeout=10)
    assert (reply.status_code, reply.headers["location"]) == (303, "/adviseurs/login")
    assert "Max-Age=0" in reply.headers["set-cookie"]
    assert session.get(f"{web}/api/escalations", timeout=10).status_code == 401
