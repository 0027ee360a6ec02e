import pytest

from bot.safety import assess, looks_acute
from bot.safety_eval import evaluate, load

ACUTE = load("acute")
WORRYING = load("worrying")


@pytest.mark.parametrize(
    "text",
    [
        "Een jongere zei net dat hij vandaag een aanslag gaat plegen",
        "er staat een leerling met een mes op het plein",
        "hij heeft een pistool bij zich en is nu in de kantine",
        "Ze dreigt vanavond iemand neer te steken",
        "iemand loopt met een vuurwapen door de gang",
    ],
)
def test_violence_happening_now_is_acute(text):
    assert looks_acute(text)


@pytest.mark.parametrize(
    "text",
    [
        "Hoe herken ik signalen van radicalisering?",
        "Wat moet ik doen als een leerling een mes meeneemt naar school?",
        "Hoe praat ik met de klas over de aanslag van vorig jaar?",
        "Waar streven jihadistische bewegingen naar?",
        "Een leerling draagt een ketting met een odalrune",
    ],
)
def test_questions_about_violence_are_not_acute(text):
    assert not looks_acute(text)


def test_the_sets_are_big_enough_and_apart():
    assert len(ACUTE) >= 70 and len(WORRYING) >= 70
    assert not set(ACUTE) & set(WORRYING)


@pytest.mark.parametrize("nlu_acute", [False, True])
def test_every_acute_message_gets_112(nlu_acute):
    assert [text for text in ACUTE if assess(text, nlu_acute) != "acute"] == []


@pytest.mark.parametrize("nlu_acute", [False, True])
def test_worrying_messages_seldom_get_112(nlu_acute):
    false_alarms = [text for text in WORRYING if assess(text, nlu_acute) == "acute"]
    assert len(false_alarms) <= 0.05 * len(WORRYING), false_alarms


def test_evaluate_counts_both_nlu_verdicts():
    report = evaluate(["er staat een jongen met een mes in de klas"], ["hij maakte een grap over een bom", "hallo"])
    assert report[False] == {
        "acute": 1,
        "acute_hits": 1,
        "recall": 1.0,
        "worrying": 2,
        "false_acute": 0,
        "false_acute_rate": 0.0,
    }
    # With the NLU saying acute, the greeting has no sign of not being meant and counts as a false alarm.
    assert report[True]["false_acute"] == 1


@pytest.mark.parametrize(
    ("text", "nlu_acute", "expected"),
    [
        # The same words, with and without a moment.
        ("hij zegt dat hij de school opblaast", False, "acute"),
        ("hij zegt dat hij morgen om 9 uur de school opblaast", False, "acute"),
        ("hij zei lachend dat hij morgen de school opblaast", False, "worrying"),
        ("hij zei lachend dat hij morgen de school opblaast", True, "worrying"),
        # A weapon in hand is acute even when he laughs; a video of one is not.
        ("hij lacht en zwaait met een mes in de klas", False, "acute"),
        ("ze lachen om een filmpje waarin iemand wordt neergestoken", True, "worrying"),
        # An older incident does not make a new announcement less acute, and "nu" beats "vorig jaar".
        ("hij dreigde vorige week al, nu zegt hij dat hij vanavond komt schieten", False, "acute"),
        ("de jongen die vorig jaar dreigde staat nu met een mes bij de poort", False, "acute"),
        ("de jongen die vorig jaar met een mes dreigde is nu terug in de klas", True, "worrying"),
        # A hypothetical stays one, unless it is about now.
        ("wat moet ik doen als er een leerling met een mes in de klas staat", True, "worrying"),
        ("wat moet ik doen als hij nu met een mes in de klas staat", False, "acute"),
        # Posted online with a concrete moment is still an announcement.
        ("in de groepsapp staat dat ze vanavond de moskee aanvallen", False, "acute"),
        ("in de groepsapp worden filmpjes van aanslagen gedeeld", False, "worrying"),
        # Denying the joke is no joke marker.
        ("het is geen grap, hij heeft een pistool in zijn tas", False, "acute"),
        # Nothing violent, nothing from the NLU: no verdict; the NLU's acute stands without markers.
        ("hoe herken ik radicalisering bij een leerling", False, None),
        ("acuut, help", True, "acute"),
        ("er is een wapen", True, "acute"),
    ],
)
def test_boundaries(text, nlu_acute, expected):
    assert assess(text, nlu_acute) == expected
