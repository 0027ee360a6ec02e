"""The advisors' web app, served by the real `python -m bot web`: login, sessions, CSRF,
the claim → note → close flow, the audit log, login throttling, and escaping of transcripts.

The app trusts 127.0.0.1 as a proxy, so a test can speak for any client address with
X-Forwarded-For; requests without it count for 127.0.0.1."""
import asyncio
import http.client
import re
import statistics
import time
from datetime import datetime, timezone
from urllib.parse import urlencode

import pytest
import requests
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.advisors.accounts import AccountService
from bot.advisors.audit import AuditLog
from bot.advisors.throttle import PER_ADDRESS, PER_NAME
from bot.store import Escalation, unit_of_work
from tests.integration.conftest import web_process

PASSWORD = "een-lang-proefwachtwoord"
ACUTE, CALLBACK, OTHER = "E-2026-000001", "E-2026-000002", "E-2026-000003"
HELD, LIVE = "E-2026-000004", "E-2026-000005"
XSS_USER = "<img src=x onerror=alert(1)> help"
XSS_BOT = "<script>alert(2)</script> antwoord"
TIMED = 15  # login attempts per kind in the timing comparison


@pytest.fixture(scope="module")
def web(tmp, factory):
    accounts = AccountService(factory)
    accounts.add("anna", PASSWORD)
    accounts.add("slot", PASSWORD)
    accounts.add("bram", PASSWORD)
    accounts.add("lotte", PASSWORD, role="lead")
    for n in range(TIMED):
        accounts.add(f"tijd{n:02d}", PASSWORD)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with unit_of_work(factory) as session:
        session.add_all([
            Escalation(ticket=ACUTE, reason="acute", mode="phone", conversation_id="xss", created_at=now),
            Escalation(ticket=CALLBACK, reason="user_request", mode="callback", conversation_id="terugbellen",
                       created_at=now, callback_phone="0612345678", callback_moment="vanmiddag"),
            Escalation(ticket=OTHER, reason="low_confidence", mode="phone", conversation_id="ander", created_at=now),
            Escalation(ticket=HELD, reason="complex_case", mode="phone", conversation_id="vast", created_at=now),
            Escalation(ticket=LIVE, reason="user_request", mode="live", conversation_id="live", created_at=now),
        ])  # fmt: skip
    store = SQLTrackerStore(Domain.empty(), db=str(tmp / "tracker.db"))
    at = time.time()
    events = [UserUttered(XSS_USER, timestamp=at), BotUttered(XSS_BOT, timestamp=at + 1)]
    asyncio.run(store.save(DialogueStateTracker.from_events("xss", events)))
    with web_process(tmp, JEP_TRUSTED_PROXIES="127.0.0.1") as base:
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


def test_only_the_holder_or_a_lead_closes_or_answers(web):
    anna, bram, lotte = login(web), login(web, "bram"), login(web, "lotte")
    for ticket in (HELD, LIVE):
        assert anna.post(f"{web}/adviseurs/escalaties/{ticket}/claim", data={"csrf": csrf_of(anna, web, ticket)},
                         timeout=10).ok  # fmt: skip
    token = csrf_of(bram, web, HELD)
    page = bram.get(f"{web}/adviseurs/escalaties/{HELD}", timeout=10).text
    assert ">Sluiten</button>" not in page and "Alleen anna of een teamleider kan hem sluiten." in page
    reply = bram.post(f"{web}/adviseurs/escalaties/{HELD}/close", data={"csrf": token}, timeout=10)
    assert reply.status_code == 403 and "in behandeling bij anna. Alleen anna of een teamleider" in reply.text
    reply = bram.post(f"{web}/adviseurs/escalaties/{LIVE}/reply", data={"csrf": token, "text": "Hallo"}, timeout=10)
    assert reply.status_code == 403 and "kan in dit gesprek antwoorden" in reply.text
    assert bram.get(f"{web}/adviseurs/escalaties/{LIVE}", timeout=10).text.count('id="reply-text"') == 0
    assert status_of(anna, web, HELD) == "claimed"
    note = bram.post(f"{web}/adviseurs/escalaties/{HELD}/note", data={"csrf": token, "text": "Collega gesproken."},
                     allow_redirects=False, timeout=10)  # fmt: skip
    assert note.status_code == 303  # notes stay open to colleagues
    lead_token = csrf_of(lotte, web, HELD)
    assert ">Sluiten</button>" in lotte.get(f"{web}/adviseurs/escalaties/{HELD}", timeout=10).text
    reply = lotte.post(f"{web}/adviseurs/escalaties/{HELD}/close", data={"csrf": lead_token}, allow_redirects=False,
                       timeout=10)  # fmt: skip
    assert reply.status_code == 303 and status_of(anna, web, HELD) == "closed"


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


