"""The advisors' workbench, served by the real `python -m bot web`: the inbox views, assignment
with its audit trail, callback attempts, the lead pages (refused to others), a disabled account
logged out at once, and the CSV export without message text or contact data."""
import asyncio
import re
import time
from datetime import datetime, timezone

import pytest
import requests
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.advisors.accounts import AccountService
from bot.advisors.audit import AuditLog
from bot.store import Escalation, unit_of_work
from tests.integration.conftest import web_process

PASSWORD = "een-lang-proefwachtwoord"
CANARY = "kanarie-7f3e9b-bericht"
PHONE = "0612345678"
CASE, CALLBACK, LIVE = "E-2026-000001", "E-2026-000002", "E-2026-000003"


@pytest.fixture(scope="module")
def web(tmp, factory):
    accounts = AccountService(factory)
    for name in ("anna", "bram", "carla", "dirk"):
        accounts.add(name, PASSWORD)
    accounts.add("lotte", PASSWORD, role="lead")
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with unit_of_work(factory) as session:
        session.add_all([
            Escalation(ticket=CASE, reason="complex_case", mode="phone", conversation_id="zaak", created_at=now),
            Escalation(ticket=CALLBACK, reason="user_request", mode="callback", conversation_id="terug",
                       created_at=now, callback_phone=PHONE, callback_moment="vanmiddag",
                       callback_question=CANARY),
            Escalation(ticket=LIVE, reason="acute", mode="live", conversation_id="live", created_at=now),
        ])  # fmt: skip
    store = SQLTrackerStore(Domain.empty(), db=str(tmp / "tracker.db"))
    at = time.time()
    events = [UserUttered(f"Een leerling deelt filmpjes {CANARY}", timestamp=at),
              SlotSet("topic", "online", timestamp=at + 1), SlotSet("region", "Zwolle", timestamp=at + 2)]
    asyncio.run(store.save(DialogueStateTracker.from_events("zaak", events)))
    with web_process(tmp, JEP_TRUSTED_PROXIES="127.0.0.1") as base:
        yield base


def login(web: str, username: str) -> requests.Session:
    session = requests.Session()
    reply = session.post(f"{web}/adviseurs/login", data={"username": username, "password": PASSWORD},
                         allow_redirects=False, timeout=10)  # fmt: skip
    assert reply.status_code == 303, reply.text
    return session


def csrf(session: requests.Session, web: str, path: str = "/adviseurs") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', session.get(web + path, timeout=10).text).group(1)


def test_the_inbox_tells_the_case_and_filters(web):
    anna = login(web, "anna")
    page = anna.get(f"{web}/adviseurs", timeout=10).text
    assert "<title>(3) Inbox escalaties" in page and "Zwolle" in page and "Een leerling deelt filmpjes" in page
    assert PHONE not in page and "gewenst: vanmiddag" in page
    data = anna.get(f"{web}/api/escalations", timeout=10).json()
    assert [i["ticket"] for i in data["items"]] == [LIVE, CALLBACK, CASE]  # acute, due callback, the rest
    assert data["counts"]["waiting"] == 3 and data["counts"]["live_waiting"] == 1
    assert [w["ticket"] for w in data["waiting"]] == [LIVE, CALLBACK, CASE]
    assert [i["ticket"] for i in anna.get(f"{web}/api/escalations?filter=acute", timeout=10).json()["items"]] == [LIVE]
    assert [i["ticket"] for i in anna.get(f"{web}/api/escalations?ticket=000002", timeout=10).json()["items"]] == [
        CALLBACK]  # fmt: skip
    reply = anna.get(f"{web}/adviseurs?ticket=%27%20OR%201%3D1", timeout=10)
    assert reply.status_code == 400 and "ticketnummer" in reply.text


def test_claim_hand_over_release_are_audited_and_shown(web, factory):
    anna, bram = login(web, "anna"), login(web, "bram")
    base = f"{web}/adviseurs/escalaties/{CASE}"
    assert anna.post(f"{base}/claim", data={"csrf": csrf(anna, web)}, timeout=10).ok
    refused = bram.post(f"{base}/handover", data={"csrf": csrf(bram, web), "colleague": "bram"}, timeout=10)
    assert refused.status_code == 403 and "Alleen anna of een teamleider kan hem overdragen" in refused.text
    unknown = anna.post(f"{base}/handover", data={"csrf": csrf(anna, web), "colleague": "<niemand>"}, timeout=10)
    assert unknown.status_code == 409 and "Kies een collega" in unknown.text
    assert anna.post(f"{base}/handover", data={"csrf": csrf(anna, web), "colleague": "bram"}, timeout=10).ok
    page = bram.get(base, timeout=10).text
    assert "In behandeling bij bram sinds" in page and "overgedragen aan bram" in page
    assert page.index("Overdracht") < page.index("<h2>Gesprek</h2>")
    assert bram.post(f"{base}/release", data={"csrf": csrf(bram, web)}, timeout=10).ok
    actions = [(a.actor, a.action, a.subject) for a in AuditLog(factory).actions(ticket=CASE)]
    assert actions == [("anna", "claim", None), ("anna", "hand_over", "bram"), ("bram", "release", None)]


