"""The five turns of a benchmark conversation: what professionals write to the assistant.

Each conversation takes one variant per turn, rotating, so the load mixes
topics without randomness between runs.
"""

from __future__ import annotations

TURNS: dict[str, list[str]] = {
    "greeting": [
        "hallo",
        "goedemorgen",
        "hoi, ik heb een vraag",
        "goedemiddag, ik ben docent op een mbo",
        "hallo, ik werk als jongerenwerker",
    ],
    "knowledge": [
        "hoe ga ik het gesprek aan met een leerling die extreme ideeën deelt?",
        "een jongere in mijn groep deelt complotfilmpjes over de overheid, hoe reageer ik daarop?",
        "welke signalen van radicalisering moet ik serieus nemen bij een tiener?",
        "hoe bespreek ik een aanslag in het nieuws in de klas zonder dat het escaleert?",
        "leerlingen maken racistische grappen in de groepsapp, wat kan ik daarmee?",
        "wat mag ik delen met de politie over een minderjarige als ik me zorgen maak?",
    ],
    "provider": [
        "welke organisatie kan ouders ondersteunen als hun kind radicaliseert?",
        "is er een organisatie die trainingen over polarisatie geeft aan docenten?",
        "bij welke organisatie kan ik terecht voor exitbegeleiding van een jongere?",
        "welke instantie helpt bij extremistische content online?",
    ],
    "followup": [
        "en hoe betrek ik de ouders daarbij?",
        "wat moet ik vastleggen in het dossier over mijn zorgen?",
        "hoe houd ik contact als hij niet meer wil praten?",
        "wat kan ik doen om zelf niet overbelast te raken na zo'n casus?",
    ],
    "thanks": [
        "bedankt, dit helpt",
        "dank je wel",
        "top, bedankt voor de hulp",
        "dankjewel, ik ga ermee aan de slag",
    ],
}


def conversation(number: int) -> list[tuple[str, str]]:
    """The (kind, text) turns of conversation `number`."""
    return [(kind, variants[number % len(variants)]) for kind, variants in TURNS.items()]