def attempt(web: str, username: str, password: str, address: str) -> requests.Response:
    return requests.post(f"{web}/adviseurs/login", data={"username": username, "password": password},
                         headers={"X-Forwarded-For": address}, allow_redirects=False, timeout=30)  # fmt: skip


def same_answer(known: requests.Response, known_name: str, unknown: requests.Response, unknown_name: str) -> None:
    """Status, body (the typed name is echoed in the form) and headers (but the date) are the same."""
    assert known.status_code == unknown.status_code
    assert known.text.replace(known_name, "NAAM") == unknown.text.replace(unknown_name, "NAAM")
    headers = [{k.lower(): v for k, v in r.headers.items() if k.lower() != "date"} for r in (known, unknown)]
    assert headers[0] == headers[1]


def test_one_address_is_throttled_whatever_names_it_tries(web):
    for n in range(PER_ADDRESS.free):
        assert attempt(web, f"gok{n:02d}", "fout", "198.51.100.1").status_code == 401
    reply = attempt(web, "anna", PASSWORD, "198.51.100.1")  # even the right password waits
    assert reply.status_code == 429 and reply.headers["retry-after"] == "1" and "set-cookie" not in reply.headers
    assert "Wacht 1 seconde en probeer het dan opnieuw." in reply.text
    assert attempt(web, "anna", PASSWORD, "198.51.100.2").status_code == 303  # another address is not slowed


def test_no_lockout_and_no_tell_for_names_that_do_not_exist(web):
    for n in range(PER_NAME.free):
        same_answer(attempt(web, "slot", "fout", f"203.0.113.{n}"), "slot",
                    attempt(web, "sluw", "fout", f"203.0.113.{n}"), "sluw")  # fmt: skip
    known, unknown = attempt(web, "slot", PASSWORD, "203.0.113.50"), attempt(web, "sluw", "fout", "203.0.113.50")
    assert known.status_code == 429 and known.headers["retry-after"] == "1"
    same_answer(known, "slot", unknown, "sluw")
    time.sleep(int(known.headers["retry-after"]))
    # The owner, from an address nobody guessed from, is in after a short wait: no lockout.
    assert attempt(web, "slot", PASSWORD, "203.0.113.51").status_code == 303


def test_a_wrong_password_takes_as_long_for_an_unknown_name(web):
    # Argon2 on a busy 2-CPU machine varies by tens of ms per attempt; a round of 15 pairs that
    # misses the bar by chance is followed by another, and the medians are taken over all of them.
    # A real tell (the old lockout answered in 5 ms against 120) is outside that noise in every round.
    known_times, unknown_times = [], []
    for _ in range(3):
        for n in range(TIMED):
            # Interleaved, alternating which goes first, so a busy moment of the machine hits both kinds.
            pairs = [(f"tijd{n:02d}", known_times), (f"naam{n:02d}", unknown_times)]
            for username, times in pairs if n % 2 else reversed(pairs):
                started = time.perf_counter()
                reply = attempt(web, username, "fout-fout-fout", f"192.0.2.{n}")
                times.append(time.perf_counter() - started)
                assert reply.status_code == 401, reply.text
        known, unknown = statistics.median(known_times), statistics.median(unknown_times)
        print(f"{len(known_times)} pairs: median known {known * 1000:.1f} ms, unknown {unknown * 1000:.1f} ms")
        if abs(known - unknown) < 0.020:
            break
    assert abs(known - unknown) < 0.020


def raw_status(web: str, path: str, method: str = "GET") -> int:
    """The status for a path sent exactly as written (requests would tidy up "..")."""
    connection = http.client.HTTPConnection(web.removeprefix("http://"), timeout=10)
    try:
        connection.request(method, path)
        return connection.getresponse().status
    finally:
        connection.close()


def test_under_static_only_files_are_served_and_the_rest_is_404(web):
    for path in ["/static", "/static/", "/static/vendor/", "/static/vendor", "/static/../", "/static/%2e%2e/",
                 "/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static//etc/passwd",
                 "/static/%00", "/static/nope.js"]:  # fmt: skip
        assert raw_status(web, path) == 404, path
    assert raw_status(web, "/static/vendor/", "HEAD") == 404
    reply = requests.get(f"{web}/static/vendor/socket.io-4.8.1.min.js", timeout=10)
    assert reply.ok and reply.headers["content-type"] == "text/javascript; charset=utf-8"
    again = requests.get(f"{web}/static/vendor/socket.io-4.8.1.min.js", timeout=10,
                         headers={"If-Modified-Since": reply.headers["last-modified"]})  # fmt: skip
    assert again.status_code == 304


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