def test_callback_attempts_and_the_number_goes_on_closing(web, factory):
    anna = login(web, "anna")
    base = f"{web}/adviseurs/escalaties/{CALLBACK}"
    bad = anna.post(f"{base}/attempt", data={"csrf": csrf(anna, web), "outcome": "misschien"}, timeout=10)
    assert bad.status_code == 409 and "Kies hoe de terugbelpoging ging" in bad.text
    reply = anna.post(f"{base}/attempt", data={"csrf": csrf(anna, web), "outcome": "no_answer", "note": "voicemail"},
                      timeout=10)  # fmt: skip
    assert reply.ok and "Niet opgenomen – voicemail" in reply.text and "Volgende poging" in reply.text
    assert CALLBACK not in [i["ticket"] for i in anna.get(f"{web}/api/escalations?filter=callbacks",
                                                            timeout=10).json()["items"]]  # fmt: skip
    assert anna.post(f"{base}/claim", data={"csrf": csrf(anna, web)}, timeout=10).ok
    assert anna.post(f"{base}/close", data={"csrf": csrf(anna, web)}, timeout=10).ok
    page = anna.get(base, timeout=10).text
    assert PHONE not in page and "Verwijderd bij het sluiten." in page
    with unit_of_work(factory) as session:
        assert session.query(Escalation.callback_phone).filter_by(ticket=CALLBACK).scalar() is None


LEAD_PAGES = ["/adviseurs/team", "/adviseurs/standaardantwoorden", "/adviseurs/cijfers", "/adviseurs/cijfers.csv"]


def test_lead_pages_refuse_others(web):
    anna = login(web, "anna")
    for path in LEAD_PAGES:
        assert anna.get(web + path, timeout=10).status_code == 403, path
        assert requests.get(web + path, allow_redirects=False, timeout=10).status_code == 303, path
    reply = anna.post(f"{web}/adviseurs/team/dirk/uitschakelen", data={"csrf": csrf(anna, web)}, timeout=10)
    assert reply.status_code == 403
    lotte = login(web, "lotte")
    for path in LEAD_PAGES:
        assert lotte.get(web + path, timeout=10).status_code == 200, path


def test_a_disabled_account_is_logged_out_at_once_and_cannot_log_in(web, factory):
    carla, lotte = login(web, "carla"), login(web, "lotte")
    assert carla.get(f"{web}/api/escalations", timeout=10).ok
    assert lotte.post(f"{web}/adviseurs/team/carla/uitschakelen", data={"csrf": csrf(lotte, web)}, timeout=10).ok
    assert carla.get(f"{web}/api/escalations", timeout=10).status_code == 401
    reply = requests.post(f"{web}/adviseurs/login", data={"username": "carla", "password": PASSWORD}, timeout=10)
    assert reply.status_code == 401 and "klopt niet" in reply.text
    assert lotte.post(f"{web}/adviseurs/team/carla/inschakelen", data={"csrf": csrf(lotte, web)}, timeout=10).ok
    assert login(web, "carla").get(f"{web}/api/escalations", timeout=10).ok
    reset = lotte.post(f"{web}/adviseurs/team/carla/wachtwoord", data={"csrf": csrf(lotte, web)}, timeout=10)
    new = re.search(r"<code>([^<]+)</code>", reset.text).group(1)
    assert requests.post(f"{web}/adviseurs/login", data={"username": "carla", "password": new},
                         allow_redirects=False, timeout=10).status_code == 303  # fmt: skip
    actions = [(a.actor, a.action) for a in AuditLog(factory).actions(subject="carla")]
    assert actions == [("lotte", "account_disable"), ("lotte", "account_enable"), ("lotte", "password_reset")]


def test_the_lead_edits_canned_replies(web):
    lotte = login(web, "lotte")
    page = lotte.get(f"{web}/adviseurs/standaardantwoorden", timeout=10).text
    assert "Begroeting" in page
    token = csrf(lotte, web, "/adviseurs/standaardantwoorden")
    added = lotte.post(f"{web}/adviseurs/standaardantwoorden",
                       data={"csrf": token, "title": "Tot ziens", "text": "Fijn dat je contact zocht."}, timeout=10)
    assert added.ok and "Fijn dat je contact zocht." in added.text
    empty = lotte.post(f"{web}/adviseurs/standaardantwoorden", data={"csrf": token, "title": "", "text": "x"},
                       timeout=10)  # fmt: skip
    assert empty.status_code == 400 and "titel" in empty.text


def test_the_csv_export_has_figures_and_no_text_or_contact_data(web):
    lotte = login(web, "lotte")
    reply = lotte.get(f"{web}/adviseurs/cijfers.csv?per=week", timeout=10)
    assert reply.ok and reply.headers["content-type"].startswith("text/csv")
    assert reply.headers["cache-control"] == "no-store"
    header, *rows = reply.text.splitlines()
    assert header.startswith("periode,escalaties,reden_user_request") and len(rows) == 1
    assert CANARY not in reply.text and PHONE not in reply.text and "Zwolle" not in reply.text
    for query in ("van=2026-13-01", "van=2026-02-01&tot=2026-01-01", "van=2020-01-01&tot=2026-01-01", "per=jaar"):
        assert lotte.get(f"{web}/adviseurs/cijfers.csv?{query}", timeout=10).status_code == 400, query
