"""The editors' knowledge keeps to the contract and to the brief."""

import re

import yaml

from bot.knowledge.files import read_knowledge
from tests.conftest import KNOWLEDGE, SHARED

KNOWLEDGE_FILES, ERRORS = read_knowledge(KNOWLEDGE)
HEADINGS = ["## Wat speelt er", "## Wat kun je doen", "## Wat kun je beter vermijden", "## Wie kan helpen"]


def test_the_files_are_valid():
    assert ERRORS == []


def test_topic_ids_equal_the_contract():
    contract = yaml.safe_load((SHARED / "contract" / "topics.yml").read_text(encoding="utf-8"))
    assert [t["id"] for t in KNOWLEDGE_FILES.topics] == [t["id"] for t in contract["topics"]]


def test_at_least_forty_articles_and_two_per_topic():
    articles = KNOWLEDGE_FILES.articles
    assert len(articles) >= 40
    for topic in KNOWLEDGE_FILES.topics:
        assert sum(topic["id"] in a["topics"] for a in articles) >= 2, topic["id"]


def test_articles_are_full_answers():
    for article in KNOWLEDGE_FILES.articles:
        words = len(re.findall(r"\w+", article["body"]))
        assert 300 <= words <= 800, (article["id"], words)
        positions = [article["body"].find(h) for h in HEADINGS]
        assert -1 not in positions and positions == sorted(positions), article["id"]


def test_providers_include_the_numbers_a_professional_needs():
    providers = {p["id"]: p for p in KNOWLEDGE_FILES.providers}
    assert len(providers) >= 20
    phones = {p["phone"] for p in providers.values()}
    assert {"070 333 45 58", "112", "0900-8844"} <= phones


def test_phone_numbers_are_only_the_few_known_for_certain():
    """Guards against invented numbers: adding one is a deliberate edit of this list."""
    known = {"070 333 45 58", "112", "0900-8844", "0800-2000"}
    assert {p["phone"] for p in KNOWLEDGE_FILES.providers} - {None} <= known
    text = " ".join(a["body"] for a in KNOWLEDGE_FILES.articles)
    numbers = set(re.findall(r"\b0\d{2,3}[- ]?\d{3}[- ]?\d{2}[- ]?\d{2}\b|\b0[89]00-?\d{4}\b", text))
    assert {re.sub(r"\D", "", n) for n in numbers} <= {re.sub(r"\D", "", n) for n in known}
