"""The maintainers' pages over HTTP: who may see them, deciding review items into a temporary copy
of data/nlu, retraining behind its lock (with a stand-in command), rollback, and the reports."""

import dataclasses
import re
import sys
import time
from datetime import datetime, timezone
from urllib.parse import urlencode

import pytest
import requests

from bot.advisors.accounts import AccountService
from bot.config import ROOT, load_settings
from bot.services import build_services
from bot.store import ReviewItem, unit_of_work
from bot.training.registry import Registry, Version
from bot.training.retrain_job import RetrainJob
from bot.web.app import create_app
from bot.web.maintainers import Maintenance
from tests.conftest import copy_training_files, free_port
from tests.integration.conftest import database, serving

PASSWORD = "een-lang-proefwachtwoord"
ITEMS = {
    1: ("kost een training van jullie geld?", "ask_platform", 0.42, "low_confidence"),
    2: ("wat moet ik met een [naam] die vlaggen tekent", "describe_concern", 0.31, "escalation, low_confidence"),
    3: ("hoe laat is het in tokio", "out_of_scope", 0.2, "nlu_fallback"),
    4: ("bestaat er een training over complotdenken", "ask_knowledge", 0.45, "negative_feedback"),
    5: ("mag ik jullie logo gebruiken", "ask_platform", 0.4, "low_confidence"),
    6: ("werken jullie ook in belgie", "ask_platform", 0.33, "low_confidence"),
}


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return copy_training_files(tmp_path_factory.mktemp("beheer"))


@pytest.fixture(scope="module")
def factory(tmp):
    factory = database(tmp)
    accounts = AccountService(factory)
    accounts.add("mara", PASSWORD, role="maintainer")
    accounts.add("anna", PASSWORD)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with unit_of_work(factory) as session:
        for number, (text, intent, confidence, why) in ITEMS.items():
            session.add(ReviewItem(id=number, key=text, text=text, predicted_intent=intent, confidence=confidence,
                                   why=why, count=number, seen_at=now))  # fmt: skip
    return factory


@pytest.fixture(scope="module")
def models(tmp):
    """Three versions, c active: a's report is in var/reports, b's lies outside it."""
    models, reports = tmp / "models", tmp / "reports"
    registry = Registry.for_models(models)
    for name in ("a", "b", "c"):
        (models / f"{name}.tar.gz").parent.mkdir(parents=True, exist_ok=True)
        (models / f"{name}.tar.gz").write_text("model", encoding="utf-8")
        folder = (reports if name == "a" else tmp / "elders") / name
        folder.mkdir(parents=True)
        (folder / "report.md").write_text(
            f"# Hertraining {name}\n\n| intent | kandidaat |\n|---|---|\n| greet | 0.950 |\n\n"
            "![verwarringsmatrix](confusion.png)\n\n<script>window.__xss = 1</script>\n",
            encoding="utf-8",
        )
        (folder / "confusion.png").write_bytes(b"\x89PNG\r\n\x1a\nproef")
        registry.add(Version(name, str(models / f"{name}.tar.gz"), "20261128-120000", 0.9, 0,
                             report=str(folder / "report.md")))  # fmt: skip
        registry.activate(name)
    registry.save()
    return models


@pytest.fixture(scope="module")
def web(tmp, factory, models):
    settings = dataclasses.replace(
        load_settings(), db_url=f"sqlite:///{tmp / 'jep.db'}", tracker_db_url=f"sqlite:///{tmp / 'tracker.db'}",
        models_dir=models, host="127.0.0.1", rasa_port=free_port(),  # no Rasa server listens there
    )  # fmt: skip
    command = (sys.executable, "-m", "tests.integration.fake_retrain", str(models), str(tmp / "reports"),
               str(tmp / "go"))  # fmt: skip
    maintenance = Maintenance(tmp / "nlu", tmp / "domain.yml", tmp / "reports", RetrainJob(tmp / "retrain", command))
    app = create_app(settings, build_services(settings, factory), "jep_web_beheer", maintenance)
    with serving(app, free_port()) as base:
        yield base


def login(web: str, username: str = "mara") -> requests.Session:
    session = requests.Session()
    reply = session.post(f"{web}/adviseurs/login", data={"username": username, "password": PASSWORD},
                         allow_redirects=False, timeout=10)  # fmt: skip
    assert reply.status_code == 303, reply.text
    return session


