"""Lexical ranking of articles and providers for a Dutch free-text question.

BM25F over weighted fields, on terms from bot.knowledge.text, with typo
correction against the corpus. Scores are precomputed per term, so a query
costs one numpy addition per query term, also with thousands of articles.
bot.knowledge.hybrid fuses these scores with the dense ones and applies the
boosts for the topic and the audience the conversation revealed.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from bot.knowledge.text import STOPWORDS, Analyzer, Synonyms, stem, words
from bot.knowledge.typos import TypoCorrector

K1, B = 1.2, 0.6
TOPIC_BOOST = 0.35  # multiplier 1 + boost when the item's first topic is the recognised one
TOPIC_BOOST_OTHER = 0.2  # ... when one of its other topics is
AUDIENCE_BOOST = 0.1
TYPO_WEIGHT = 0.8
INFLECTIONS = ("en", "nen", "ken", "ten", "t", "te", "de", "den", "d", "e", "s", "ing")


@dataclass(frozen=True)
class Document:
    id: str
    fields: dict[str, str]
    topics: tuple[str, ...]
    audiences: tuple[str, ...]
    keywords: tuple[str, ...] = ()  # the editors' search words and phrases, folded


@dataclass(frozen=True)
class Hit:
    id: str
    score: float  # 0..1, for display
    raw: float


@dataclass
class _Postings:
    docs: list[int] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)


class SearchIndex:
    """An immutable index over one kind of document."""

    def __init__(self, documents: list[Document], field_weights: dict[str, float], synonyms: Synonyms):
        self.documents = documents
        self.field_weights = field_weights
        tokenised = [{name: words(text) for name, text in doc.fields.items()} for doc in documents]
        surface = Counter(token for doc in tokenised for tokens in doc.values() for token in tokens)
        vocabulary = frozenset(stem(word) for word in surface if word not in STOPWORDS)
        self.analyzer = Analyzer(synonyms, vocabulary)
        self.typos = TypoCorrector({w: n for w, n in surface.items() if w not in STOPWORDS})
        self.terms: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._boosts: dict[tuple[str | None, str | None], np.ndarray] = {}
        self._build(tokenised)

    def _build(self, tokenised: list[dict[str, list[str]]]) -> None:
        term_freqs: list[dict[str, float]] = []
        lengths = []
        for doc in tokenised:
            weighted: dict[str, float] = defaultdict(float)
            length = 0.0
            for name, tokens in doc.items():
                weight = self.field_weights[name]
                for term, tf in self.analyzer.terms(tokens).items():
                    weighted[term] += weight * tf
                length += weight * len(tokens)
            term_freqs.append(weighted)
            lengths.append(length)
        n = len(tokenised)
        average = (sum(lengths) / n) if n else 1.0
        postings: dict[str, _Postings] = defaultdict(_Postings)
        for index, weighted in enumerate(term_freqs):
            norm = K1 * (1 - B + B * lengths[index] / average)
            for term, tf in weighted.items():
                posting = postings[term]
                posting.docs.append(index)
                posting.weights.append(tf * (K1 + 1) / (tf + norm))
        for term, posting in postings.items():
            df = len(posting.docs)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            self.terms[term] = (np.array(posting.docs, dtype=np.int32), np.array(posting.weights) * idf)

    def query_terms(self, text: str) -> dict[str, float]:
        """The weighted terms of a question, with typos corrected to corpus words (at a lower weight)."""
        synonyms = self.analyzer.synonyms
        tokens, corrected = [], set()
        for token in words(text):
            known = (
                stem(token) in self.analyzer.vocabulary or token in synonyms.by_word or stem(token) in synonyms.by_stem
            )
            if not known and token not in STOPWORDS:
                replacement = self.inflected(token)
                if replacement is None:
                    replacement = self.typos.correct(token)
                    if replacement:
                        corrected.add(stem(replacement))
                token = replacement or token
            tokens.append(token)
        terms = self.analyzer.terms(tokens)
        return {term: weight * TYPO_WEIGHT if term in corrected else weight for term, weight in terms.items()}

    def inflected(self, token: str) -> str | None:
        """A corpus word that is `token` plus or minus a verb or plural ending: 'herken' → 'herkennen',
        'wapens' → 'wapen'. A stem under four letters is too short to trust ('stad' is not 'sta')."""
        known = self.typos.frequencies
        for ending in INFLECTIONS:
            if token + ending in known:
                return token + ending
        for ending in INFLECTIONS:
            base = token.removesuffix(ending)
            if base != token and len(base) >= 4 and base in known:
                return base
        return None

    def scores(self, text: str) -> np.ndarray:
        """The BM25F score of every document for `text`."""
        return self.term_scores(self.query_terms(text))

    def term_scores(self, terms: dict[str, float]) -> np.ndarray:
        """The BM25F score of every document for terms from query_terms."""
        scores = np.zeros(len(self.documents))
        for term, weight in terms.items():
            entry = self.terms.get(term)
            if entry is not None:
                scores[entry[0]] += entry[1] * weight
        return scores

    def coverage(self, text: str, terms: dict[str, float]) -> tuple[float, float]:
        """(share of the question's information the corpus knows, the best score possible
        for its words): low for nonsense and for questions about other things.

        Each content word counts with its idf; a word the corpus lacks counts as the rarest
        word would, so "hoe laat gaat de bakker open" covers little though "laat" is known.
        """
        content = [token for token in words(text) if token not in STOPWORDS]
        if not content:
            return 0.0, 0.0
        n = len(self.documents)
        rarest = math.log(1 + (n - 0.5) / 1.5)
        known = total = 0.0
        for token in content:
            counts = [len(self.terms[term][0]) for term in self.analyzer.terms([token]) if term in self.terms]
            weight = math.log(1 + (n - min(counts) + 0.5) / (min(counts) + 0.5)) if counts else rarest
            total += weight
            known += weight if counts else 0.0
        best = sum(self.terms[term][1].max() * weight for term, weight in terms.items() if term in self.terms)
        return known / total if total else 0.0, float(best)

    def boosts(self, topic: str | None, audience: str | None) -> np.ndarray:
        """A multiplier per document for the recognised topic and the professional's setting."""
        key = (topic, audience)
        if key not in self._boosts:
            factors = np.ones(len(self.documents))
            for index, doc in enumerate(self.documents):
                if topic and doc.topics:
                    if doc.topics[0] == topic:
                        factors[index] += TOPIC_BOOST
                    elif topic in doc.topics:
                        factors[index] += TOPIC_BOOST_OTHER
                if audience and audience in doc.audiences:
                    factors[index] += AUDIENCE_BOOST
            self._boosts[key] = factors
        return self._boosts[key]

    def specificity(self, terms: dict[str, float]) -> float:
        """How rare the question's rarest known term is: 1 for a term of one document, 0 for one in all."""
        n = len(self.documents)
        counts = [len(self.terms[term][0]) for term in terms if term in self.terms]
        if not counts or n < 2:
            return 0.0
        return math.log(n / min(counts)) / math.log(n)

    def search(
        self,
        text: str,
        topic: str | None = None,
        audience: str | None = None,
        limit: int = 5,
        min_score: float = 0.0,
    ) -> list[Hit]:
        """BM25F alone, with the boosts: the lexical baseline."""
        scores = self.scores(text) * self.boosts(topic, audience)
        ranked = sorted(
            ((scores[i], self.documents[i].id) for i in np.nonzero(scores > min_score)[0]),
            key=lambda item: (-item[0], item[1]),
        )
        return [Hit(id=doc_id, score=round(raw / (raw + 10.0), 2), raw=float(raw)) for raw, doc_id in ranked[:limit]]
