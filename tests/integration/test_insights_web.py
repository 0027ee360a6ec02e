"""Issue 23: /beheer/inzicht over HTTP for a maintainer and an analyst: the KPIs of a seeded store, the
analyst kept out of everything else, a CSV per table with "< 5", CSRF on "heeft een artikel nodig",
a wrong period refused with the form, and the canary: no name, phone number, e-mail or conversation
id on the page or in any CSV."""

from __future__ import annotations

import re

import pytest
import requests
from sqlalchemy import select

from bot.insights.editors import WHY
from bot.store import ReviewItem, unit_of_work
from bot.store.words import ReviewStatus
from tests.conftest import free_port
from tests.integration.conftest import serving
from tests.integration.insight_world import PASSWORD, PERIOD, PERSONAL, SENDERS, insights_app

PAGE = "/beheer/inzicht"
TABLES = ("kpis", "overdracht", "onderwerpen", "artikelen", "providers", "settings", "hiaten")
BUTTON = 'action="/beheer/inzicht/artikel-nodig"'


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    app, factory = insights_app(tmp_path_factory.mktemp("inzicht"), "jep_web_inzicht")
    with serving(app, free_port()) as base:
        yield base, factory


@pytest.fixture(scope="module")
def web(world):
    return world[0]


def login(web: str, username: str) -> requests.Session:
    session = requests.Session()
    reply = session.post(f"{web}/adviseurs/login", data={"username": username, "password": PASSWORD},
                         allow_redirects=False, timeout=10)  # fmt: skip
    assert reply.status_code == 303, reply.text
    session.landing = reply.headers["location"]
    return session


def test_a_maintainer_sees_the_kpis_charts_gaps_and_definitions(web):
    maintainer = login(web, "mara")
    page = maintainer.get(f"{web}{PAGE}", params=PERIOD, timeout=60)
    assert page.status_code == 200
    html = page.text
    assert "<caption>Kerncijfers" in html and html.count("<svg") == 4
    assert re.search(r'<th scope="row">Totaal</th><td>37</td>', html)  # 20 + 10 + 4 + 3 conversations
    assert "2026-W10" in html and "&lt; 5" in html  # the week of the three
    assert "<h3 id=\"groep-" in html and BUTTON in html
    assert "Containment</strong>" in html and "Fallbackpercentage" in html  # the definitions, from docs/insights.md
    assert 'href="/beheer/inzicht">Inzicht</a>' in maintainer.get(f"{web}/beheer", timeout=10).text


def test_an_analyst_lands_on_the_page_and_nowhere_else(web):
    analyst = login(web, "ada")
    assert analyst.landing == PAGE
    page = analyst.get(f"{web}{PAGE}", params=PERIOD, timeout=60)
    assert page.status_code == 200 and "<caption>Kerncijfers" in page.text
    assert BUTTON not in page.text and 'href="/adviseurs"' not in page.text and "inbox.js" not in page.text
    for path in ("/adviseurs", "/adviseurs/escalaties/JEP-1", "/adviseurs/cijfers", "/beheer", "/beheer/artikelen",
                 "/beheer/modellen", "/beheer/modellen/hertrainen"):  # fmt: skip
        reply = analyst.get(web + path, allow_redirects=False, timeout=10)
        assert reply.status_code == 403 and "geen toegang" in reply.text, path
    assert analyst.get(f"{web}/api/escalations", timeout=10).status_code == 403
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # the logout form's
    posted = analyst.post(f"{web}{PAGE}/artikel-nodig", data={"csrf": token, "groep": "1", **PERIOD},
                          allow_redirects=False, timeout=10)  # fmt: skip
    assert posted.status_code == 403
    assert analyst.post(f"{web}/adviseurs/logout", data={"csrf": token}, allow_redirects=False).status_code == 303


def test_a_quiet_period_shows_zeros_and_empty_tables(web):
    page = login(web, "ada").get(f"{web}{PAGE}", params={"van": "2025-01-01", "tot": "2025-01-31"}, timeout=60)
    assert page.status_code == 200 and page.text.count("<svg") == 4 and "Niets in deze periode." in page.text


