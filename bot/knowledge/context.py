"""Follow-up questions: what was just discussed gives a short question its meaning.

The conversation's context (topic, setting, region, the last question that
got an answer, the articles and providers just shown) lives in Rasa slots;
the actions turn them into a `Context`, and these functions decide what a
message means with it. A new question that stands on its own replaces the
context; one that leans on it ("en op de basisschool?", "wie kan daarbij
helpen?") is read together with the last question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from bot.knowledge.concern import details, without_people
from bot.knowledge.decision import ANSWER, CLARIFY, NONE
from bot.knowledge.records import Provider
from bot.knowledge.regions import load_regions
from bot.knowledge.service import Found, KnowledgeService
from bot.knowledge.text import fold, words

MAX_QUERY = 300  # characters of the last question kept as context
# Words that only make sense with something said before: "and at primary school?", "who helps with that?"
_LEANS = re.compile(
    r"^(en|maar|ook|of|dus|wat als|en als|hoe zit het met|geldt dat)\b"
    r"|\b(dat|dit|die|daar|daarbij|daarmee|daarover|hierbij|hiermee|zoiets|hem|haar|ze|zij|hun|hen)\b"
)
# Whether and where to report or share a concern.
_REPORT = re.compile(
    r"\b(meld\w*|doorgeven|doorgegeven|door te geven|delen|inlichten|aangifte|informeren|inschakelen|"
    r"aankaarten|bespreken met|doorvertellen|waarschuwen|beroepsgeheim|zwijgplicht|geheimhouding\w*)\b"
    r"|\bvertrouwen\b.*\b(breken|beschamen|schenden)\b"
    # Telling someone else: "mag ik dit aan de school vertellen?", "moet ik zijn ouders op de hoogte brengen?"
    r"|\baan\b(\s+\w+){0,4}\s+vertel(len)?\b|\bvertel(len)?\b(\s+\w+){0,2}\s+aan\b"
    r"|\bop de hoogte (brengen|stellen)\b|\blaten weten\b"
)
# Where or with whom to share a concern, as words() folds them. Verbs of reporting ask it on their own;
# verbs of talking only with "waar" or "wie": "ik wil mijn zorgen bespreken" opens a conversation.
_REPORTING = frozenset(
    "meld melden melding gemeld doorgeven inlichten informeren inschakelen aankaarten bel bellen".split()
)
_TALKING = frozenset("deel delen gedeeld bespreken kwijt heen".split())
_WHERE = frozenset("waar wie welke".split())
_FIELD = ("radical", "extrem", "polaris")  # "zorgen over radicalisering" names the field, not what happens
REPORT_TOPIC = "samenwerken"
# Articles on sharing a concern: with whom (samenwerken) and what the rules allow (privacy).
SHARING_TOPICS = frozenset({REPORT_TOPIC, "privacy"})
REPORT_CANDIDATES = 20
LEANING_WORDS = 10  # a message with more words than this stands on its own


@dataclass(frozen=True)
class Context:
    topic: str | None = None
    setting: str | None = None
    region: str | None = None
    last_query: str | None = None
    last_articles: tuple[str, ...] = ()
    last_providers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """A message to answer, with what the conversation and the NLU know of it."""

    text: str
    context: Context
    topic: str | None = None  # what the NLU recognised in this message
    vector: np.ndarray | None = None  # its e5 vector, when the NLU made one
    mode: str = "hybrid"  # the ranking (bot.knowledge.hybrid.MODES)


@dataclass(frozen=True)
class Reply:
    found: Found
    query: str  # what was searched: the message, or the message with the last question
    context: Context  # the context after this reply


def leans_on_context(text: str) -> bool:
    """True for a short message that refers back ("en bij meisjes?", "moet ik dat melden")."""
    folded = words(text)
    return len(folded) <= LEANING_WORDS and bool(_LEANS.search(" ".join(folded)))


def asks_about_reporting(text: str) -> bool:
    return bool(_REPORT.search(fold(text)))


def asks_where_to_share(text: str) -> bool:
    """Where or with whom to share a concern, asked without describing one: "waar meld ik zorgen
    over een leerling?", "zorgen over radicalisering, wie bel ik?". A concern that says what happens
    is searched."""
    said = set(words(text))
    asks = _REPORTING & said or (_TALKING & said and _WHERE & said)
    if not asks or not any(word.startswith("zorg") for word in said):
        return False
    return all(word in _REPORTING | _TALKING or word.startswith(_FIELD) for word in details(text))


def answer_question(
    knowledge: KnowledgeService,
    question: Question,
    accept: tuple[str, ...] = (ANSWER,),
    min_confidence: float = 0.0,
    join_unanswered: bool = True,
) -> Reply:
    """Articles for a question, read on its own or with the last one.

    A ranking answers when the decision is one of `accept` and its confidence
    at least `min_confidence`, or when the NLU named a topic and the decision
    is not 'out of scope'. A message that does not lean on the context is read
    with the last question only when `join_unanswered` and it was not answered
    alone; that joined reading must then reach `min_confidence` too.
    """
    text, context, topic, vector, mode = question.text, question.context, question.topic, question.vector, question.mode
    audience = knowledge.audience_for(context.setting)
    leaning = bool(context.last_query) and leans_on_context(text)
    on_the_case = bool(context.last_query) and asks_about_reporting(text)
    if on_the_case or asks_where_to_share(text):
        # "Moet ik dat melden?", "waar meld ik zorgen?": the articles on sharing concerns, for this setting.
        # Asked on its own, the question is the same whoever it is about: "leerling" must not pull the
        # articles that happen to say "leerling" above the one on sharing concerns.
        query, query_vector = (text, vector) if on_the_case else (without_people(text), None)
        found = _sharing_articles(knowledge, query, audience, query_vector, mode)
        if found.items:
            # The kind of question is known, whatever its words.
            found = replace(found, decision=ANSWER)
            return Reply(found, text, _after_articles(context, text, found, keep_query=on_the_case))
    alone = knowledge.find_articles(text, topic=topic, audience=audience, vector=vector, mode=mode)
    accepted = alone.decision in accept and alone.confidence >= min_confidence
    if alone.items and (accepted or (topic and alone.decision != NONE)):
        alone = replace(alone, decision=ANSWER)
    elif alone.decision == ANSWER:
        alone = replace(alone, decision=CLARIFY)
    if context.last_query and (leaning or (join_unanswered and not alone.answered)):
        joined, joined_vector = join(knowledge, context.last_query, text, vector, mode)
        together = knowledge.find_articles(
            joined, topic=topic or context.topic, audience=audience, vector=joined_vector, mode=mode
        )
        if leaning and together.items and together.decision != NONE:
            # The last question set the scope; a follow-up that leans on it only narrows it.
            together = replace(together, decision=ANSWER)
        # Joined, the last question's words carry the ranking: the message's own bar still holds.
        if together.answered and (leaning or together.confidence >= min_confidence):
            return Reply(together, joined, _after_articles(context, joined, together))
    return Reply(alone, text, _after_articles(context, text, alone, new_topic=topic))


def join(
    knowledge: KnowledgeService, first: str, second: str, vector: np.ndarray | None, mode: str
) -> tuple[str, np.ndarray | None]:
    """The last question and the message as one query, with an e5 vector made from theirs.

    e5 averages over the tokens, so the mean of the two vectors weighted by their
    words is close to the vector of the joined text (docs/decisions.md), and
    needs no embedding when both are at hand.
    """
    joined = f"{first} {second}"
    if mode == "bm25":
        return joined, None
    second_vector = vector if vector is not None else knowledge.query_vector(second)
    mean = len(words(first)) * knowledge.query_vector(first) + len(words(second)) * second_vector
    norm = np.linalg.norm(mean)
    return joined, (mean / norm if norm else None)


def _sharing_articles(knowledge, text, audience, vector, mode) -> Found:
    """The articles on sharing a concern that fit the question best.

    Ranked on the question alone: joined with the case, the case's words outweigh
    the few that say what is asked ("mag ik dat doorvertellen?").
    """
    ranked = knowledge.find_articles(
        text, topic=REPORT_TOPIC, audience=audience, limit=REPORT_CANDIDATES, vector=vector, mode=mode
    )
    sharing = [a for a in ranked.items if SHARING_TOPICS & set(a.topics)]
    return replace(ranked, items=(sharing or ranked.items)[:5])


def find_providers(knowledge: KnowledgeService, question: Question) -> Reply:
    """Organisations for a request, for the current topic when the request leans on it."""
    text, context, vector, mode = question.text, question.context, question.vector, question.mode
    audience = knowledge.audience_for(context.setting)
    current = question.topic or context.topic
    found = knowledge.find_providers(text, topic=current, audience=audience, vector=vector, mode=mode)
    query = text
    if context.last_query and (leans_on_context(text) or not found.answered):
        query, joined_vector = join(knowledge, context.last_query, text, vector, mode)
        found = knowledge.find_providers(query, topic=current, audience=audience, vector=joined_vector, mode=mode)
    items = by_region(found.items, context.region)
    if current and len(items) < 3:
        # Too few direct matches: add the organisations known for the topic.
        known = {p.id for p in items}
        items += [p for p in knowledge.providers_for_topic(current) if p.id not in known]
    found = replace(found, items=items[:5])
    after = replace(context, topic=current, last_providers=tuple(p.id for p in found.items))
    return Reply(found, query, after)


def providers_in_region(knowledge: KnowledgeService, context: Context) -> list[Provider]:
    """The providers just shown (or else those of the current topic), reordered for the region."""
    items = shown_providers(knowledge, context)
    if not items and context.topic:
        items = knowledge.providers_for_topic(context.topic)
    return by_region(items, context.region)


def shown_providers(knowledge: KnowledgeService, context: Context) -> list[Provider]:
    return [p for p in (knowledge.provider(pid) for pid in context.last_providers) if p]


def by_region(providers: list[Provider], region: str | None) -> list[Provider]:
    """Providers that name the region first, then national ones, then the rest; stable otherwise."""
    if not region:
        return list(providers)

    def rank(provider: Provider) -> int:
        if serves_region(provider, region):
            return 0
        return 1 if serves_region(provider, "landelijk") else 2

    return sorted(providers, key=rank)


def serves_region(provider: Provider, region: str) -> bool:
    """Whether the provider works there: "Zwolle" is served by a provider of Overijssel too."""
    return load_regions().serves(provider.regions, region)


def _after_articles(
    context: Context, query: str, found: Found, new_topic: str | None = None, keep_query: bool = False
) -> Context:
    if not found.answered:
        # A question asked to clarify is still the subject: the reply to it is read together with it.
        return replace(context, last_query=query[-MAX_QUERY:]) if found.decision == CLARIFY else context
    top_topic = found.items[0].topics[0] if found.items[0].topics else None
    topic = new_topic or (context.topic if keep_query else top_topic) or context.topic
    changed = topic != context.topic
    return replace(
        context,
        topic=topic,
        last_query=context.last_query if keep_query else query[-MAX_QUERY:],
        last_articles=tuple(a.id for a in found.items),
        # A new topic: the organisations shown before belong to the old one.
        last_providers=() if changed else context.last_providers,
    )
