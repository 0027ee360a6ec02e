"""The knowledge service: find articles and providers, with a cached index.

A question is ranked by BM25F and e5 vectors together (bot.knowledge.hybrid)
and the answer decision (bot.knowledge.decision) says whether the ranking is
an answer. The index is rebuilt when a knowledge load bumped the version in
the store, so a running action server picks up the editors' changes without
a restart, within `VERSION_CHECK_SECONDS`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, replace
from functools import partialmethod

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.knowledge.decision import ANSWER, DecisionModel, load_model
from bot.knowledge.hybrid import DenseIndex, Signals, rank
from bot.knowledge.needs import help_first
from bot.knowledge.records import Article, Provider, Record
from bot.knowledge.search import Document, SearchIndex
from bot.knowledge.text import STOPWORDS, Synonyms, fold, spell_out_names, words
from bot.knowledge.vectors import (
    Embedder,
    RecentVectors,
    article_passages,
    content_key,
    from_bytes,
    provider_passages,
)
from bot.store import Article as ArticleRow
from bot.store import Audience, KnowledgeState, PassageVector, SynonymGroup, Topic, unit_of_work
from bot.store import Provider as ProviderRow

# How long a knowledge load may go unseen: asking the store on every call was a large share
# of the action server's CPU (docs/decisions.md).
VERSION_CHECK_SECONDS = 2.0
ARTICLE_FIELDS = {"title": 3.0, "keywords": 2.5, "summary": 2.0, "topic": 2.0, "topics": 0.5, "body": 0.6}
PROVIDER_FIELDS = {"name": 3.0, "keywords": 2.5, "description": 2.0, "services": 1.0, "topic": 2.0, "topics": 0.5}
ARTICLE, PROVIDER = "article", "provider"  # the kinds of record, as the labelled questions name them


@dataclass(frozen=True)
class Catalogue:
    version: int
    articles: dict[str, Article]
    providers: dict[str, Provider]
    article_index: SearchIndex
    provider_index: SearchIndex
    article_vectors: DenseIndex
    provider_vectors: DenseIndex
    topics: list[dict]  # id and label, alphabetical by label
    audiences: list[dict]  # id and label, alphabetical by label
    topic_words: dict[str, str]  # folded keyword or id → topic id
    audience_words: dict[str, str]  # folded keyword or id → audience id

    def indexes(self, kind: str) -> tuple[SearchIndex, DenseIndex, dict[str, Record]]:
        """The search index, the passage vectors and the records of one kind (ARTICLE or PROVIDER)."""
        return {
            ARTICLE: (self.article_index, self.article_vectors, self.articles),
            PROVIDER: (self.provider_index, self.provider_vectors, self.providers),
        }[kind]


@dataclass(frozen=True)
class Found:
    """A ranking and what the answer decision made of it."""

    decision: str  # bot.knowledge.decision: answer, clarify or none
    items: list[Record]  # best first, each with a display score
    signals: Signals
    confidence: float  # the decision's probability that the ranking answers the question

    @property
    def answered(self) -> bool:
        return self.decision == ANSWER and bool(self.items)


class KnowledgeService:
    def __init__(
        self,
        factory: sessionmaker,
        embedder: Embedder | None = None,
        decision: DecisionModel | None = None,
        check_every: float = VERSION_CHECK_SECONDS,
        recent_vectors: int = 4096,
    ):
        self.factory = factory
        self.embedder = embedder or Embedder()
        self.decision = decision or load_model()
        self.check_every = check_every
        self.recent = RecentVectors(recent_vectors)
        self._catalogue: Catalogue | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def find(self, kind: str, text: str, topic=None, audience=None, limit=5, vector=None, mode="hybrid") -> Found:
        """The articles or providers (`kind`) for `text`; `vector` is its e5 vector when the NLU already made it."""
        catalogue = self.catalogue()
        lexical, dense, records = catalogue.indexes(kind)
        if vector is None and mode != "bm25" and text.strip():
            vector = self.query_vector(text)
        elif vector is not None:
            self.recent.put(text, vector)
        spelled = spell_out_names(text)
        mentioned = frozenset(_topics_in(catalogue, spelled))
        preference = help_first(spelled, lexical.documents) if kind == PROVIDER else None
        ranking = rank(lexical, dense, spelled, vector, topic, audience, limit, mode, mentioned, preference)
        items = [replace(records[i], score=score) for i, score in zip(ranking.ids, ranking.scores, strict=True)]
        p = self.decision.probabilities(ranking.signals)
        return Found(self.decision.choose(ranking.signals, p), items, ranking.signals, p[ANSWER])

    def query_vector(self, text: str) -> np.ndarray:
        """The e5 vector of a question: one of the latest, or embedded now."""
        vector = self.recent.get(text)
        if vector is None:
            vector = self.embedder.query(text)
            self.recent.put(text, vector)
        return vector

    # Most callers know which kind they want; the evaluation reads it from the labelled question.
    find_articles = partialmethod(find, ARTICLE)
    find_providers = partialmethod(find, PROVIDER)

    def search_articles(self, text: str, topic=None, audience=None, limit=5, mode="hybrid") -> list[Article]:
        """The ranked articles, answer or not: for pages that list results."""
        return self.find_articles(text, topic, audience, limit, mode=mode).items

    def topics_in(self, text: str) -> set[str]:
        """Topic ids whose label or keywords occur in `text` as whole words."""
        return _topics_in(self.catalogue(), text)

    def providers_for_topic(self, topic: str, limit: int = 5) -> list[Provider]:
        """Providers whose first topic is `topic`, then those that list it at all."""
        items = list(self.catalogue().providers.values())
        ranked = sorted((p for p in items if topic in p.topics), key=lambda p: (p.topics.index(topic), p.name))
        return ranked[:limit]

    def topics(self) -> list[dict]:
        return self.catalogue().topics

    def audiences(self) -> list[dict]:
        return self.catalogue().audiences

    def article(self, article_id: str) -> Article | None:
        return self.catalogue().articles.get(article_id)

    def provider(self, provider_id: str) -> Provider | None:
        return self.catalogue().providers.get(provider_id)

    def topic_for(self, value: str | None) -> str | None:
        """The topic id a recognised word stands for ('sociale media' → 'online')."""
        return self.catalogue().topic_words.get(" ".join(words(value))) if value else None

    def audience_for(self, value: str | None) -> str | None:
        return self.catalogue().audience_words.get(" ".join(words(value))) if value else None

    def catalogue(self) -> Catalogue:
        with self._lock:
            now = time.monotonic()
            if self._catalogue is None or now - self._checked_at >= self.check_every:
                with unit_of_work(self.factory) as session:
                    state = session.get(KnowledgeState, 1)
                    version = state.version if state else 0
                    if self._catalogue is None or self._catalogue.version != version:
                        self._catalogue = _build(session, version)
                self._checked_at = now
            return self._catalogue


def _topics_in(catalogue: Catalogue, text: str) -> set[str]:
    folded = f" {' '.join(words(text))} "
    return {topic for word, topic in catalogue.topic_words.items() if f" {word} " in folded}


def _build(session, version: int) -> Catalogue:
    topics = {t.id: t for t in session.execute(select(Topic)).scalars()}
    stored = {key: blob for key, blob in session.execute(select(PassageVector.key, PassageVector.vector))}

    def vectors(passages: list[str]) -> list[np.ndarray]:
        # A passage without a vector (a database loaded before vectors existed) ranks by its words only.
        return [from_bytes(stored[key]) for key in map(content_key, passages) if key in stored]

    def topic_text(ids: list[str]) -> str:
        return " ".join(f"{topics[i].label} {' '.join(topics[i].keywords)}" for i in ids if i in topics)

    audiences = {a.id: a for a in session.execute(select(Audience)).scalars()}
    synonyms = Synonyms([g.terms for g in session.execute(select(SynonymGroup)).scalars()])
    articles, article_docs, article_vectors = _shelf(
        session, ArticleRow, _article, article_passages, topic_text, vectors
    )
    providers, provider_docs, provider_vectors = _shelf(
        session, ProviderRow, _provider, provider_passages, topic_text, vectors
    )
    return Catalogue(
        version=version,
        articles=articles,
        providers=providers,
        article_index=SearchIndex(article_docs, ARTICLE_FIELDS, synonyms),
        provider_index=SearchIndex(provider_docs, PROVIDER_FIELDS, synonyms),
        article_vectors=DenseIndex(article_vectors),
        provider_vectors=DenseIndex(provider_vectors),
        topics=sorted(({"id": t.id, "label": t.label} for t in topics.values()), key=lambda t: t["label"]),
        audiences=sorted(({"id": a.id, "label": a.label} for a in audiences.values()), key=lambda a: a["label"]),
        topic_words=_lexicon(topics.values()),
        audience_words=_lexicon(audiences.values()),
    )


def _shelf(session, model, read, passages, topic_text, vectors) -> tuple[dict[str, Record], list[Document], list]:
    """Each row of `model` as the service hands it out (`read`), its search document and its passage vectors."""
    records, docs, record_vectors = {}, [], []
    for row in session.execute(select(model).order_by(model.id)).scalars():
        record, fields = read(row, topic_text)
        records[row.id] = record
        docs.append(Document(row.id, fields, tuple(row.topics), tuple(row.audiences), _phrases(row.keywords)))
        record_vectors.append(vectors(passages(asdict(record))))
    return records, docs, record_vectors


def _article(row: ArticleRow, topic_text) -> tuple[Article, dict[str, str]]:
    """The article, and the fields of its search document."""
    article = Article(
        row.id, row.title, row.summary, row.body, tuple(row.topics), tuple(row.audiences), row.updated.isoformat()
    )
    fields = {
        "title": row.title,
        "keywords": " ".join(row.keywords),
        "summary": row.summary,
        "topic": topic_text(row.topics[:1]),
        "topics": topic_text(row.topics[1:]),
        "body": row.body,
    }
    return article, fields


def _provider(row: ProviderRow, topic_text) -> tuple[Provider, dict[str, str]]:
    """The provider, and the fields of its search document."""
    provider = Provider(
        row.id, row.name, row.description, tuple(row.topics), tuple(row.audiences), tuple(row.regions),
        tuple(row.services), row.phone, row.url,
    )  # fmt: skip
    fields = {
        "name": row.name,
        "keywords": " ".join(row.keywords),
        "description": row.description,
        "services": " ".join(row.services),
        "topic": topic_text(row.topics[:1]),
        "topics": topic_text(row.topics[1:]),
    }
    return provider, fields


def _phrases(keywords: list[str]) -> tuple[str, ...]:
    """The keywords as folded phrases. One that folds to a single stop word is left out: "IS" would
    match every "is" (questions name the movement as spell_out_names writes it out, "islamitische staat")."""
    phrases = (" ".join(words(k)) for k in keywords)
    return tuple(phrase for phrase in phrases if phrase and phrase not in STOPWORDS)


def _lexicon(rows) -> dict[str, str]:
    lexicon: dict[str, str] = {}
    for row in rows:
        for word in [row.id, row.label, *row.keywords]:
            lexicon.setdefault(" ".join(words(fold(word))), row.id)
    return lexicon
