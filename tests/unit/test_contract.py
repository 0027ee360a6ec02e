"""The articles and providers payloads: the contract's keys (../shared/contract/payloads.md), absolute links."""

from bot.contract import MAX_ITEMS, articles_payload, providers_payload
from bot.knowledge.records import Article, Provider

ARTICLE = Article("gesprek", "Het gesprek", "Kort.", "## Tekst", ("gesprek",), ("onderwijs",), "2026-01-01", 0.83)
PROVIDER = Provider(
    "steunpunt", "Steunpunt", "Helpt.", ("ouders",), ("onderwijs",), ("landelijk",), ("advies",), None, None
)


def test_an_article_item_has_the_contract_keys_and_an_absolute_url():
    payload = articles_payload("vraag", [ARTICLE] * (MAX_ITEMS + 2), "https://jep.example/")
    assert payload["type"] == "articles" and payload["query"] == "vraag" and len(payload["items"]) == MAX_ITEMS
    assert payload["items"][0] == {
        "id": "gesprek",
        "title": "Het gesprek",
        "summary": "Kort.",
        "url": "https://jep.example/kennis/gesprek",
        "topics": ["gesprek"],
        "score": 0.83,
    }


def test_a_provider_item_keeps_its_own_website_and_links_its_page():
    [item] = providers_payload([PROVIDER], "https://jep.example")["items"]
    assert item["url"] is None and item["phone"] is None
    assert item["page"] == "https://jep.example/organisaties/steunpunt"
    assert item["regions"] == ["landelijk"] and item["services"] == ["advies"]
