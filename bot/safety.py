"""A safety net for acute danger, beside the NLU.

The intent classifier routes most acute messages; this catches the ones it
misreads, so that a weapon, a threat or an attack happening now (or announced
for a concrete moment) always gets 112 first. It also keeps worrying but not
imminent messages (a joke, a past incident, a shared video, a hypothetical
question) from getting 112 when the NLU calls them acute. It only weighs
danger now, never whether a person radicalises.
"""

from __future__ import annotations

import re

from bot.knowledge.text import fold

# Weapons and other means of an attack, with compounds and a common typo ("stanleymes", "pistol").
_MEANS = (
    r"(\w*wapens?|\w*pistoo?l\w*|revolver|\w*geweer|\w*geweren|bijl|machete|hamer|zwaard|kruisboog|boksbeugel"
    r"|(keuken|zak|stanley|vlinder|slagers|jacht)?mes(sen)?|\w*knuppels?|stok(ken)?|ketting(en)?"
    r"|\w*bom(men|gordel)?|explosieven|\w*granaat|molotov\w*|benzine|jerrycan|gasfles\w*)"
)
# Violence and threats in any tense; "huiswerk afmaken" is no threat, "hem afmaken" is.
_HARM = (
    rf"({_MEANS}|aanslag\w*|explosie\w*|op te blazen|opbla(zen|ast)|opblie(s|zen)|opgeblazen|ontplof\w*|afgaan"
    r"|\w*schiet\w*|\w*schoten|(be)?dreig(t|en|de|den|d)|\w*bedreiging|dreig(bericht|brief|ement)\w*"
    r"|\w*dreiging(?= (voor|nu))|(neer|dood)\s?(te\s)?(steken|knallen|maken|slaan|schieten|rijden)|(neer|dood)\w+t"
    r"|in\s?(te\s)?rijden|ingereden|\w*steekt|te steken|\w*gestoken|bestorm\w*|knal\w*|vermoord\w*|doden|ombrengen"
    r"|toe\s?(te\s)?slaan|aan\s?(te\s)?val\w*|(valt|vallen)\b.{0,30}\baan|(steekt|schiet|knalt|slaat)\b.{0,30}\bneer"
    r"|(hem|haar|ze|hen|iedereen|mensen|allemaal) af\s?(te\s)?maken|(komt|gaat|wil|komen|gaan|willen) afmaken"
    r"|afmaakt|gijzel\w*|in brand|iets aan\s?(te\s)?doe[nt]|pijn doen)"
)
# A concrete moment soon: an announcement for it is acute even beside an older incident.
_SOON = (
    r"(vanavond|vannacht|vanmiddag|morgen\w*|straks|zo ?meteen|op het punt|na (de|het) (les|pauze|\w+ uur)"
    r"|(maan|dins|woens|donder|vrij|zater|zon)dag|dit weekend|(deze|komende|aanstaande) (\w*dag|week|weekend|avond)"
    r"|om (\d+|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf) uur|om \d+[:.]\d+|om half \w+"
    r"|over (een|\w+) (half )?(uur\w*|min\w*|kwartier))"
)
_NOW = rf"(nu|net(?! als)|vandaag|op dit moment|zojuist|onderweg|{_SOON})"
_PRESENT = r"(staat|staan|loopt|lopen|rent|zit|zitten|zwaait|dreigt|bedreigt|wacht|wachten|is)"
_PEOPLE = r"(iemand|jongen|jongens|man|vrouw|meisje|leerling|jongere|jongeren|groep)"
_PLACE = r"(gebouw|school\w*|klas|lokaal|gang|kantine|aula|\w*plein|buurthuis)"


def _compile(*patterns: str) -> list[re.Pattern]:
    return [re.compile(pattern) for pattern in patterns]


