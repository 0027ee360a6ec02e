from bot.knowledge.text import Analyzer, Synonyms, fold, spell_out_names, stem, words
from bot.knowledge.typos import TypoCorrector, distance


def test_fold_removes_case_and_diacritics():
    assert fold("Complottheorieën ÉN Cliënt") == "complottheorieen en client"
    assert words("Rechts-extremisme, 2026!") == ["rechts", "extremisme", "2026"]


def test_stem_brings_inflections_together():
    assert stem("radicaliseert") == stem("radicaliseren") == stem("radicalisering") == stem("geradicaliseerde")
    assert stem("families") == stem("familie")
    assert stem("leerlingen") == stem("leerling")
    # A plural voices the final consonant of its singular.
    assert stem("hakenkruizen") == stem("hakenkruis")
    assert stem("brieven") == stem("brief")
    assert stem("geloven") == stem("geloof")


def test_synonyms_join_spelling_variants_and_phrases():
    synonyms = Synonyms([["rechts-extremisme", "extreemrechts", "extreem rechts", "rechtsextremisme"]])
    analyzer = Analyzer(synonyms)
    group = "syn:rechts-extremisme"
    assert group in analyzer.terms(words("Hij is extreemrechts"))
    assert group in analyzer.terms(words("extreem rechts groepje"))
    assert group in analyzer.terms(words("over rechts-extremisme"))
    assert group in analyzer.terms(words("rechtsextremisme"))


def test_a_word_of_a_group_also_counts_a_little_as_itself():
    analyzer = Analyzer(Synonyms([["sociale media", "telegram", "tiktok"]]))
    terms = analyzer.terms(words("telegram groep"))
    assert terms["syn:sociale-media"] == 1.0
    assert 0 < terms[stem("telegram")] < 1.0
    # A phrase counts only as its group.
    assert set(analyzer.terms(words("sociale media"))) == {"syn:sociale-media"}


def test_a_phrase_matches_its_inflections_word_by_word():
    analyzer = Analyzer(Synonyms([["rechts-extremisme", "rechts-extremistisch", "extreem rechts"]]))
    assert "syn:rechts-extremisme" in analyzer.terms(words("een rechts-extremistische groep"))
    assert "syn:rechts-extremisme" in analyzer.terms(words("extreem rechtse jongeren"))
    assert "syn:rechts-extremisme" not in analyzer.terms(words("extreem links"))


def test_compounds_are_split_into_known_parts():
    analyzer = Analyzer(Synonyms([]), frozenset({stem("school"), stem("protocol"), stem("jongeren"), stem("werk")}))
    assert {stem("school"), stem("protocol")} <= set(analyzer.terms(["schoolprotocol"]))
    # A linking 's' joins the parts of many Dutch compounds.
    assert {stem("school"), stem("protocol")} <= set(analyzer.terms(["schoolsprotocol"]))


def test_stop_words_are_not_terms():
    assert not Analyzer(Synonyms([])).terms(words("hoe moet ik dat doen"))


def test_distance_counts_transpositions_once():
    assert distance("radicaal", "radiacal") == 1
    assert distance("ouders", "oudres") == 1
    assert distance("gesprek", "gesprek") == 0


def test_typos_are_corrected_to_frequent_corpus_words():
    corrector = TypoCorrector({"polarisatie": 10, "radicalisering": 20, "ouders": 5, "ouder": 1})
    assert corrector.correct("polarsatie") == "polarisatie"
    assert corrector.correct("radicalisring") == "radicalisering"
    assert corrector.correct("radikalisering") == "radicalisering"
    assert corrector.correct("oudrs") == "ouders"
    assert corrector.correct("supermarkt") is None
    assert corrector.correct("ouders") is None  # known words stay as they are


def test_a_correction_keeps_the_first_letter():
    """People seldom mistype the first letter; real words the corpus lacks often differ there."""
    corrector = TypoCorrector({"jood": 5, "vaak": 9, "thuis": 4, "vader": 7})
    assert corrector.correct("dood") is None
    assert corrector.correct("zaak") is None
    assert corrector.correct("huis") is None
    assert corrector.correct("dader") is None
    assert corrector.correct("vadre") == "vader"


def test_is_the_movement_is_written_out_but_not_the_verb():
    assert spell_out_names("leerling deelt filmpjes van IS") == "leerling deelt filmpjes van Islamitische Staat"
    assert spell_out_names("een IS-vlag") == "een Islamitische Staat-vlag"
    assert spell_out_names("Is dat erg? Het is laat") == "Is dat erg? Het is laat"
    assert spell_out_names("fan van ISIS") == "fan van ISIS"
    assert spell_out_names("HIJ IS BOOS") == "HIJ IS BOOS"  # all in capitals: a shouted verb


def test_a_question_about_is_finds_the_articles_on_jihadism(services):
    found = services.knowledge.find_articles("filmpjes van IS")
    assert found.items[0].id == "jihadisme-achtergrond-en-doelen"
    assert found.signals.keyword_hit  # "Islamitische Staat", one of the article's keywords


def test_the_verb_is_names_no_keyword(services):
    """The keyword "IS" folds to the verb "is": it used to make every question with "is" name the jihadism article."""
    found = services.knowledge.find_articles("tiener wil vegetariër worden, is dat gezond")
    assert not found.signals.keyword_hit
    assert found.confidence < 0.5  # 0.91 with the hit: enough to show cards after the NLU said out of scope
