"""Dutch text analysis for search: normalising, synonyms, stemming, compounds.

Turning a text into weighted terms happens in two steps: `words` (surface
forms, no accents) and `Analyzer.terms` (synonym groups, stems, compound parts).
The vocabulary of the indexed corpus makes compound splitting and typo
correction possible; see bot/knowledge/typos.py.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[a-z0-9]+")

# Snowball's Dutch stop words plus words every question has ("hoe", "wat doe ik").
STOPWORDS = frozenset(
    """
    de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar
    om hem dan zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar
    haar naar heb hoe heeft hebben deze u want nog zal me zij nu ge geen omdat iets worden
    toch al waren veel meer doen toen moet ben zonder kan hun dus alles onder ja eens hier
    wie werd altijd doch wordt wezen kunnen ons zelf tegen na reeds wil kon niets uw iemand
    geweest andere jij jou jouw kun kunt mag mogen moeten gaat gaan ga even eigenlijk echt
    nou best heel erg graag waar wanneer waarom hoeveel welk welke mijzelf jezelf onze jullie
    hen zit zitten zeggen zegt steeds alleen we wij wel weer ooit dingen ding iets goed
    """.split()
)

# Derivational endings are no compound parts: 'zorgelijk' is not 'zorg' + 'lijk'.
SUFFIXES = frozenset("lijk lijke heid heden baar bare isch ische achtig loos loze zaam zame ling tje".split())

_stemmer = snowballstemmer.stemmer("dutch")
_stemming = threading.Lock()  # the Snowball stemmer keeps its work in the instance: one word at a time

# Inflections Snowball leaves alone: "radicaliseert", "geradicaliseerde", "families".
_EXTRA_RULES = (
    (re.compile(r"^ge(\w{4,})eerd(e|en)?$"), r"\1er"),
    (re.compile(r"^(\w{4,})eert$"), r"\1er"),
    (re.compile(r"^(\w{3,})ieen$"), r"\1ie"),
    (re.compile(r"^(\w{3,})ies$"), r"\1ie"),
)
_DEVOICED = {"z": "s", "v": "f"}

# Names a lower-casing reader takes for a Dutch word: "IS" (Islamitische Staat) is not "is".
_NAMES = ((re.compile(r"\bIS(?![A-Za-z0-9])"), "Islamitische Staat"),)


def spell_out_names(text: str) -> str:
    """Writes out such names, before search and the NLU lower-case the text.

    "filmpjes van IS" then reads as the movement; "HIJ IS BOOS", all in
    capitals, stays as it is.
    """
    if not any(ch.islower() for ch in text):
        return text
    for pattern, name in _NAMES:
        text = pattern.sub(name, text)
    return text


def fold(text: str) -> str:
    """Lower case without diacritics: 'Complottheorieën' → 'complottheorieen'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    for pattern, replacement in _EXTRA_RULES:
        if pattern.match(word):
            word = pattern.sub(replacement, word)
            break
    with _stemming:
        stemmed = _stemmer.stemWord(word)
    # Snowball leaves 'herkennen' as 'herkenn'; undoubling joins it with 'herkent'.
    if len(stemmed) > 3 and stemmed[-1] == stemmed[-2] and stemmed[-1] not in "aeiou":
        stemmed = stemmed[:-1]
    # Plurals voice a final s or f ('hakenkruizen', 'brieven'); the singular keeps it.
    if len(stemmed) > 3 and stemmed[-1] in _DEVOICED and word[-1] not in _DEVOICED:
        stemmed = stemmed[:-1] + _DEVOICED[stemmed[-1]]
    return stemmed


