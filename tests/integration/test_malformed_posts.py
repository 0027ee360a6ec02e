"""Malformed requests to the advisors' and maintainers' routes: a 4xx (or a redirect), never a
5xx and never an error in the log. The bodies are generated from a fixed seed, with and without
the session's CSRF token, so the handlers behind the token are reached too."""

import dataclasses
import json
import logging
import random
import re
import sys
from datetime import datetime, timezone

import pytest
import requests

from bot.advisors.accounts import AccountService
from bot.config import load_settings
from bot.services import build_services
from bot.store import Escalation, ReviewItem, make_engine, make_sessionmaker, unit_of_work
from bot.training.retrain_job import RetrainJob
from bot.web.app import create_app
from bot.web.maintainers import Maintenance
from tests.conftest import copy_training_files, free_port
from tests.integration.conftest import serving

PASSWORD = "een-lang-proefwachtwoord"
TICKET = "E-2026-000001"
TICKETS = [TICKET, "E-2026-999999", "x" * 3000, "%00", "%ED%A0%80", "%F0%9F%98%80", "..%2F..", "'%20OR%201=1--"]
ITEM_IDS = ["1", "0", "-1", "99999999999999999999999999", "007"]
ADVISOR_STEPS = ["claim", "note", "reply", "close"]
MAINTAINER_STEPS = ["accept", "reject", "article"]


class Errors(logging.Handler):
    """Every error the app logs (Sanic logs a handler's exception before it answers 500)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return copy_training_files(tmp_path_factory.mktemp("misvormd"))


@pytest.fixture(scope="module")
def web(tmp):
    factory = make_sessionmaker(make_engine(f"sqlite:///{tmp / 'jep.db'}"))
    accounts = AccountService(factory)
    accounts.add("anna", PASSWORD)
    accounts.add("mara", PASSWORD, role="maintainer")
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with unit_of_work(factory) as session:
        session.add(Escalation(ticket=TICKET, reason="user_request", mode="live", conversation_id="c", created_at=now))
        session.add(ReviewItem(id=1, key="vraag", text="vraag", predicted_intent="greet", confidence=0.3,
                               why="low_confidence", count=1, seen_at=now))  # fmt: skip
    settings = dataclasses.replace(
        load_settings(), db_url=f"sqlite:///{tmp / 'jep.db'}", tracker_db_url=f"sqlite:///{tmp / 'tracker.db'}",
        models_dir=tmp / "models", host="127.0.0.1", rasa_port=free_port(),  # no Rasa server listens there
    )  # fmt: skip
    # Retraining is never started with a valid token below; the stand-in is there all the same.
    command = (sys.executable, "-c", "pass")
    maintenance = Maintenance(tmp / "nlu", tmp / "domain.yml", tmp / "reports", RetrainJob(tmp / "retrain", command))
    app = create_app(settings, build_services(settings, factory), "jep_web_misvormd", maintenance)
    with serving(app, free_port()) as base:
        yield base


@pytest.fixture(scope="module")
def errors():
    handler = Errors()
    loggers = [logging.getLogger(name) for name in ("sanic.error", "sanic.root", "bot")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


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


def test_malformed_posts_get_no_5xx(web, errors):
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
    assert [record.getMessage()[:200] for record in errors.records] == []
