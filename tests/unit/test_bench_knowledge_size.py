"""The bench's larger knowledge bases: variants whose passages the vector cache already holds."""

from bench.knowledge_size import TITLE_PREFIXES, build_knowledge
from bot.config import load_settings
from bot.knowledge.files import read_knowledge
from bot.knowledge.vectors import article_passages


def test_variants_keep_summary_and_sections_so_only_a_few_passages_are_new(tmp_path):
    source = load_settings().knowledge_dir
    originals, _ = read_knowledge(source)
    by_id = {article["id"]: article for article in originals.articles}

    build_knowledge(source, tmp_path, 3 * len(by_id))
    knowledge, errors = read_knowledge(tmp_path)

    assert errors == []
    assert len(knowledge.articles) == 3 * len(by_id)
    for variant in knowledge.articles:
        original = by_id.get(variant["id"]) or by_id[variant["id"].rsplit("-v", 1)[0]]
        assert variant["summary"] == original["summary"]
        assert article_passages(variant)[1:] == article_passages(original)[1:]
        assert variant["title"] in {prefix + original["title"] for prefix in TITLE_PREFIXES}
        assert set(variant["keywords"]) <= set(original["keywords"])
    # One title-and-summary passage per article and title prefix at most, however many variants.
    firsts = {article_passages(article)[0] for article in knowledge.articles}
    assert len(firsts) <= len(by_id) * len(TITLE_PREFIXES)
