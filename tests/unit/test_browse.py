"""The knowledge base as pages: the chat's search with hard filters, and related articles."""

from bot.knowledge import browse
from bot.knowledge.browse import MAX_QUERY


def test_a_search_finds_what_the_chat_finds(services):
    found = browse.search(services.knowledge, "complotdenken in de klas", None, None)
    chat = services.knowledge.search_articles("complotdenken in de klas", limit=3)
    assert [a.id for a in found.items[:3]] == [a.id for a in chat]
    assert not found.weak and not found.ignored


def test_topic_and_work_setting_filter_the_results(services):
    found = browse.search(services.knowledge, "gesprek met een jongere", "ouders", "jeugdhulp")
    assert found.items and found.topic == "ouders" and found.audience == "jeugdhulp"
    assert all("ouders" in a.topics and "jeugdhulp" in a.audiences for a in found.items)


def test_without_a_query_the_filters_list_every_matching_article_by_title(services):
    found = browse.search(services.knowledge, " ??? ", "exit", None)
    assert not found.searched and found.query == "???"
    everything = services.knowledge.catalogue().articles.values()
    assert [a.id for a in found.items] == [
        a.id for a in sorted((a for a in everything if "exit" in a.topics), key=lambda a: a.title)
    ]


def test_unknown_filters_are_ignored_and_named(services):
    found = browse.search(services.knowledge, "polarisatie", "<script>", "brandweer")
    assert found.topic is None and found.audience is None
    assert found.ignored == ("onderwerp", "werkveld") and found.items


def test_a_long_query_is_cut_and_nonsense_gives_few_close_ones(services):
    found = browse.search(services.knowledge, "polarisatie " * 100, None, None)
    assert found.shortened and len(found.query) == MAX_QUERY and found.items
    nonsense = browse.search(services.knowledge, "qwq zzkk vvbb", None, None)
    assert nonsense.weak and len(nonsense.items) <= browse.CLOSEST


def test_related_articles_share_the_topic_or_come_from_the_title_search(services):
    article = services.knowledge.article("complotdenken-en-wantrouwen-tegen-overheid")
    related = browse.related(services.knowledge, article)
    assert related.same_topic and related.similar
    assert all(article.topics[0] in a.topics for a in related.same_topic)
    ids = [a.id for a in related.same_topic + related.similar]
    assert article.id not in ids and len(ids) == len(set(ids))
    assert set(ids) & {a.id for a in services.knowledge.search_articles(article.title, limit=8)}