class Synonyms:
    """Groups of equivalent words and phrases; each group becomes one extra term.

    A word matches by its stem, so inflections of a variant match too: a phrase
    word by word ("rechts-extremistische groep" has the phrase "rechts extremistisch").
    """

    MAX_PHRASE = 4
    MIN_STEM = 5

    def __init__(self, groups: list[list[str]]):
        self.by_word: dict[str, str] = {}
        self.by_stem: dict[str, str] = {}
        self.by_phrase: dict[tuple[str, ...], str] = {}
        for group in groups:
            name = "syn:" + "-".join(words(group[0]))
            for variant in group:
                parts = tuple(words(variant))
                if len(parts) == 1:
                    self.by_word[parts[0]] = name
                    # Short stems collide ('opeens' and 'open' both stem to 'open'): exact words only.
                    if len(stem(parts[0])) >= self.MIN_STEM:
                        self.by_stem[stem(parts[0])] = name
                elif parts:
                    self.by_phrase[tuple(map(stem, parts[: self.MAX_PHRASE]))] = name

    def find(self, tokens: list[str]) -> list[tuple[int, int, str]]:
        """(start, end, group) for every synonym occurrence, longest phrase first."""
        found, i, stems = [], 0, [stem(token) for token in tokens]
        while i < len(tokens):
            for length in range(min(self.MAX_PHRASE, len(tokens) - i), 1, -1):
                group = self.by_phrase.get(tuple(stems[i : i + length]))
                if group:
                    found.append((i, i + length, group))
                    i += length
                    break
            else:
                group = self.by_word.get(tokens[i]) or self.by_stem.get(stems[i])
                if group:
                    found.append((i, i + 1, group))
                i += 1
        return found


class Analyzer:
    """Turns text into weighted search terms."""

    COMPOUND_WEIGHT = 0.6
    # A word of a synonym group also counts a little as itself, so "telegram" still
    # prefers the article that names Telegram over the rest of social media.
    LITERAL_WEIGHT = 0.25
    MIN_PART = 4

    def __init__(self, synonyms: Synonyms, vocabulary: frozenset[str] = frozenset()):
        self.synonyms = synonyms
        # Stems known from the corpus; compound parts must be among them.
        self.vocabulary = vocabulary

    def with_vocabulary(self, vocabulary: frozenset[str]) -> Analyzer:
        return Analyzer(self.synonyms, vocabulary)

    def terms(self, tokens: list[str]) -> dict[str, float]:
        """Weighted terms of folded tokens: stems, synonym groups and compound parts."""
        weights: dict[str, float] = {}

        def add(term: str, weight: float) -> None:
            weights[term] = weights.get(term, 0.0) + weight

        covered: set[int] = set()
        for start, end, group in self.synonyms.find(tokens):
            add(group, 1.0)
            covered.update(range(start, end))
            literal = stem(tokens[start])
            # Short stems collide ('opeens' and 'open'), as in Synonyms.
            if end - start == 1 and len(literal) >= Synonyms.MIN_STEM and tokens[start] not in STOPWORDS:
                add(literal, self.LITERAL_WEIGHT)
        for position, token in enumerate(tokens):
            # A word in a synonym group counts as its group (and a little as itself, above).
            if position in covered or token in STOPWORDS or len(token) < 2:
                continue
            add(stem(token), 1.0)
            for part in self.split_compound(token):
                add(part, self.COMPOUND_WEIGHT)
        return weights

    def split_compound(self, token: str) -> list[str]:
        """Known parts of a compound: 'schoolprotocol' → ['school', 'protocol']."""
        if not self.vocabulary or len(token) < 2 * self.MIN_PART + 1:
            return []
        return _split(token, self.vocabulary, self.MIN_PART)


def _split(token: str, vocabulary: frozenset[str], min_part: int) -> list[str]:
    # Shortest head first, so the longest known tail wins: Dutch compounds are head-final.
    for i in range(min_part, len(token) - min_part + 1):
        left, right = token[:i], token[i:]
        tail = stem(right)
        if tail not in vocabulary or right in SUFFIXES or tail in SUFFIXES:
            continue
        # A linking 's', 'e' or 'en' may join the parts: 'veiligheidshuis', 'jongerenwerk'.
        for head in (left, left[:-1] if left.endswith(("s", "e")) else "", left[:-2] if left.endswith("en") else ""):
            if len(head) >= min_part and stem(head) in vocabulary:
                return [stem(head), tail]
    return []
