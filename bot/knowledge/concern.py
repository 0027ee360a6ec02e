"""Whether a concern says what is going on, or only that there is one.

"Ik maak me zorgen over een leerling" needs one question back (what do you
see or hear?); "een leerling deelt sinds kort filmpjes van een haatprediker"
can get articles at once. The search's confidence does not tell them apart: a
vague concern matches the many articles about worried professionals well. What
does is whether anything is left once the words that only frame a concern are
taken away: who it is about, where, and that one worries.
"""

from __future__ import annotations

from bot.knowledge.text import STOPWORDS, words

# Whom a concern is about (folded, as words() gives them).
PEOPLE = frozenset(
    """
    leerling leerlingen jongere jongeren jongen jongens meisje meisjes zoon dochter kind kinderen tiener tieners
    puber pubers student studenten client clienten deelnemer deelnemers jeugdige jongvolwassene persoon collega
    collegas team ouder ouders vader moeder broer zus vriend vriendin buurjongen jongeman
    """.split()
)
# Words that only say that someone has a concern about someone somewhere.
FRAME = PEOPLE | frozenset(
    """
    klas mentorklas school groep buurthuis jongerenwerk jeugdzorg jeugdhulp wijk werk stage opvang vereniging
    club sportclub les lessen praktijk afdeling
    zorg zorgen zorgelijk zorgelijke bezorgd bang twijfel twijfels twijfelen twijfelt maak maken druk baart baren
    vertrouw vertrouwen pluis onderbuikgevoel gevoel situatie situaties casus vraag vraagje vragen advies sparren
    bespreken voorleggen doornemen schetsen kwijt speelt spelen gebeurt gaande hand mis lekker weet weten
    inschatten verder worstel worstelen mee aan beetje laatste tijd ken kennen begeleid begeleiden begeleidt
    terecht helemaal goed lastig lastige beetje iemand via van ermee uitkom uitkomen verandert veranderd
    """.split()
)
ENOUGH = 2  # words beyond the frame that make a concern concrete


def details(text: str) -> list[str]:
    """The words of `text` that say what is going on: neither frame, nor stop word, nor a number."""
    return [w for w in words(text) if w not in FRAME and w not in STOPWORDS and not w.isdigit() and len(w) > 2]


def says_what_happens(text: str) -> bool:
    return len(details(text)) >= ENOUGH


def without_people(text: str) -> str:
    """`text` folded, without the words that say whom it is about."""
    return " ".join(w for w in words(text) if w not in PEOPLE)
