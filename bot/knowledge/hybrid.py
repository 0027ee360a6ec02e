"""Hybrid ranking: the lexical BM25F scores fused with dense e5 similarity.

BM25F finds the exact words, names and compounds; the dense vectors find the
meaning when a short question shares few words with the article, or only
words that every article has ("radicalisering"). Both are normalised per
question and combined; docs/decisions.md gives the measurements behind the
choice of fusion and its weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.knowledge.search import Document, SearchIndex
from bot.knowledge.text import STOPWORDS, words

MODES = ("hybrid", "bm25", "dense")
LEXICAL_WEIGHT = 0.5  # share of the normalised BM25F score in the fused score


class DenseIndex:
    """Passage vectors of every document; a document scores its best passage."""

    def __init__(self, vectors: list[list[np.ndarray]], dim: int = 384):
        flat = [vector for passages in vectors for vector in passages]
        counts = np.array([len(passages) for passages in vectors], dtype=np.int64)
        self.size = len(vectors)
        self.matrix = np.vstack(flat).astype(np.float32) if flat else np.zeros((0, dim), dtype=np.float32)
        self.with_vectors = np.nonzero(counts)[0]
        self.starts = (np.cumsum(counts) - counts)[self.with_vectors]

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Cosine of each document's best passage (documents without vectors: 0)."""
        best = np.zeros(self.size, dtype=np.float32)
        if len(self.matrix):
            best[self.with_vectors] = np.maximum.reduceat(self.matrix @ query.astype(np.float32), self.starts)
        return best


@dataclass(frozen=True)
class Signals:
    """What the answer decision reads of one ranking (bot.knowledge.decision)."""

    dense_top: float  # cosine of the best document
    dense_gap: float  # how far the best stands above the median document
    lexical_top: float  # best BM25F score, as a share of the best possible for the question's words
    coverage: float  # share of the question's content words the knowledge base knows
    words: int  # content words in the question
    specificity: float  # idf of the question's rarest known term, as a share of the highest idf possible
    topic_agrees: float  # 1 when a topic word in the question is a topic of the best document
    keyword_hit: float = 0.0  # 1 when one of the best document's editors' keywords is in the question


@dataclass(frozen=True)
class Ranking:
    ids: list[str]  # best first
    scores: list[float]  # 0..1, for display
    signals: Signals


def names_a_keyword(text: str, document: Document) -> bool:
    """Whether the question names one of the document's keywords ("sonnenrad", "1488") as whole words."""
    padded = f" {' '.join(words(text))} "
    return any(f" {phrase} " in padded for phrase in document.keywords)


def rank(
    lexical: SearchIndex,
    dense: DenseIndex,
    text: str,
    query: np.ndarray | None,
    topic: str | None = None,
    audience: str | None = None,
    limit: int = 5,
    mode: str = "hybrid",
    mentioned_topics: frozenset[str] = frozenset(),
    preference: np.ndarray | None = None,
) -> Ranking:
    """The documents for `text` best first; `query` is its e5 vector (None: lexical only).

    `preference`, a factor per document, changes the order only: the answer
    decision reads the ranking without it, since whether the knowledge base
    answers does not depend on which answer comes first.
    """
    if mode not in MODES:
        raise ValueError(f"unknown search mode {mode!r}")
    terms = lexical.query_terms(text)  # typo correction included: once per question
    bm25 = lexical.term_scores(terms)
    coverage, best_possible = lexical.coverage(text, terms)
    cosine = dense.scores(query) if query is not None else np.zeros(len(bm25), dtype=np.float32)
    lexical_norm = bm25 / max(float(bm25.max()), 1e-9)
    spread = float(cosine.max() - cosine.min()) if len(cosine) else 0.0
    dense_norm = (cosine - cosine.min()) / spread if spread > 1e-6 else np.zeros_like(cosine)
    if mode == "bm25" or query is None:
        fused = lexical_norm
    elif mode == "dense":
        fused = dense_norm
    else:
        fused = LEXICAL_WEIGHT * lexical_norm + (1 - LEXICAL_WEIGHT) * dense_norm
    fused = fused * lexical.boosts(topic, audience)
    shown = fused if preference is None else fused * preference
    # Documents are in id order, so a stable sort breaks ties by id.
    order = [i for i in np.argsort(-shown, kind="stable")[:limit] if shown[i] > 0]
    top = int(np.argmax(fused)) if order else None
    signals = Signals(
        dense_top=float(cosine[top]) if top is not None else 0.0,
        dense_gap=float(cosine[top] - np.median(cosine)) if top is not None else 0.0,
        lexical_top=float(bm25[top] / best_possible) if top is not None and best_possible > 0 else 0.0,
        coverage=coverage,
        words=sum(1 for word in words(text) if word not in STOPWORDS),
        specificity=lexical.specificity(terms),
        topic_agrees=float(top is not None and bool(mentioned_topics & set(lexical.documents[top].topics))),
        keyword_hit=float(top is not None and names_a_keyword(text, lexical.documents[top])),
    )
    peak = float(shown[order[0]]) if order else 1.0
    return Ranking(
        ids=[lexical.documents[i].id for i in order],
        scores=[round(float(shown[i]) / peak * max(signals.dense_top, 0.0), 2) for i in order],
        signals=signals,
    )
