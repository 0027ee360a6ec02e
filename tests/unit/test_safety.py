import pytest

from bot.safety import looks_acute


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
        "Wat willen jihadistische groeperingen bereiken?",
        "Een cliënt heeft een tatoeage met runen",
    ],
)
def test_questions_about_violence_are_not_acute(text):
    assert not looks_acute(text)
