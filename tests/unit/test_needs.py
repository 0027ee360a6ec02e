import numpy as np

from bot.knowledge.hybrid import DenseIndex, rank
from bot.knowledge.needs import LATER, asks_for_help, help_first, only_informs
from bot.knowledge.search import Document, SearchIndex
from bot.knowledge.text import Synonyms


def provider(pid, name, description, services):
    return Document(pid, {"name": name, "description": description, "services": " ".join(services)}, (), ())


PROVIDERS = [
    # The service that only publishes uses the question's words most.
    provider("dienst", "Inlichtingendienst", "Jaarverslagen over jihadisme, jihadisme online en jihadisme hier.",
             ["informatie", "onderzoek"]),  # fmt: skip
    provider("steunpunt", "Steunpunt", "Advies over een jongere en jihadisme.", ["advies", "consultatie"]),
]


def ranked(text, preference):
    index = SearchIndex(PROVIDERS, {"name": 3.0, "description": 2.0, "services": 1.0}, Synonyms([]))
    # Both as close in meaning to the question: the words decide the order.
    passages = DenseIndex([[np.array([0.8, 0.6])], [np.array([0.8, 0.6])]], dim=2)
    return rank(index, passages, text, np.array([1.0, 0.0]), preference=preference)


def test_a_request_for_help_is_told_from_one_for_information():
    assert asks_for_help("wie kan daarbij helpen?")
    assert asks_for_help("bij wie kan ik terecht met een jongere die jihadisme goedpraat")
    assert not asks_for_help("jihadisme")
    # Help finding figures is a request for information.
    assert not asks_for_help("wie kan me helpen aan cijfers over jihadisme")


def test_an_organisation_only_informs_when_it_offers_nothing_else():
    assert only_informs(PROVIDERS[0])
    assert not only_informs(PROVIDERS[1])
    assert not only_informs(provider("x", "X", "", []))


def test_asked_for_help_the_organisation_that_helps_comes_first():
    text = "wie kan helpen bij jihadisme"
    assert ranked(text, None).ids[0] == "dienst"
    preference = help_first(text, PROVIDERS)
    assert list(preference) == [LATER, 1.0]
    assert ranked(text, preference).ids == ["steunpunt", "dienst"]


def test_the_order_does_not_change_what_the_decision_reads():
    text = "wie kan helpen bij jihadisme"
    assert ranked(text, help_first(text, PROVIDERS)).signals == ranked(text, None).signals


def test_no_preference_without_a_request_for_help_or_when_the_organisation_is_named():
    assert help_first("jihadisme online", PROVIDERS) is None
    assert help_first("kan de inlichtingendienst helpen bij jihadisme", PROVIDERS) is None
    assert help_first("wie kan helpen", [PROVIDERS[1]]) is None


def test_scores_for_display_follow_the_order():
    text = "wie kan helpen bij jihadisme"
    ranking = ranked(text, help_first(text, PROVIDERS))
    first, second = ranking.scores
    # The first shown gets the best document's similarity; the second less.
    assert first == round(ranking.signals.dense_top, 2)
    assert 0 < second < first


def test_asked_who_can_help_with_jihadism_the_intelligence_service_is_not_first(services):
    # The AIVD's own description: no desk for advice about a young person.
    found = services.knowledge.find_providers("jihadisme, wie kan daarbij helpen?")
    assert found.answered
    assert "aivd" not in [p.id for p in found.items[:3]]
    assert services.knowledge.find_providers("jaarverslag van de aivd over jihadisme").items[0].id == "aivd"
