"""The knowledge service: search articles and providers, with a cached index.

The index is rebuilt when a knowledge load bumped the version in the store,
so a running action server picks up the editors' changes without a restart.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.knowledge.search import MIN_SCORE, Document, SearchIndex
from bot.knowledge.text import Synonyms, fold, words
from bot.store import Article, Audience, KnowledgeState, Provider, SynonymGroup, Topic, unit_of_work

ARTICLE_FIELDS = {"title": 3.0, "keywords": 2.5, "summary": 2.0, "topic": 2.0, "topics": 0.5, "body": 0.6}
PROVIDER_FIELDS = {"name": 3.0, "keywords": 2.5, "description": 2.0, "services": 1.0, "topic": 2.0, "topics": 0.5}


@dataclass(frozen=True)
class Catalogue:
    version: int
    articles: dict[str, dict]
    providers: dict[str, dict]
    article_index: SearchIndex
    provider_index: SearchIndex
    topics: list[dict]  # id and label, alphabetical by label
    topic_words: dict[str, str]  # folded keyword or id → topic id
    audience_words: dict[str, str]  # folded keyword or id → audience id


class KnowledgeService:
    def __init__(self, factory: sessionmaker):
        self.factory = factory
        self._catalogue: Catalogue | None = None
        self._lock = threading.Lock()

    def search_articles(
        self,
        text: str,
        topic: str | None = None,
        audience: str | None = None,
        limit: int = 5,
        min_score: float = MIN_SCORE,
    ) -> list[dict]:
        catalogue = self.catalogue()
        return _ranked(catalogue.article_index, catalogue.articles, text, topic, audience, limit, min_score)

    def find_providers(
        self,
        text: str,
        topic: str | None = None,
        audience: str | None = None,
        limit: int = 5,
        min_score: float = MIN_SCORE,
    ) -> list[dict]:
        catalogue = self.catalogue()
        return _ranked(catalogue.provider_index, catalogue.providers, text, topic, audience, limit, min_score)

    def providers_for_topic(self, topic: str, limit: int = 5) -> list[dict]:
        """Providers whose first topic is `topic`, then those that list it at all."""
        items = list(self.catalogue().providers.values())
        ranked = sorted((p for p in items if topic in p["topics"]), key=lambda p: (p["topics"].index(topic), p["name"]))
        return ranked[:limit]

    def topics(self) -> list[dict]:
        return self.catalogue().topics

    def article(self, article_id: str) -> dict | None:
        return self.catalogue().articles.get(article_id)

    def topic_for(self, value: str | None) -> str | None:
        """The topic id a recognised word stands for ('sociale media' → 'online')."""
        return self.catalogue().topic_words.get(" ".join(words(value))) if value else None

    def audience_for(self, value: str | None) -> str | None:
        return self.catalogue().audience_words.get(" ".join(words(value))) if value else None

    def catalogue(self) -> Catalogue:
        with self._lock:
            with unit_of_work(self.factory) as session:
                state = session.get(KnowledgeState, 1)
                version = state.version if state else 0
                if self._catalogue is None or self._catalogue.version != version:
                    self._catalogue = _build(session, version)
            return self._catalogue


def _ranked(index: SearchIndex, items: dict[str, dict], text, topic, audience, limit, min_score) -> list[dict]:
    hits = index.search(text, topic=topic, audience=audience, limit=limit, min_score=min_score)
    return [dict(items[hit.id], score=hit.score) for hit in hits]


def _build(session, version: int) -> Catalogue:
    topics = {t.id: t for t in session.execute(select(Topic)).scalars()}
    audiences = {a.id: a for a in session.execute(select(Audience)).scalars()}
    synonyms = Synonyms([g.terms for g in session.execute(select(SynonymGroup)).scalars()])

    def topic_text(ids: list[str]) -> str:
        return " ".join(f"{topics[i].label} {' '.join(topics[i].keywords)}" for i in ids if i in topics)

    articles, article_docs = {}, []
    for row in session.execute(select(Article).order_by(Article.id)).scalars():
        articles[row.id] = {
            "id": row.id,
            "title": row.title,
            "summary": row.summary,
            "body": row.body,
            "topics": list(row.topics),
            "audiences": list(row.audiences),
            "updated": row.updated.isoformat(),
        }
        fields = {
            "title": row.title,
            "keywords": " ".join(row.keywords),
            "summary": row.summary,
            "topic": topic_text(row.topics[:1]),
            "topics": topic_text(row.topics[1:]),
            "body": row.body,
        }
        article_docs.append(Document(row.id, fields, tuple(row.topics), tuple(row.audiences)))

    providers, provider_docs = {}, []
    for row in session.execute(select(Provider).order_by(Provider.id)).scalars():
        providers[row.id] = {
            "id": row.id,
            "name": row.name,
            "description": row.description,
            "topics": list(row.topics),
            "audiences": list(row.audiences),
            "regions": list(row.regions),
            "services": list(row.services),
            "phone": row.phone,
            "url": row.url,
        }
        fields = {
            "name": row.name,
            "keywords": " ".join(row.keywords),
            "description": row.description,
            "services": " ".join(row.services),
            "topic": topic_text(row.topics[:1]),
            "topics": topic_text(row.topics[1:]),
        }
        provider_docs.append(Document(row.id, fields, tuple(row.topics), tuple(row.audiences)))

    return Catalogue(
        version=version,
        articles=articles,
        providers=providers,
        article_index=SearchIndex(article_docs, ARTICLE_FIELDS, synonyms),
        provider_index=SearchIndex(provider_docs, PROVIDER_FIELDS, synonyms),
        topics=sorted(({"id": t.id, "label": t.label} for t in topics.values()), key=lambda t: t["label"]),
        topic_words=_lexicon(topics.values()),
        audience_words=_lexicon(audiences.values()),
    )


def _lexicon(rows) -> dict[str, str]:
    lexicon: dict[str, str] = {}
    for row in rows:
        for word in [row.id, row.label, *row.keywords]:
            lexicon.setdefault(" ".join(words(fold(word))), row.id)
    return lexicon
