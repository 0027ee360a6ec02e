"""Malformed requests to the advisors' and maintainers' routes of the real `python -m bot web`:
a 4xx (or a redirect), never a 5xx and never a traceback in its log. The bodies are generated
from a fixed seed, with and without the session's CSRF token, so the handlers behind the token
are reached too.

The review list is empty, so no accept can ever reach data/nlu of this checkout, and the models
folder is a temporary one; retraining is only ever posted without a valid token."""

import json
import random
import re
from datetime import datetime, timezone

import pytest
import requests

from bot.advisors.accounts import AccountService
from bot.store import Escalation, unit_of_work
from tests.conftest import free_port
from tests.integration.conftest import web_process

PASSWORD = "een-lang-proefwachtwoord"
TICKET = "E-2026-000001"
TICKETS = [TICKET, "E-2026-999999", "x" * 3000, "%00", "%ED%A0%80", "%F0%9F%98%80", "..%2F..", "'%20OR%201=1--"]
ITEM_IDS = ["1", "0", "-1", "99999999999999999999999999", "007"]
ADVISOR_STEPS = ["claim", "note", "reply", "close"]
MAINTAINER_STEPS = ["accept", "reject", "article"]


@pytest.fixture(scope="module")
def log(tmp):
    """Where web_process has the web app write its output."""
    return tmp / "web.log"


@pytest.fixture(scope="module")
def web(tmp, factory):
    accounts = AccountService(factory)
    accounts.add("anna", PASSWORD)
    accounts.add("mara", PASSWORD, role="maintainer")
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with unit_of_work(factory) as session:
        session.add(Escalation(ticket=TICKET, reason="user_request", mode="live", conversation_id="c", created_at=now))
    with web_process(tmp, JEP_MODELS_DIR=str(tmp / "models"), JEP_RASA_PORT=str(free_port())) as base:
        yield base


def signed_in(web: str, username: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    reply = session.post(f"{web}/adviseurs/login", data={"username": username, "password": PASSWORD}, timeout=30)
    assert reply.ok, reply.text
    page = session.get(f"{web}/adviseurs/escalaties/{TICKET}", timeout=30).text
    return session, re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def bodies(csrf: str, rng: random.Random) -> list[tuple[str, bytes]]:
    """(content type, body) pairs: broken forms, JSON of every shape, bytes that are no text."""
    values = ["", " ", "\x00", "x" * 70_000, "%", "%ZZ", "%ED%A0%80", "<script>", "1e309", "[]", "{}", "null"]
    forms = [f"csrf={csrf}&text={v}&intent={v}&new_intent={v}&van={v}" for v in values]
    forms += [f"csrf={csrf}&text[]=a&text[]=b", f"csrf={csrf}&text", f"csrf={csrf}&&&==&", f"csrf={csrf}&" * 500]
    forms += ["csrf", "csrf=&csrf=", "=" * 100]
    jsons = [json.dumps(v) for v in ([], "tekst", 3, None, {"csrf": csrf}, [{"text": None}], {"a": [[[[[]]]]]})]
    jsons += ["{", '{"text": "\\ud800"}', "[" * 5000]
    raw = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))) for _ in range(4)]
    return (
        [("application/x-www-form-urlencoded", form.encode()) for form in forms]
        + [("application/json", text.encode()) for text in jsons]
        + [("multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"),
           ("multipart/form-data", b"--\r\n\r\n--"), ("text/plain", b"tekst"),
           ("application/x-www-form-urlencoded", b"csrf=" + csrf.encode() + b"&text=\xff\xfe\xfa")]
        + [("application/octet-stream", chunk) for chunk in raw]
        + [("application/x-www-form-urlencoded", b"text=" + b"a" * 2_000_000)]
    )  # fmt: skip


def test_malformed_posts_get_no_5xx(web, log):
    rng = random.Random(19)
    advisor, advisor_csrf = signed_in(web, "anna")
    maintainer, maintainer_csrf = signed_in(web, "mara")
    targets = [(advisor, advisor_csrf, f"/adviseurs/escalaties/{t}/{step}") for t in TICKETS for step in ADVISOR_STEPS]
    targets += [(maintainer, maintainer_csrf, f"/beheer/review/{i}/{step}") for i in ITEM_IDS
                for step in MAINTAINER_STEPS]  # fmt: skip
    targets += [(maintainer, maintainer_csrf, "/beheer/modellen/terugzetten"),
                (advisor, advisor_csrf, "/adviseurs/login"), (advisor, advisor_csrf, "/adviseurs/logout")]  # fmt: skip
    sent, failures = 0, []
    for session, csrf, path in targets:
        # Every target gets a sample of the bodies; all of them together cover the list many times over.
        for content_type, body in rng.sample(bodies(csrf, rng), 6):
            if path.endswith("/logout") and csrf.encode() in body:
                continue  # a valid logout would end the session the other requests need
            reply = session.post(web + path, data=body, headers={"Content-Type": content_type},
                                 allow_redirects=False, timeout=30)  # fmt: skip
            sent += 1
            if reply.status_code >= 500:
                failures.append((path[:80], content_type, body[:80], reply.status_code))
    for path in [f"/api/escalations/{t}" for t in TICKETS] + [f"/adviseurs/escalaties/{t}/gesprek" for t in TICKETS]:
        reply = advisor.get(web + path, timeout=30)
        sent += 1
        if reply.status_code >= 500:
            failures.append((path[:80], "GET", b"", reply.status_code))
    assert sent >= 200
    assert failures == []
    assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")
