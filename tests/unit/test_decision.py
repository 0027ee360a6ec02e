"""The answer decision at its boundaries, and on the labelled sets."""

from __future__ import annotations

import numpy as np

from bot.config import ROOT
from bot.knowledge.decision import ANSWER, CLARIFY, CLASSES, FEATURES, NONE, DecisionModel, load_model
from bot.knowledge.evaluate import decision_labels, evaluate_decision, question_sets, read_questions
from bot.knowledge.hybrid import Signals, names_a_keyword
from bot.knowledge.search import Document

SEARCH = ROOT / "tests" / "search"


def signals(**values) -> Signals:
    base = dict(
        dense_top=0.85, dense_gap=0.04, lexical_top=0.9, coverage=1.0, words=3, topic_agrees=0.0, specificity=0.5
    )
    return Signals(**{**base, **values})


def model_on_coverage(threshold: float = 0.5) -> DecisionModel:
    """A model whose answer logit is the coverage alone, to place the boundary exactly."""
    coef = np.zeros((len(CLASSES), len(FEATURES)))
    coef[CLASSES.index(ANSWER), FEATURES.index("coverage")] = 1.0
    intercept = np.array([0.0, 0.0, -1.0])  # clarify beats none when answering loses
    return DecisionModel(np.zeros(len(FEATURES)), np.ones(len(FEATURES)), coef, intercept, threshold)


def test_the_answer_threshold_is_inclusive():
    model = model_on_coverage()
    at = model.probabilities(signals(coverage=1.0))[ANSWER]
    assert model_on_coverage(threshold=at).decide(signals(coverage=1.0)) == ANSWER
    assert model_on_coverage(threshold=at + 1e-6).decide(signals(coverage=1.0)) == CLARIFY


def test_below_the_threshold_clarify_or_none_by_their_odds():
    model = model_on_coverage(threshold=0.99)
    assert model.decide(signals()) == CLARIFY
    none_first = DecisionModel(model.mean, model.scale, model.coef, np.array([0.0, -1.0, 0.0]), 0.99)
    assert none_first.decide(signals()) == NONE


def test_no_words_or_no_vector_is_never_an_answer():
    model = model_on_coverage(threshold=0.0)
    assert model.decide(signals(words=0)) == NONE
    assert model.decide(signals(dense_top=0.0)) == NONE


def test_the_fitted_model_answers_questions_and_declines_the_rest(services):
    """Precision and recall of 'answer' on the labelled sets, with the committed decision.yml."""
    assert load_model().answer_threshold > 0
    sets = question_sets(SEARCH / "questions")
    rows = decision_labels(sets["long"] + sets["short"], read_questions(SEARCH / "decision"))
    scores = evaluate_decision(services.knowledge, rows)
    assert scores.precision >= 0.95 and scores.recall >= 0.90


def test_naming_a_keyword_of_the_best_article_raises_the_odds_of_answering():
    model = load_model()
    assert model.probabilities(signals(keyword_hit=1.0))[ANSWER] > model.probabilities(signals())[ANSWER]


def test_a_keyword_is_named_only_as_whole_words():
    document = Document("codes", {"title": "Codes"}, (), (), keywords=("88", "andrew tate"))
    assert names_a_keyword("Wie is Andrew Tate?", document)
    assert names_a_keyword("88 op zijn jas", document)
    assert not names_a_keyword("geboren in 1988", document)
    assert not names_a_keyword("andrew", document)