# A scene going on right now: someone armed, shooting or hitting, a bomb in place.
_ONGOING = _compile(
    rf"\b{_PRESENT}\b.{{0,30}}\bmet (een |zijn |het )?(\w+ )?{_MEANS}\b",
    rf"\bmet (een |zijn |het )?(\w+ )?{_MEANS}\b.{{0,30}}\b(staat|loopt|zit|rent|dreigt|bedreigt|zwaait)\b",
    rf"\b{_PEOPLE} met (een |het )?{_MEANS}\b|\b{_MEANS} (in|op) (het|de|ons|onze) {_PLACE}\b",
    rf"\b{_MEANS}\b.{{0,20}}\b(in (zijn|haar) hand|(ge)?tro?kk?en|trekt|gepakt|gericht|tevoorschijn|aangestoken"
    r"|(op|tegen) (de|het|zijn|haar) (keel|hoofd|nek|buik))",
    rf"\b(richt|trekt|pakt)\b.{{0,20}}\b{_MEANS}\b|\bonder schot\b",
    r"\b(wordt|word|worden)\b.{0,30}\b(\w*geschoten|\w*gestoken|geslagen|getrapt|geschopt|mishandeld|gegijzeld"
    r"|aangevallen|bedreigd|gevochten|gegooid)\b",
    rf"\ber (is|zijn|ligt|staat|zit) (hier |nu |al )?(een |nog een )?(\w+partij|bommelding|schoten|schutter"
    rf"|verdacht\w* \w+|{_MEANS})\b|\b(bom|explosieven|pakket)\b.{{0,40}}\b(ligt|liggen|zit)\b",
    r"\b(slaat|schopt|trapt|slaan|schoppen|trappen) (hem|haar|iemand|een|de|zijn|mensen)\b|\bgooien (stenen|met)\b"
    r"|\ber (schiet|steekt|slaat|vecht)\b|\b(staat|zit|loopt)\b.{0,30}\bte (schieten|steken|slaan|vechten)\b"
    r"|\b(schiet|steekt) (\w+ )?(op|in op) (\w+ )?(mensen|iedereen|voorbijgangers|leerlingen|\w*jongen)\b",
    rf"\b({_HARM}|\w+partij)\b.{{0,15}}\bgaande\b|\b(ingereden|inrijdt|binnengestormd|binnengedrongen"
    r"|hoor (\w+ )?(knallen|schoten|schieten)|\w*bommelding|schoten gehoord|gewapend\w*|gewond\w*|te bloeden"
    r"|gijzel\w*|ontvoer\w*|(acuut|acute|direct|levens)\s?gevaar)\b|\b(dader|schutter)\b.{0,25}\bloopt (nog )?rond\b",
)
# Danger announced for a moment or carried along: "vanavond", "om 10 uur", "heeft een pistool bij zich".
_IMMINENT = _compile(
    rf"\b{_HARM}\b.{{0,60}}\b{_NOW}\b",
    rf"\b{_NOW}\b.{{0,60}}\b{_HARM}\b",
    rf"\b{_MEANS}\b.{{0,20}}\b(bij (zich|hem|haar|me|mij)|in (zijn|haar|z'n|de) (\w*tas|\w*zak|jas|kluisje))\b",
    r"\b(heeft|hebben|draagt|toont)( \w+){0,3} (\w*wapen|pistoo?l|geweer|bom|explosieven|\w*granaat|benzine)\b",
    r"\b(vermoordt|afmaakt|opblaast|aanvalt|(neer|dood)\w+t)\b",
)
# Over: "vorig jaar", "een maand geleden".
_PAST = re.compile(
    r"\b(vorige?|gisteren|eergisteren|ooit|vroeger|eerder|geleden|laatst|afgelopen|afgehandeld|had willen"
    r"|(tijd|tijdje|jaar|jaren|maand|maanden|week|weken) terug)\b"
)
# Only supposed, or a question about the subject ("wat als", "hoe herken ik"), unless it is about now.
_SUPPOSED = re.compile(
    r"\b(protocol|meldcode|signalen|gastles|voorbereiden op|bereiden (we|wij|jullie) ons|mogelijke"
    r"|hoe (herken|praat|bespreek|voorkom|maak|ga (ik|je|we) (om|\w+ gesprek))\w*"
    r"|(^als (een|er|iemand|je|hij|ze)|wat als|stel (dat|je voor)|(wat|hoe)\b.{0,30}\b(als|wanneer|indien))\b"
    r"(?!.*\b(nu|zojuist|op dit moment)\b))\b"
)
# Not meant: a joke, a boast, pretend or fiction, praise for an attacker, a threat without means.
_NOT_MEANT = re.compile(
    r"\b(\w*grap\w*|lach\w*|haha\w*|lol|stoer|schep(t|te|pen) op|opschep\w*|(doet|deed|doen)\b.{0,20}\balsof"
    r"|toneel\w*|trollen|lego|speelgoed|(een|zijn|haar) (\w+ )?(gedicht|liedje|songtekst)|rap|hoofdpersoon"
    r"|in (een|zijn|haar) (\w+ )?verhaal|fantas\w*|vaag|vage|niet (meent|gemeend|serieus)|meent (het|dat) niet"
    r"|(doet|deed) (nooit|niks|niets)|geen (\w+ )?(wapen|mes|plan)|held(en)?|legend\w*|idool|martelaa?r\w*"
    r"|verheerlijk\w*|voorbeeld|terecht|gelijk had|goed\s?(ge)?praat\w*|bewonder\w*|vindt\b.{0,30}\b(cool|gaaf)"
    r"|(snapt|begrijpt) dat)\b"
)
# Denying it is a joke says the opposite: "geen speelgoed", "het is geen grap".
_SERIOUS = re.compile(r"\b(geen|niet|niks) (een |als |om te )?(grap\w*|geintje|speelgoed|nep\w*|lachen)\b")
# On a screen, on paper or in talk: shared videos, online posts, searches, drawings, games.
_MEDIA = re.compile(
    r"\b(\w*filmpjes?|\w*video\w*|beelden|foto\w*|plaatjes?|memes?|gif|stickers?|tiktok|instagram|snapchat"
    r"|youtube|discord|online|internet|darkweb|\w*chat|\w*app(je|s|te|t)?|klassengroep|gedeeld|deelt|delen"
    r"|propaganda|zoek(opdracht|geschiedenis)\w*|opgezocht|tekening\w*|tekent|tekende|getekend|opstel|dagboek"
    r"|spreekbeurt|werkstuk|\w*kalkt\w*|graffiti|op de muur|game\w*|gamen|fortnite|call of duty|shooters?"
    r"|spelletje\w*|potje|(praat|praten|praatte|had het|heeft het)\b.{0,25}\bover)\b"
)
# "nu" with a verb of presence: "staat nu met een mes", not "en nu praten ze erover".
_RIGHT_NOW = re.compile(rf"\b({_PRESENT} nu|nu {_PRESENT}|heeft nu|nu heeft|op dit moment|momenteel)\b")
_SOON_RE = re.compile(rf"\b{_SOON}\b")
# What makes a message worrying at all: violence, threats, extremist material.
_TOPIC = re.compile(
    rf"\b({_HARM}|\w*dreig\w*|geweld\w*|onthoofd\w*|beheading\w*|terror\w*|jihad\w*|nazi\w*|hakenkruis\w*"
    r"|dood aan|extremis\w*)\b"
)


