"""Gaps: unanswered or badly rated questions grouped by meaning, each with the nearest article.

The redacted texts (insight_gaps) are embedded with e5 once, on first use, and the vector is kept
with the text (it expires with it). scikit-learn's agglomerative clustering with average linkage
and a cosine distance threshold joins questions that mean the same; a cluster from fewer than 5
conversations is not shown. At most MAX_GAPS of the latest questions are clustered: the distance
matrix grows with the square.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.insights.report_tables import ReportTable
from bot.insights.suppression import MIN_CONVERSATIONS, count_cell
from bot.insights.tables import InsightGap
from bot.knowledge.vectors import Embedder, from_bytes, to_bytes
from bot.store import unit_of_work

THRESHOLD = 0.12  # cosine distance: e5 puts rephrasings within 0.06–0.12, other questions at 0.14–0.20
MAX_GAPS = 2000
EXAMPLES = 3
WHY_LABELS = {"not_understood": "niet begrepen", "nothing_found": "niets gevonden", "rated_down": "duim omlaag"}


@dataclass(frozen=True)
class GapCluster:
    key: str  # the id of its first question: stable while that question is kept
    conversations: int
    questions: int
    examples: tuple[str, ...]  # redacted, nearest the cluster's centre first
    why: dict[str, int] = field(default_factory=dict)
    article_id: str | None = None
    article_title: str | None = None
    article_score: float | None = None

    def why_text(self) -> str:
        """How many questions had each reason; 1 to 4 as "< 5", like every other small number."""
        return ", ".join(f"{WHY_LABELS.get(w, w)} {count_cell(n, n)}" for w, n in sorted(self.why.items()))


@dataclass(frozen=True)
class GapReport:
    clusters: tuple[GapCluster, ...]  # largest first
    hidden: int  # clusters from fewer than 5 conversations

    def table(self) -> ReportTable:
        rows = tuple((c.conversations, " | ".join(c.examples), c.article_title or "–", c.why_text())
                     for c in self.clusters)  # fmt: skip
        columns = ("Gesprekken", "Voorbeelden (geanonimiseerd)", "Dichtstbijzijnde artikel", "Waarom")
        return ReportTable("hiaten", "Vragen zonder goed antwoord, naar betekenis gegroepeerd", columns, rows)


class GapClusters:
    def __init__(self, factory: sessionmaker, knowledge=None, embedder: Embedder | None = None,
                 threshold: float = THRESHOLD, max_gaps: int = MAX_GAPS):  # fmt: skip
        self.factory = factory
        self.knowledge = knowledge  # a KnowledgeService, for the nearest article; None: no article
        self.embedder = embedder or Embedder()
        self.threshold = threshold
        self.max_gaps = max_gaps

    def clusters(self, since: date, until: date) -> GapReport:
        gaps, vectors = self._gaps(since, until)
        if not gaps:
            return GapReport((), 0)
        labels = self._labels(vectors)
        found, hidden = [], 0
        for label in sorted(set(labels)):
            members = np.nonzero(labels == label)[0]
            if len({gaps[i].conversation for i in members}) < MIN_CONVERSATIONS:
                hidden += 1
                continue
            found.append(self._cluster([gaps[i] for i in members], vectors[members]))
        found.sort(key=lambda c: (-c.conversations, c.key))
        return GapReport(tuple(found), hidden)

    def _gaps(self, since: date, until: date) -> tuple[list[InsightGap], np.ndarray]:
        """The period's latest questions and their unit vectors, embedding those not embedded yet."""
        with unit_of_work(self.factory) as session:
            query = select(InsightGap).where(InsightGap.day.between(since, until)).order_by(InsightGap.id.desc())
            gaps = list(session.execute(query.limit(self.max_gaps)).scalars())
            for gap in gaps:
                if gap.vector is None:
                    gap.vector = to_bytes(self.embedder.query(gap.text))
        if not gaps:
            return [], np.zeros((0, 0), dtype=np.float32)
        vectors = np.vstack([from_bytes(gap.vector) for gap in gaps])
        return gaps, vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    def _labels(self, vectors: np.ndarray) -> np.ndarray:
        if len(vectors) == 1:
            return np.zeros(1, dtype=int)
        model = AgglomerativeClustering(n_clusters=None, distance_threshold=self.threshold, affinity="cosine",
                                        linkage="average")  # fmt: skip
        return model.fit_predict(vectors)

    def _cluster(self, gaps: list[InsightGap], vectors: np.ndarray) -> GapCluster:
        centre = vectors.mean(axis=0)
        centre /= max(float(np.linalg.norm(centre)), 1e-9)
        examples: list[str] = []
        for i in np.argsort(-(vectors @ centre)):
            if gaps[i].text not in examples and len(examples) < EXAMPLES:
                examples.append(gaps[i].text)
        article = self._nearest_article(centre)
        return GapCluster(
            key=str(min(gap.id for gap in gaps)),
            conversations=len({gap.conversation for gap in gaps}),
            questions=len(gaps),
            examples=tuple(examples),
            why=dict(Counter(gap.why for gap in gaps)),
            **article,
        )

    def _nearest_article(self, centre: np.ndarray) -> dict:
        if self.knowledge is None:
            return {}
        catalogue = self.knowledge.catalogue()
        scores = catalogue.article_vectors.scores(centre)
        if not len(scores) or not scores.max() > 0:
            return {}
        best = int(np.argmax(scores))
        article = list(catalogue.articles.values())[best]  # the index holds the articles in this order
        return {"article_id": article.id, "article_title": article.title, "article_score": float(scores[best])}
