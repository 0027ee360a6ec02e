"""The knowledge base as pages: search with filters, and articles related to an article.

Searching uses the chat's own ranking (KnowledgeService.find_articles), so the
page and the assistant find the same articles; topic and work setting, which
the chat uses as a boost, are a hard filter here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.knowledge.decision import NONE
from bot.knowledge.records import Article
from bot.knowledge.service import KnowledgeService
from bot.knowledge.text import words

MAX_QUERY = 200  # characters; a longer query is cut, not refused
RESULTS = 10
CLOSEST = 3  # when nothing fits well, only the few that come closest
SAME_TOPIC = 4
SIMILAR = 3


@dataclass(frozen=True)
class ArticleSearch:
    query: str
    topic: str | None
    audience: str | None
    items: list[Article]  # ranked for a query; by title otherwise
    weak: bool = False  # nothing fits the query well: these come closest
    shortened: bool = False
    ignored: tuple[str, ...] = ()  # parameters with an unknown value: "onderwerp", "werkveld"

    @property
    def searched(self) -> bool:
        """Whether there was something to search for: "???" lists the articles like an empty query."""
        return bool(words(self.query))


@dataclass(frozen=True)
class Related:
    same_topic: list[Article] = field(default_factory=list)  # sharing the article's main topic
    similar: list[Article] = field(default_factory=list)  # what a search on its title finds besides


def known_choice(value: str | None, choices: list[dict]) -> tuple[str | None, bool]:
    """The id if it is one of `choices`; (None, True) for a value that was given but is unknown."""
    value = (value or "").strip()
    if not value:
        return None, False
    return (value, False) if any(choice["id"] == value for choice in choices) else (None, True)


def search(knowledge: KnowledgeService, query: str | None, topic: str | None, audience: str | None) -> ArticleSearch:
    query = " ".join((query or "").split())
    shortened = len(query) > MAX_QUERY
    query = query[:MAX_QUERY]
    topic, bad_topic = known_choice(topic, knowledge.topics())
    audience, bad_audience = known_choice(audience, knowledge.audiences())
    ignored = tuple(name for name, bad in (("onderwerp", bad_topic), ("werkveld", bad_audience)) if bad)

    def fits(article: Article) -> bool:
        return (not topic or topic in article.topics) and (not audience or audience in article.audiences)

    articles = knowledge.catalogue().articles
    if not words(query):
        items = sorted(filter(fits, articles.values()), key=lambda a: a.title)
        return ArticleSearch(query, topic, audience, items, shortened=shortened, ignored=ignored)
    found = knowledge.find_articles(query, topic=topic, audience=audience, limit=len(articles))
    weak = found.decision == NONE
    items = [a for a in found.items if fits(a)][: CLOSEST if weak else RESULTS]
    return ArticleSearch(query, topic, audience, items, weak=weak, shortened=shortened, ignored=ignored)


def related(knowledge: KnowledgeService, article: Article) -> Related:
    """Articles on the same main topic, and the ones the search finds for this article's title."""
    main = article.topics[0]
    others = [a for a in knowledge.catalogue().articles.values() if a.id != article.id]
    same_topic = sorted((a for a in others if main in a.topics), key=lambda a: (a.topics.index(main), a.title))
    same_topic = same_topic[:SAME_TOPIC]
    shown = {article.id, *(a.id for a in same_topic)}
    found = knowledge.search_articles(article.title, limit=SIMILAR + len(shown))
    return Related(same_topic, [a for a in found if a.id not in shown][:SIMILAR])