def test_an_advisor_does_not_see_the_insights(web):
    assert login(web, "anna").get(f"{web}{PAGE}", timeout=10).status_code == 403


def test_each_table_downloads_as_csv_with_small_numbers_hidden(web):
    analyst = login(web, "ada")
    kpis = analyst.get(f"{web}{PAGE}/kpis.csv", params=PERIOD, timeout=60)
    assert kpis.status_code == 200 and kpis.headers["content-type"].startswith("text/csv")
    assert kpis.headers["content-disposition"] == 'attachment; filename="inzicht-kpis-2026-03-01-2026-03-31.csv"'
    week = next(line for line in kpis.text.splitlines() if line.startswith("2026-W12"))
    assert week.split(";")[1] == "< 5"
    for name in TABLES:
        assert analyst.get(f"{web}{PAGE}/{name}.csv", params=PERIOD, timeout=60).status_code == 200, name
    assert analyst.get(f"{web}{PAGE}/geheim.csv", params=PERIOD, timeout=10).status_code == 404
    assert analyst.get(f"{web}{PAGE}/kpis.csv", params={"van": "gisteren"}, timeout=10).status_code == 400


@pytest.mark.parametrize(("period", "error"), [
    ({"van": "gisteren"}, "JJJJ-MM-DD"), ({"per": "maand"}, "per dag of per week"),
    ({"van": "2026-03-10", "tot": "2026-03-01"}, "na de einddatum"),
    ({"van": "2020-01-01", "tot": "2026-03-01"}, "hoogstens twee jaar"),
])  # fmt: skip
def test_a_wrong_period_gets_the_form_again_with_400(web, period, error):
    reply = login(web, "mara").get(f"{web}{PAGE}", params=period, timeout=10)
    assert reply.status_code == 400 and error in reply.text
    assert 'role="alert"' in reply.text and 'id="van"' in reply.text and "<svg" not in reply.text


def test_article_needed_wants_the_csrf_token_and_lands_on_the_editors_list(world):
    web, factory = world
    maintainer = login(web, "mara")
    html = maintainer.get(f"{web}{PAGE}", params=PERIOD, timeout=60).text
    token = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
    group = re.search(r'name="groep" value="([^"]+)"', html).group(1)
    url = f"{web}{PAGE}/artikel-nodig"
    assert maintainer.post(url, data={"groep": group, **PERIOD}, allow_redirects=False).status_code == 403
    assert maintainer.post(url, data={"csrf": token, "groep": "0", **PERIOD}, allow_redirects=False).status_code == 404
    done = maintainer.post(url, data={"csrf": token, "groep": group, **PERIOD}, allow_redirects=False)
    assert done.status_code == 303 and "klaar=artikel" in done.headers["location"]
    assert "op de lijst voor redacteuren" in maintainer.get(web + done.headers["location"], timeout=60).text
    with unit_of_work(factory) as session:
        items = list(session.execute(select(ReviewItem).where(ReviewItem.why == WHY)).scalars())
    assert [item.status for item in items] == [ReviewStatus.NEEDS_ARTICLE] and items[0].decided_by == "mara"
    assert "[" in items[0].text or "zeldzaams" in items[0].text or "blabla" in items[0].text  # redacted examples
    assert items[0].text in maintainer.get(f"{web}/beheer/artikelen", timeout=10).text


def test_canary_no_personal_data_or_conversation_ids_on_the_page_or_in_any_csv(web):
    for username in ("mara", "ada"):
        session = login(web, username)
        outputs = [session.get(f"{web}{PAGE}", params=PERIOD, timeout=60).text]
        outputs += [session.get(f"{web}{PAGE}/{name}.csv", params=PERIOD, timeout=60).text for name in TABLES]
        everything = "\n".join(outputs)
        assert "[" in everything  # the canary's question is there, redacted
        for value in (*PERSONAL, "Jansen", "example.nl"):
            assert value not in everything, (username, value)
        for sender in SENDERS:
            assert not re.search(rf"\b{sender}\b", everything), (username, sender)