def assess(text: str, nlu_acute: bool = False) -> str | None:
    """Returns "acute", "worrying" or None; `nlu_acute` is the intent classifier's verdict."""
    folded = fold(text)
    past, supposed, media = (bool(p.search(folded)) for p in (_PAST, _SUPPOSED, _MEDIA))
    not_meant = bool(_NOT_MEANT.search(folded)) and not _SERIOUS.search(folded)
    # A scene going on is acute even when laughed about; not when past, supposed or on a screen, unless "nu".
    if any(p.search(folded) for p in _ONGOING) and (_RIGHT_NOW.search(folded) or not (past or supposed or media)):
        return "acute"
    # An announcement is acute even when posted online; not when supposed or not meant, nor when past
    # unless it names a moment soon ("dreigde vorige week, zegt nu: morgen om 9 uur").
    past = past and not _SOON_RE.search(folded)
    if any(p.search(folded) for p in _IMMINENT) and not (supposed or not_meant or past):
        return "acute"
    if (past or supposed or not_meant or media) and (nlu_acute or _TOPIC.search(folded)):
        return "worrying"
    # No sign that it is not imminent: the NLU's word stands, so its recall is kept.
    return "acute" if nlu_acute else None


def looks_acute(text: str) -> bool:
    """True when the text describes danger now or at a concrete moment."""
    return assess(text) == "acute"
