"""/kennis, /kennis/<id>, /organisaties and /organisaties/<id> over HTTP, on the real knowledge in memory."""

from __future__ import annotations

import html
import re

import pytest
import requests

from bot.knowledge.loader import load_knowledge
from tests.conftest import KNOWLEDGE
from tests.integration.conftest import web_process

ARTICLE = "complotdenken-en-wantrouwen-tegen-overheid"


@pytest.fixture(scope="module")
def web(tmp, factory):
    """`python -m bot web` on the real knowledge files (Sanic 21 serves only one app per process)."""
    load_knowledge(KNOWLEDGE, factory)
    with web_process(tmp) as base:
        yield base


def get(base: str, path: str, **params) -> requests.Response:
    return requests.get(f"{base}{path}", params=params, timeout=10)


def links(page: str, prefix: str) -> list[str]:
    return re.findall(rf'href="{prefix}([a-z0-9-]+)"', page)


def test_a_search_shows_ranked_results_with_marked_words(web):
    reply = get(web, "/kennis", q="complotdenken")
    assert reply.status_code == 200
    assert "artikelen gevonden" in reply.text and "<mark>complotdenken</mark>" in reply.text.lower()
    assert links(reply.text, "/kennis/")[0].startswith("complot")


def test_filters_narrow_the_search_and_are_kept_in_the_form(web, services):
    reply = get(web, "/kennis", q="gesprek", onderwerp="ouders", werkveld="jeugdhulp")
    found = set(links(reply.text, "/kennis/"))
    articles = services.knowledge.catalogue().articles
    assert found and all({"ouders"} <= set(articles[a].topics) for a in found)
    assert '<option value="ouders" selected>' in reply.text and '<option value="jeugdhulp" selected>' in reply.text


def test_the_page_escapes_the_query_and_ignores_unknown_filters_politely(web):
    reply = get(web, "/kennis", q='"><script>alert(1)</script>', onderwerp="bestaat-niet", werkveld="x" * 5000)
    assert reply.status_code == 200
    assert "<script>alert(1)" not in reply.text and "&lt;script&gt;" in reply.text
    assert "Dat onderwerp kennen we niet" in reply.text and "Dat werkveld kennen we niet" in reply.text


def test_without_a_query_every_article_is_listed_by_topic(web, services):
    reply = get(web, "/kennis")
    assert len(set(links(reply.text, "/kennis/"))) == len(services.knowledge.catalogue().articles)


def test_an_article_page_has_related_articles_the_ask_link_and_tel_links(web):
    reply = get(web, f"/kennis/{ARTICLE}")
    assert reply.status_code == 200
    assert "Verder lezen" in reply.text and len(set(links(reply.text, "/kennis/")) - {ARTICLE}) >= 3
    assert f'href="/?over={ARTICLE}"' in reply.text and "Vraag de assistent hierover" in reply.text
    assert 'href="tel:+31703334558"' in reply.text.split("<footer")[0]


def test_the_chat_page_carries_the_article_as_the_question(web, services):
    title = services.knowledge.article(ARTICLE).title
    reply = get(web, "/", over=ARTICLE)
    assert f'data-question="Vertel me meer over: {html.escape(title)}"' in reply.text
    assert 'src="/static/ask_about.js"' in reply.text
    assert "jep-about" not in get(web, "/", over="<bestaat niet>").text


def test_unknown_or_malformed_ids_get_a_dutch_404(web):
    for path in ("/kennis/bestaat-niet", "/kennis/%3Cscript%3E", "/organisaties/bestaat-niet", "/organisaties/A_B"):
        reply = get(web, path)
        assert reply.status_code == 404 and "Niet gevonden" in reply.text, path


def test_every_provider_is_listed_with_what_for_whom_where_and_contact(web, services):
    reply = get(web, "/organisaties")
    assert set(links(reply.text, "/organisaties/")) == set(services.knowledge.catalogue().providers)
    assert 'href="tel:+31703334558"' in reply.text.split("<footer")[0] and "Werkgebied" in reply.text


def test_provider_filters_and_a_region_keep_national_providers(web, services):
    reply = get(web, "/organisaties", onderwerp="exit", werkveld="jeugdhulp", aanbod="exitbegeleiding", regio="Zwolle")
    shown = set(links(reply.text, "/organisaties/"))
    providers = services.knowledge.catalogue().providers
    assert "landelijk-steunpunt-extremisme" in shown
    assert all("exitbegeleiding" in providers[p].services for p in shown)
    assert '<option value="Zwolle" selected>' in reply.text and "Landelijke organisaties" in reply.text


def test_unknown_provider_filters_are_ignored_politely(web, services):
    reply = get(web, "/organisaties", regio="Atlantis", aanbod="<b>", onderwerp="x")
    assert reply.status_code == 200
    assert "Die regio kennen we niet" in reply.text and "Dat aanbod kennen we niet" in reply.text
    assert len(set(links(reply.text, "/organisaties/"))) == len(services.knowledge.catalogue().providers)


def test_a_provider_page(web):
    reply = get(web, "/organisaties/veilig-thuis")
    assert reply.status_code == 200 and "Veilig Thuis" in reply.text
    assert 'href="tel:08002000"' in reply.text and "in elke regio" in reply.text