def csrf(session: requests.Session, web: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', session.get(f"{web}/beheer/modellen", timeout=30).text).group(1)


def status_of(factory, number: int) -> tuple[str, str | None, str | None]:
    with unit_of_work(factory) as session:
        item = session.get(ReviewItem, number)
        return item.status, item.intent, item.decided_by


def nlu_text(folder) -> str:
    return "".join(path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.yml")))


PAGES = ["/beheer", "/beheer/artikelen", "/beheer/modellen", "/beheer/modellen/hertrainen",
         "/beheer/modellen/terugzetten", "/beheer/modellen/a/rapport", "/beheer/modellen/a/confusion.png"]  # fmt: skip
FORMS = ["/beheer/review/1/accept", "/beheer/review/1/reject", "/beheer/review/1/article",
         "/beheer/modellen/hertrainen", "/beheer/modellen/terugzetten"]  # fmt: skip
STATUS = "/beheer/modellen/hertrainen/voortgang"


def test_without_a_session_it_is_the_login_page(web):
    for path in PAGES:
        reply = requests.get(web + path, allow_redirects=False, timeout=10)
        back = urlencode({"volgende": path})
        assert (reply.status_code, reply.headers["location"]) == (303, f"/adviseurs/login?{back}"), path
    for path in FORMS:
        reply = requests.post(web + path, data={"csrf": "x", "van": "c"}, allow_redirects=False, timeout=10)
        assert (reply.status_code, reply.headers["location"]) == (303, "/adviseurs/login"), path
    assert requests.get(web + STATUS, timeout=10).status_code == 401


def test_an_advisor_may_not_and_sees_no_link(web, factory):
    session = login(web, "anna")
    assert 'href="/beheer"' not in session.get(f"{web}/adviseurs", timeout=10).text
    token = re.search(r'name="csrf" value="([^"]+)"', session.get(f"{web}/adviseurs", timeout=10).text).group(1)
    for path in PAGES:
        reply = session.get(web + path, timeout=10)
        assert reply.status_code == 403 and "geen toegang" in reply.text, path
    for path in FORMS:
        reply = session.post(web + path, data={"csrf": token, "intent": "greet", "van": "c"}, timeout=10)
        assert reply.status_code == 403, path
    assert session.get(web + STATUS, timeout=10).status_code == 403
    assert status_of(factory, 1) == ("open", None, None)


def test_a_maintainer_sees_the_queue(web):
    session = login(web)
    assert 'href="/beheer"' in session.get(f"{web}/adviseurs", timeout=10).text
    reply = session.get(f"{web}/beheer", timeout=30)
    assert reply.status_code == 200 and reply.headers["cache-control"] == "no-store"
    page = reply.text
    assert "kost een training van jullie geld?" in page and "wat moet ik met een [naam] die vlaggen tekent" in page
    assert "ask_platform (zekerheid 0,42)" in page
    assert "doorverwezen: niet begrepen, lage zekerheid" in page and "niet herkend" in page
    assert '<option value="request_human">' in page and '<option value="ask_platform" selected>' in page
    assert not re.search(r"<script(?![^>]*src=)", page)  # the CSP allows no inline script


def test_every_form_needs_the_sessions_csrf_token(web, factory, tmp, models):
    session = login(web)
    other = csrf(login(web), web)  # a valid token, but of another session
    for path in FORMS:
        for data in ({}, {"csrf": "verkeerd"}, {"csrf": other}):
            reply = session.post(web + path, data={**data, "intent": "ask_platform", "van": "c"}, timeout=10)
            assert reply.status_code == 403 and "verlopen" in reply.text, (path, data)
    assert status_of(factory, 1) == ("open", None, None)
    assert Registry.for_models(models).active().name == "c" and not (tmp / "retrain").exists()


def test_accepting_into_an_existing_intent_writes_the_temporary_copy(web, tmp, factory):
    session = login(web)
    real_before = nlu_text(ROOT / "data" / "nlu")
    reply = session.post(f"{web}/beheer/review/1/accept", data={"csrf": csrf(session, web), "intent": "ask_platform"},
                         allow_redirects=False, timeout=30)  # fmt: skip
    assert reply.status_code == 303
    assert reply.headers["location"] == "/beheer?klaar=toegevoegd&bericht=1&intent=ask_platform"
    page = session.get(web + reply.headers["location"], timeout=30).text
    assert "Bericht 1 is toegevoegd als voorbeeld van ask_platform." in page
    assert "kost een training van jullie geld?" not in page
    assert status_of(factory, 1) == ("accepted", "ask_platform", "mara")
    assert "- kost een training van jullie geld?" in nlu_text(tmp / "nlu")
    assert nlu_text(ROOT / "data" / "nlu") == real_before


def test_accepting_into_a_new_intent_adds_it_to_the_domain(web, tmp, factory):
    session = login(web)
    data = {"csrf": csrf(session, web), "intent": "", "new_intent": "ask_logo_use"}
    page = session.post(f"{web}/beheer/review/5/accept", data=data, timeout=30).text
    assert "nieuwe intent ask_logo_use (ook in domain.yml gezet)" in page
    assert status_of(factory, 5) == ("accepted", "ask_logo_use", "mara")
    assert "intent: ask_logo_use" in (tmp / "nlu" / "new_intents.yml").read_text(encoding="utf-8")
    assert "- ask_logo_use" in (tmp / "domain.yml").read_text(encoding="utf-8")
    assert '<option value="ask_logo_use">' in session.get(f"{web}/beheer", timeout=30).text


def test_a_wrong_intent_name_keeps_the_item_and_what_was_typed(web, tmp, factory):
    session = login(web)
    before = nlu_text(tmp / "nlu")
    for typed in ("Kosten!", "x", "9_kosten"):
        data = {"csrf": csrf(session, web), "intent": "ask_platform", "new_intent": typed}
        reply = session.post(f"{web}/beheer/review/6/accept", data=data, timeout=30)
        assert reply.status_code == 400
        assert f"&#39;{typed}&#39; is geen geldige intentnaam" in reply.text
        assert f'value="{typed}" aria-invalid="true" aria-describedby="fout-6"' in reply.text
        assert 'id="bericht-6"' in reply.text
    reply = session.post(f"{web}/beheer/review/6/accept", data={"csrf": csrf(session, web), "intent": ""}, timeout=30)
    assert reply.status_code == 400 and "Kies een intent of typ de naam van een nieuwe." in reply.text
    reply = session.post(f"{web}/beheer/review/6/accept", data={"csrf": csrf(session, web), "intent": "verzonnen"},
                         timeout=30)  # fmt: skip
    assert reply.status_code == 400 and "verzonnen staat niet in domain.yml" in reply.text
    assert status_of(factory, 6) == ("open", None, None)
    assert nlu_text(tmp / "nlu") == before


def test_reject_and_needs_an_article(web, factory):
    session = login(web)
    reply = session.post(f"{web}/beheer/review/3/reject", data={"csrf": csrf(session, web)}, timeout=30)
    assert "Bericht 3 is afgewezen." in reply.text and "hoe laat is het in tokio" not in reply.text
    reply = session.post(f"{web}/beheer/review/4/article", data={"csrf": csrf(session, web)}, timeout=30)
    assert "Bericht 4 staat op de lijst voor redacteuren." in reply.text
    assert status_of(factory, 3) == ("rejected", None, "mara")
    assert status_of(factory, 4) == ("needs_article", None, "mara")
    articles = session.get(f"{web}/beheer/artikelen", timeout=10).text
    assert "bestaat er een training over complotdenken" in articles and "op de lijst gezet door mara" in articles
    assert "hoe laat is het in tokio" not in articles


def test_a_decided_or_unknown_item_is_refused(web, factory):
    session = login(web)
    reply = session.post(f"{web}/beheer/review/3/article", data={"csrf": csrf(session, web)}, timeout=30)
    assert reply.status_code == 409 and "Over bericht 3 is al beslist (afgewezen)." in reply.text
    reply = session.post(f"{web}/beheer/review/3/accept", data={"csrf": csrf(session, web), "intent": "greet"},
                         timeout=30)  # fmt: skip
    assert reply.status_code == 409 and "al beslist" in reply.text
    reply = session.post(f"{web}/beheer/review/999/reject", data={"csrf": csrf(session, web)}, timeout=30)
    assert reply.status_code == 404 and "Bericht 999 staat niet in de reviewlijst." in reply.text
    assert status_of(factory, 3) == ("rejected", None, "mara")


def test_a_forged_notice_is_not_shown(web):
    session = login(web)
    page = session.get(f"{web}/beheer", params={"klaar": "toegevoegd", "bericht": "1", "intent": "<b>x</b>"},
                       timeout=30).text  # fmt: skip
    assert "is toegevoegd" not in page and "<b>x" not in page


def test_retraining_runs_once_at_a_time_and_shows_its_outcome(web, tmp):
    session = login(web)
    token = csrf(session, web)
    reply = session.post(f"{web}/beheer/modellen/hertrainen", data={"csrf": token}, allow_redirects=False, timeout=10)
    assert (reply.status_code, reply.headers["location"]) == (303, "/beheer/modellen/hertrainen")
    second = session.post(f"{web}/beheer/modellen/hertrainen", data={"csrf": token}, timeout=10)
    assert second.status_code == 409 and "Er loopt al een hertraining. Wacht tot die klaar is." in second.text
    rollback = session.post(f"{web}/beheer/modellen/terugzetten", data={"csrf": token, "van": "c"}, timeout=10)
    assert rollback.status_code == 409 and "Er loopt een hertraining" in rollback.text
    page = session.get(f"{web}/beheer/modellen/hertrainen", timeout=10).text
    assert '<script src="/static/retrain.js" defer></script>' in page and "Bezig met hertrainen." in page
    for _ in range(100):
        run = session.get(web + STATUS, timeout=10).json()
        if any(line.startswith("[1/6]") for line in run["steps"]):
            break
        time.sleep(0.1)
    assert run["running"] and run["steps"][0] == "Verwachte duur (vorige keer): 0m02s."
    assert "Epochs: 100%|##########| 2/2" in run["tail"]  # a progress bar's redraws are lines of their own
    (tmp / "go").write_text("", encoding="utf-8")
    for _ in range(200):
        run = session.get(web + STATUS, timeout=10).json()
        if not run["running"]:
            break
        time.sleep(0.1)
    assert run["exit_code"] == 1 and run["reasons"] == ["1 gesprekstest(en) mislukt"]
    refused = r"Klaar: kandidaat jep-proef-\S+ is geweigerd; het huidige model blijft actief\."
    assert re.fullmatch(refused, run["outcome"])
    assert run["steps"][-1] == "      klaar in 0m01s, totaal 0m01s"
    assert session.get(web + run["report"], timeout=10).status_code == 200
    models = session.get(f"{web}/beheer/modellen", timeout=10).text
    assert "Laatste hertraining: Klaar: kandidaat jep-proef-" in models
    assert "geweigerd: 1 gesprekstest(en) mislukt" in models
    assert list((tmp / "retrain").glob("*.log")) and not (tmp / "retrain" / "lock").exists()
    assert Registry.for_models(tmp / "models").active().name == "c"


def test_a_report_is_served_only_through_the_registry(web):
    session = login(web)
    reply = session.get(f"{web}/beheer/modellen/a/rapport", timeout=10)
    assert reply.status_code == 200 and "<h1>Hertraining a</h1>" in reply.text and "<td>greet</td>" in reply.text
    assert '<img alt="verwarringsmatrix" src="confusion.png">' in reply.text and "window.__xss" not in reply.text
    image = session.get(f"{web}/beheer/modellen/a/confusion.png", timeout=10)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    for path in ("onbekend/rapport", "b/rapport", "b/confusion.png", "..%2F..%2Fetc%2Fpasswd/rapport",
                 "..%2Freports%2Fa/rapport"):  # fmt: skip
        reply = session.get(f"{web}/beheer/modellen/{path}", timeout=10)
        assert reply.status_code == 404, path


def test_rollback_asks_first_and_goes_back_one_model(web, models):
    session = login(web)
    confirm = session.get(f"{web}/beheer/modellen/terugzetten", timeout=10).text
    assert "Het actieve model is <code>c</code>" in confirm and "Terugzetten naar b" in confirm
    assert Registry.for_models(models).active().name == "c"  # looking did not change anything
    token = csrf(session, web)
    reply = session.post(f"{web}/beheer/modellen/terugzetten", data={"csrf": token, "van": "c"}, timeout=30)
    assert reply.status_code == 200 and "Teruggezet naar b. Geen draaiende Rasa-server" in reply.text
    assert Registry.for_models(models).active().name == "b"
    again = session.post(f"{web}/beheer/modellen/terugzetten", data={"csrf": token, "van": "c"}, timeout=30)
    assert again.status_code == 409 and "intussen veranderd" in again.text
    assert Registry.for_models(models).active().name == "b"
