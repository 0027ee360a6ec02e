"""An advisor's live reply reaches a professional whose chat is connected to the other replica.

The professional's page (Debian's Chromium) connects through HAProxy, which pins its socket.io session to
one replica with the cookie JEPRASA. The advisor's message goes to `/webhooks/webchat/relay` of the OTHER
replica, straight, as it may when the advisors' web app's request lands there: only a socket.io client
manager that both replicas share (Redis pub/sub) carries the emit to the replica that holds the socket.
So do the hand-back to the assistant and the assistant's next answer.
"""

from __future__ import annotations

import os

import pytest
import requests
from playwright.sync_api import sync_playwright

from tests.browser.conftest import ask, wait_online
from tests.cluster.traffic import STICKY_COOKIE

CHROMIUM = os.environ.get("JEP_CHROMIUM", "/usr/bin/chromium")
ADVISOR_TEXT = "Goedemiddag, u spreekt met een adviseur van de Advieslijn. Vertel gerust wat er speelt."


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"geen Chromium op {CHROMIUM} (Debian-pakket chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


def relay(replica_url: str, token: str, session_id: str, **body) -> requests.Response:
    return requests.post(f"{replica_url}/webhooks/webchat/relay", json={"session_id": session_id, **body},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30)  # fmt: skip


def replica_of(context, cluster) -> int:
    """The index of the replica that holds the page's socket.io session, from HAProxy's cookie (rasa1, rasa2)."""
    cookies = {c["name"]: c["value"] for c in context.cookies(cluster.rasa_url)}
    assert STICKY_COOKIE in cookies, f"HAProxy zette geen {STICKY_COOKIE}: {sorted(cookies)}"
    return int(cookies[STICKY_COOKIE].removeprefix("rasa")) - 1


def test_an_advisors_reply_sent_to_the_other_replica_reaches_the_professional(browser, cluster):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60000)
    page = context.new_page()
    try:
        page.goto(cluster.web_url + "/")
        wait_online(page)
        ask(page, "hoe ga ik het gesprek aan met een leerling die extreme uitspraken doet?")  # the tracker exists
        session_id = page.evaluate("() => JSON.parse(sessionStorage.getItem('jep-chat')).session")
        held_by = replica_of(context, cluster)
        other = cluster.replica_urls[1 - held_by]
        print(f"\nde chat zit op replica {held_by + 1}; de adviseur spreekt via {other}")

        assert relay(other, cluster.settings.relay_token, session_id, text=ADVISOR_TEXT).json() == {"status": "ok"}
        page.locator(".jep-advisor", has_text="Vertel gerust wat er speelt.").wait_for(timeout=15000)

        relay(other, cluster.settings.relay_token, session_id, resume=True).raise_for_status()
        page.get_by_text("De adviseur heeft het gesprek afgesloten").wait_for(timeout=15000)
        ask(page, "welke signalen van radicalisering moet ik serieus nemen?")  # the assistant answers again
    finally:
        context.close()
