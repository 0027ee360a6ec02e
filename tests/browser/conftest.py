"""The real stack for browser tests: action server, Rasa with the trained model, web app.

Each on its own port with its own databases, so a running `make run` is left alone.
Chromium comes from Debian's package; Playwright only drives it.
With JEP_TEST_STACK=cluster the same tests run against the set-up of `make cluster` instead
(tests/cluster/conftest.py): HAProxy in front of two Rasa replicas, on PostgreSQL and Redis.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import requests
from playwright.sync_api import sync_playwright

from bot.cluster import packages
from bot.config import ROOT, load_settings
from bot.knowledge.loader import load_knowledge
from bot.runner import child_environment, services_for, start, stop, wait_until_ready
from bot.store import make_engine, make_sessionmaker
from bot.training.model import model_path
from tests.cluster.conftest import cluster_dir, postgres_server, redis_server, running_cluster  # noqa: F401
from tests.conftest import KNOWLEDGE, RASA_TOKEN, RELAY_TOKEN, stack_environment  # noqa: F401

CHROMIUM = os.environ.get("JEP_CHROMIUM", "/usr/bin/chromium")
ON_CLUSTER = os.environ.get("JEP_TEST_STACK", "").strip() == "cluster"
ARTIFACTS = ROOT / "test-artifacts"
XSS_ARTICLE = "xss-proef"
XSS_BODY = """## Wat speelt er
<script>window.__xss = "article-script"</script>
<img src="x" onerror="window.__xss = 'article-img'">
[klik hier](javascript:window.__xss='article-link')
<a href="javascript:window.__xss='article-a'" onclick="window.__xss='article-click'">nog een link</a>
Gewone tekst over radicalisering blijft leesbaar.
"""


@pytest.fixture(scope="session")
def stack_dir(tmp_path_factory) -> Path:
    """Where the stack keeps its databases and logs."""
    return tmp_path_factory.mktemp("stack")


def add_xss_article(knowledge: Path) -> None:
    (knowledge / "articles" / f"{XSS_ARTICLE}.md").write_text(
        f"---\nid: {XSS_ARTICLE}\ntitle: <img src=x onerror=\"window.__xss='title'\">Proefartikel\n"
        "summary: Een artikel om te testen dat niets uit een artikel kan worden uitgevoerd.\n"
        "topics: [online]\naudiences: [onderwijs]\nupdated: 2026-11-28\n---\n" + XSS_BODY,
        encoding="utf-8",
    )


@pytest.fixture(scope="session")
def stack(request, stack_dir):
    if ON_CLUSTER:
        yield from cluster_stack(request, stack_dir)
        return
    tmp = stack_dir
    knowledge = tmp / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    add_xss_article(knowledge)
    databases = {"JEP_DB_URL": f"sqlite:///{tmp / 'jep.db'}", "JEP_TRACKER_DB_URL": f"sqlite:///{tmp / 'tracker.db'}"}
    with stack_environment(knowledge, **databases):
        settings = load_settings()
        model = model_path(settings)
        if not model.exists():
            pytest.fail(f"geen getraind model ({model.name}); draai eerst `make train`")
        load_knowledge(knowledge, make_sessionmaker(make_engine(settings.db_url)))
        services = services_for(settings, model, logs=tmp / "logs")
        try:
            start(services, child_environment(settings))
            wait_until_ready(services)
            yield settings
        finally:
            stop(services)


def cluster_stack(request, stack_dir: Path):
    """The cluster's settings, as the services see them; its logs (and PostgreSQL's and Redis's) in stack_dir/logs."""
    try:
        packages.ensure_installed()
    except packages.PackagesUnavailable as problem:
        pytest.skip(f"JEP_TEST_STACK=cluster: PostgreSQL 15/Redis/HAProxy niet beschikbaar ({problem})")
    servers = [request.getfixturevalue(name) for name in ("cluster_dir", "postgres_server", "redis_server")]
    with running_cluster(*servers, "jep_browser") as running:
        settings = running.settings
        # As an editor adds one to a running system: the next look-up sees the new knowledge version.
        add_xss_article(settings.knowledge_dir)
        load_knowledge(settings.knowledge_dir, make_sessionmaker(make_engine(settings.db_url)))
        logs = stack_dir / "logs"
        logs.mkdir()
        for log in [*running.layout.logs.glob("*.log"), *(servers[0] / "logs").glob("*.log")]:
            (logs / log.name).symlink_to(log)
        yield settings


@pytest.fixture(scope="session")
def browser():
    for stale in ARTIFACTS.glob("failed-*.png"):
        stale.unlink()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"],
        )  # fmt: skip
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed = report.failed


@pytest.fixture
def page(request, browser, stack):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60000)  # a busy 2-core machine trains and serves at once
    page = context.new_page()
    page.goto(stack.web_url + "/")
    page.wait_for_selector(".jep-widget")
    wait_online(page)
    yield page
    if getattr(request.node, "failed", False):
        screenshot(page, f"failed-{request.node.name}")
    context.close()


def wait_online(page) -> None:
    page.wait_for_function("() => !document.querySelector('.jep-primary').disabled", timeout=20000)


def ask(page, text: str) -> None:
    """Types a message like a person and waits for the assistant's answer."""
    before = page.locator(".jep-bot").count()
    page.fill("#jep-input", text)
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelectorAll('.jep-bot').length > {before}", timeout=30000)


def say(stack, sender: str, text: str) -> list[dict]:
    """A message over Rasa's REST channel; the assistant's answers."""
    reply = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                          timeout=60)  # fmt: skip
    reply.raise_for_status()
    return reply.json()


def events(stack, sender: str) -> list[dict]:
    """The conversation's events as Rasa's tracker store keeps them (over the API, with the token)."""
    reply = requests.get(f"{stack.rasa_url}/conversations/{sender}/tracker", params={"token": RASA_TOKEN}, timeout=30)
    return reply.json()["events"]


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Issue 22: the chat at a phone's and a desktop's size (the height a phone really has), with axe allowed in.
CHAT_SIZES = {375: 667, 1280: 800}


@pytest.fixture(params=sorted(CHAT_SIZES), ids=[f"{w}px" for w in sorted(CHAT_SIZES)])
def chat(request, browser, stack):
    """A fresh chat page, online, at 375 and at 1280 px wide; `chat.width` tells which."""
    width = request.param
    context = browser.new_context(viewport={"width": width, "height": CHAT_SIZES[width]}, bypass_csp=True)
    context.set_default_timeout(60000)
    page = context.new_page()
    page.goto(stack.web_url + "/")
    page.wait_for_selector(".jep-widget")
    wait_online(page)
    page.width = width
    yield page
    if getattr(request.node, "failed", False):
        screenshot(page, f"failed-{request.node.name}")
    context.close()
