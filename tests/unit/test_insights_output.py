"""Charts, CSV, gap clusters and the editors' list; and the canary: no personal data in any of them."""

from __future__ import annotations

import csv
import hashlib
from types import SimpleNamespace

import numpy as np
import pytest
from sqlalchemy import select

from bot.insights.charts import insight_charts
from bot.insights.clusters import GapClusters
from bot.insights.csv_export import table_csv
from bot.insights.editors import ask_for_article
from bot.insights.kpis import insights
from bot.insights.tables import InsightConversation, InsightCursor, InsightDay, InsightFacet, InsightGap, InsightSalt
from bot.knowledge.hybrid import DenseIndex
from bot.knowledge.records import Article
from bot.store import ReviewItem, unit_of_work
from bot.store.words import ReviewStatus
from tests.unit import test_insights_rollup as known
from tests.unit.test_insights_rollup import DAY1, DAY2

world = known.world  # the synthetic store with known counts, as a fixture here too
PERSONAL = ("Jan", "Jansen", "0612345678", "jan.jansen@example.nl", "example.nl")
GROUPS = {"zeldzaams": 0, "slecht": 1, "collega": 2}  # the rest, "blabla xyz", is group 3


class GroupEmbedder:
    """Vectors by meaning without the model: questions on the same subject share a direction."""

    def query(self, text: str) -> np.ndarray:
        group = next((g for word, g in GROUPS.items() if word in text), 3)
        vector = np.zeros(384, dtype=np.float32)
        vector[group] = 1.0
        vector[10 + int(hashlib.sha256(text.encode()).hexdigest(), 16) % 300] = 0.05  # a little noise
        return vector


def test_no_personal_data_in_rollups_csv_or_charts(world):
    factory, _tracker, rollup = world
    rollup.update()
    found = insights(factory, DAY1, DAY2, per="day")
    outputs = [table_csv(t) for t in found.tables()] + [chart.svg for chart in insight_charts(found)]
    gaps = GapClusters(factory, embedder=GroupEmbedder()).clusters(DAY1, DAY2)
    outputs += [table_csv(gaps.table())]
    with unit_of_work(factory) as session:
        for model in (InsightDay, InsightFacet, InsightConversation, InsightGap, InsightCursor, InsightSalt):
            outputs += [repr([(c, getattr(r, c.name)) for c in model.__table__.columns])
                        for r in session.execute(select(model)).scalars()]  # fmt: skip
        texts = list(session.execute(select(InsightGap.text)).scalars())
    everything = "\n".join(outputs)
    assert any("[" in text for text in texts)  # the canary's questions are there, redacted
    for value in PERSONAL:
        assert value not in everything
    for conversation in ("a0", "b0"):
        assert f"'{conversation}'" not in everything


def test_charts_and_csv_show_hidden_cells_as_less_than_five(world):
    factory, _tracker, rollup = world
    rollup.update()
    found = insights(factory, DAY1, DAY2, per="day")
    kpis = table_csv(found.kpi_table()).splitlines()
    assert kpis[0].startswith("Periode;Gesprekken;")
    assert kpis[2].split(";")[:2] == ["2026-03-03", "10"] and "< 5" not in kpis[1]
    handoffs = table_csv({t.name: t for t in found.extra}["overdracht"])
    assert "Belt de Advieslijn;6;0.2000" in handoffs and "< 5" not in handoffs
    charts = insight_charts(found)
    assert all(chart.svg.startswith("<svg") and 'viewBox="0 0 360' in chart.svg for chart in charts)
    assert charts[0].table.rows[1][0] == "2026-03-03"


def test_gap_clusters_group_by_meaning_and_hide_small_ones(world):
    factory, _tracker, rollup = world
    rollup.update()
    report = GapClusters(factory, embedder=GroupEmbedder()).clusters(DAY1, DAY2)
    sizes = sorted(cluster.conversations for cluster in report.clusters)
    assert sizes == [5, 9]  # "blabla xyz" not understood in 5 conversations, 9 rare questions nothing found
    assert report.hidden == 2  # "slecht antwoord" rated down in 4 conversations, the canary in 2
    rare = report.clusters[0]
    assert rare.why == {"nothing_found": 9} and len(rare.examples) == 3


class OneArticleKnowledge:
    """The knowledge service's catalogue as the clusters read it: one article, near every group."""

    def catalogue(self):
        vector = np.zeros(384, dtype=np.float32)
        vector[[0, 1, 2, 3]] = 0.5
        article = Article("hiaat", "Een artikel", "", "", ("signalen",), (), "2026-01-01")
        return SimpleNamespace(article_vectors=DenseIndex([[vector]]), articles={"hiaat": article})


def test_a_cluster_names_its_nearest_article(world):
    factory, _tracker, rollup = world
    rollup.update()
    report = GapClusters(factory, knowledge=OneArticleKnowledge(), embedder=GroupEmbedder()).clusters(DAY1, DAY2)
    assert {(c.article_id, c.article_title) for c in report.clusters} == {("hiaat", "Een artikel")}


def test_a_cluster_lands_on_the_editors_list(world):
    factory, _tracker, rollup = world
    rollup.update()
    cluster = GapClusters(factory, embedder=GroupEmbedder()).clusters(DAY1, DAY2).clusters[0]
    item = ask_for_article(factory, cluster, "beheerder")
    again = ask_for_article(factory, cluster, "beheerder")
    assert item.id == again.id and item.status == ReviewStatus.NEEDS_ARTICLE and item.count == cluster.conversations
    with unit_of_work(factory) as session:
        assert session.execute(select(ReviewItem.text)).scalars().all() == [cluster.examples[0]]


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+31", "@SUM(1)"])
def test_csv_cells_never_start_a_formula(text):
    from bot.insights.report_tables import ReportTable

    assert next(csv.reader(table_csv(ReportTable("t", "t", ("a",), ((text,),))).splitlines()[1:]))[0] == f"'{text}"
