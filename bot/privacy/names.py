"""Finding names of people in a chat message.

A capitalised word counts as a name when it follows a cue ("mijn leerling Sami", "mevrouw De Vries",
"heet Noah", "Xander zegt") or when it is a known first name. After a title the name may be typed in lower case
("mevrouw bakker", "meneer de vries"): then a known first name or surname counts. The names come from Faker's person
providers (maintained, data shipped inside the package) for the groups most common in Dutch youth work,
plus a curated supplement of Turkish, Moroccan, Surinamese, Antillean, Eritrean, Syrian, Polish and
Frisian names and of Dutch names of the parents' generation that Faker lacks. A surname that follows
("Sami El Amrani", "Sven de Jong") joins the name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from faker.providers.person import en_GB, en_IN, en_US, fr_DZ, nl_BE, nl_NL, tr_TR

_SUPPLEMENT = """
    abdel abdelhak abdellah abdi abdirahman achraf adnan agnieszka aisha amal anand anass andrei annemiek anouar
    arda ashanti ashwin asmae aymane ayşe ayse baran bartosz batuhan berkay beyza bink bogdan burak busra büşra
    cem ceren chadia chaima chaimae chanel damla dawid delano denzel derya dinesh djairo driss ebru eda emel
    emine emre ercan erdem eren esmeralda esra eymen faisal filmon fouad furkan geeta gizem gökhan hafsa hajar
    hakan hanane harm hatice hiba hicham hodan houssam huseyin hussein hülya hüseyin idris ids ilham indra ioana
    ionut jair jaïr jakub jamila jaydon jaylen joop kaan kacper kaoutar kavita kees kemal kerem kiran kishan
    krzysztof kubra kübra latifa layla levent loubna mahmoud mahmut marciano marloes marouane marwan mateusz
    melike merhawi mert merve meryem metin mihai mimoun mohsin mohssin naima najat navin nisrine nordin nourdin
    noureddine oliwia onur orhan osman othman othmane oumaima ozan oğuz prakash rachida radjesh rajesh rakesh
    ramesh rami ranjit rasha recep reda redouan redouane reshma reza romano romario roshni safae sanae sandjai
    sanjay satish selim selin semhar senait serkan shakira shanaya shandra shanice shanti shaquille sharmila
    shirin shurandy sibel siham sinan sjaak soeniel soenita sofian songül soufyan soukaina storm sude sunil
    sunita suresh sverre tareq tarik tariq tayfun tolga truus tuba tuncay ufuk umut vikash virgil vishal volkan
    wiam wiktoria xem yakup yasemin yasin yazan yonas yousef youssra yunus zainab zakariya zaynab zehra zuzanna
    adrianus angelique annemarie annet arjan arjen corrie ester fons hanneke hennie huub jannie jolanda lambertus
    marjolein mirjam remco rene riet ruud sjef wilma
    aaltje baukje djamila douwe fardau fokke geertje hanan hylke ineke janneke jihane mimount najoua sietse
    sietske soumaya sytske tjeerd wietse wytze zakia
"""

# First names that are also Dutch words, months or topic words of this platform ("Om drie uur", "Elke dag",
# "Beste collega", "Kader", "Chad"): these count as names only after a cue.
AMBIGUOUS = frozenset(
    """
    allen april baba ben bergen beste chad constant dan divan el elke erin erna forum isis jesus kader ken kent
    lieve max mihrab nas nazi om peren ramadan rune salami server stacy tan toon toy tule veer
    """.split()
)


def _first_names() -> frozenset[str]:
    names = set(_SUPPLEMENT.split())
    for module in (nl_NL, nl_BE, tr_TR, fr_DZ, en_IN, en_GB, en_US):
        for attribute in ("first_names_male", "first_names_female", "first_names"):
            names.update(name.casefold() for name in getattr(module.Provider, attribute, ()))
    # Two-letter names ("Bo", "An") are too often something else.
    return frozenset(name for name in names if len(name) > 2) - AMBIGUOUS


FIRST_NAMES = _first_names()

# Capitalised words that are never a name here: sentence starters, pronouns, organisations, places, topics.
NOT_NAMES = frozenset(
    """
    aan al alle allebei als ander andere bij binnenkort daar daarna daarom dag dan dank dat de deze die dit
    door dus een eerst eergisteren en er gisteren goed graag hallo heb hebben heeft hem het hier hij hoe hoi
    hun ik in is ja je jij jullie kan kun kunnen maar mag me men met mij mijn misschien moet morgen na naar
    nee niemand niet nog nu of ok oke oké om omdat ons onze ook op over sinds soms sorry straks te tegen toen
    tot u uit van vandaag vanmiddag vanmorgen vanavond vaak verder vervolgens via volgens voor vorige vroeger
    waar waarom wanneer wat we weet wel welke wie wij wil zal ze zij zijn zo zonder iedereen iemand volgende
    afgelopen hoewel daarnaast bovendien eigenlijk inmiddels helaas hey beste groet groeten vriendelijke
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart mei juni juli augustus
    september oktober november december
    platform jep veilig thuis movisie nctv politie ggd aivd halt leerplicht jeugdzorg wijkteam kindertelefoon
    advieslijn stichting gemeente school rijksoverheid justitie raad kinderbescherming jeugdbescherming
    zorg veiligheidshuis veiligheid onderwijs welzijn jeugd jongerenwerk maatschappelijk handhaving om
    instagram tiktok snapchat telegram discord whatsapp youtube google facebook
    amsterdam rotterdam den haag utrecht almere breda eindhoven tilburg groningen nijmegen arnhem zwolle
    nederland marokko turkije suriname syrië somalië eritrea polen belgië curaçao aruba
    islam moslim moslims koran allah god jihad kalifaat hamas
    marokkaans marokkaanse turks turkse nederlands nederlandse surinaams surinaamse antilliaans antilliaanse
    syrisch syrische somalisch somalische eritrees eritrese pools poolse afghaans afghaanse koerdisch koerdische
    arabisch arabische engels engelse duits duitse belgisch belgische
    """.split()
)

# Words for people whose name may follow ("mijn leerling Sami", "zijn vader Ahmed", "cliënt Fatima").
_ROLES = set(
    """
    leerling leerlinge leerlingen jongen jongens meisje meisjes jongere jongeren kind kinderen zoon zoontje
    dochter dochtertje vader moeder stiefvader stiefmoeder pleegvader pleegmoeder pleegkind pleegzoon
    pleegdochter ouder ouders broer broertje broers zus zusje zussen zuster neef neefje nicht nichtje oom tante
    opa oma vriend vriendin vriendje vriendinnetje vrienden cliënt cliënte client cliente pupil student
    studente deelnemer klasgenoot klasgenote buurjongen buurmeisje collega mentor partner man vrouw ex
    """.split()
)
_TITLES = set("mevrouw mevr mw meneer mnr dhr heer juf juffrouw meester dokter dr".split())
_NAMING = set("genaamd heet heette heten bijnaam alias naam".split())
_NAMING_PAIRS = {("naam", "is"), ("noemt", "zich"), ("noemen", "hem"), ("noemen", "haar")}
_SPEECH = set(
    "zegt zei vertelt vertelde vraagt vroeg schreeuwt schreeuwde riep appt appte schreef stuurde dreigt dreigde".split()
)
_PARTICLES = set("van de der den het ter ten te el al ben bin ibn abou abu".split())
_KUNYA = {"abu", "abou", "umm", "oum"}  # "Abu Hamza" is a name as a whole


def _ascii(word: str) -> str:
    """The word as it is often typed without accents: "yılmaz" as "yilmaz"."""
    return unicodedata.normalize("NFKD", word.replace("ı", "i")).encode("ascii", "ignore").decode()


def _surnames() -> frozenset[str]:
    """Each word of a Dutch, Belgian, Turkish or Maghrebi surname ("vries" of "de Vries"), in lower case.

    Only used after a title, where "mevrouw bakker" is a person and never a baker.
    """
    words = set()
    for module in (nl_NL, nl_BE, tr_TR, fr_DZ):
        for surname in module.Provider.last_names:
            words.update(word.casefold() for word in surname.replace(",", " ").split())
    words |= {_ascii(word) for word in words}
    never = NOT_NAMES | AMBIGUOUS | _ROLES | _PARTICLES
    return frozenset(word for word in words if len(word) > 2 and word.isalpha() and word not in never)


SURNAMES = _surnames()

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# What may stand between a cue and the name: spaces, a comma or colon; after a title also its dot ("mw.").
_GAP = re.compile(r"[ \t]*[,:]?[ \t]*")
_TITLE_GAP = re.compile(r"\.?[ \t]*")
# Names that are no personal data here: organisations, places, brands worn in extremist circles, and public
# figures that conversations about radicalisation are about.
_PROTECTED = re.compile(
    r"Anne Frank|William Schrikker|Sint Maarten|Den (?:Haag|Bosch|Helder)|[Pp]rofeet \w+"
    r"|Koning(?:in)? (?:Willem-Alexander|Máxima)|Thor Steinar|Fred Perry|Andrew Tate|Tommy Robinson"
    r"|Elliot Rodger|Alex Jones|Geert Wilders|Thierry Baudet|Pim Fortuyn|Theo van Gogh|(?:Anders )?Breivik"
    r"|Brenton Tarrant|Osama bin Laden|Adolf Hitler"
)


def _is_capitalised(word: str) -> bool:
    # Acronyms like "NCTV" and single capitals are no names.
    return word[0].isupper() and not word.isupper()


def _is_initial(text: str, word: tuple[int, int, str]) -> bool:
    """A capital with a dot standing on its own or after another initial: "J." in "J. de Vries", not "3B."."""
    start, end, letter = word
    return letter.isupper() and end - start == 1 and text[end : end + 1] == "." and text[start - 1 : start] in "(. \n"


def _bare(word: str) -> str:
    """The word without a possessive: "Sami's" -> "Sami"."""
    return word[:-2] if word.endswith(("'s", "’s")) else word


def find_names(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each name in the text."""
    words = [(m.start(), m.start() + len(_bare(m.group())), _bare(m.group())) for m in _WORD.finditer(text)]
    protected = [m.span() for m in _PROTECTED.finditer(text)]
    i, after_name = 0, -1
    while i < len(words):
        start, end, word = words[i]
        # "Henk en Annemarie": a capitalised word joined to a name by "en" or "of" is a name too.
        joined = i >= 2 and after_name == i - 2 and words[i - 1][2] in ("en", "of") and _continues_name(text, words, i)
        if any(a <= start < b for a, b in protected) or not (joined or _starts_name(text, words, i)):
            i += 1
            continue
        j, titled = i, _after_title(text, words, i)
        while j + 1 < len(words) and _continues_name(text, words, j + 1, titled):
            j += 1
        # Particles belong to the name only when a capitalised surname follows them.
        while j > i and words[j][2].casefold() in _PARTICLES:
            j -= 1
        yield start, words[j][1]
        after_name, i = j, j + 1


def _cue(text: str, words: list, i: int, back: int = 1) -> str:
    """The word `back` places before word i when nothing but a small gap separates them, else ""."""
    k = i - back
    if k < 0 or not all(_GAP.fullmatch(text, words[n - 1][1], words[n][0]) for n in range(k + 1, i + 1)):
        return ""
    return words[k][2].casefold()


def _after_title(text: str, words: list, i: int) -> bool:
    """True when word i follows a title: "mevrouw", "dhr.", "juf"."""
    return (
        i > 0
        and words[i - 1][2].casefold() in _TITLES
        and bool(_TITLE_GAP.fullmatch(text, words[i - 1][1], words[i][0]))
    )


def _starts_name(text: str, words: list, i: int) -> bool:
    word = words[i][2]
    key = word.casefold()
    capitalised = _is_capitalised(word)
    if _is_initial(text, words[i]) or (capitalised and key in _KUNYA):  # "J. de Vries", "Abu Talha"
        return _continues_name(text, words, i + 1)
    if not capitalised and key not in FIRST_NAMES and key not in _PARTICLES and key not in SURNAMES:
        return False  # most words; no need to look for a cue
    title = _after_title(text, words, i)
    if title and key in _PARTICLES:  # "mevrouw de Vries", "meneer van der Berg", "meneer de vries"
        return _continues_name(text, words, i + 1, after_title=True)
    cue = _cue(text, words, i)
    if title or cue in _ROLES or cue in _NAMING or (_cue(text, words, i, 2), cue) in _NAMING_PAIRS:
        if capitalised:
            return key not in NOT_NAMES and key not in _ROLES
        # After a cue a lower-case word is a name only when it is a known first name ("mijn leerling sami"),
        # after a title also when it is a known surname ("mevrouw bakker").
        return key in FIRST_NAMES or (title and key in SURNAMES)
    if not capitalised or key in NOT_NAMES:
        return False
    if key in FIRST_NAMES:
        return True
    following = words[i + 1][2].casefold() if i + 1 < len(words) else ""
    if following not in _SPEECH or text[words[i][1] : words[i + 1][0]] != " ":
        return False
    return key not in _ROLES and key not in AMBIGUOUS


def _continues_name(text: str, words: list, i: int, after_title: bool = False) -> bool:
    """True when word i is part of a surname or particle right after a name.

    After a title a known surname in lower case continues the name too ("meneer de vries").
    """
    if i >= len(words):
        return False
    gap = text[words[i - 1][1] : words[i][0]]
    if gap not in (" ", "-") and not (gap in (".", ". ") and _is_initial(text, words[i - 1])):
        return False
    word = words[i][2]
    key = word.casefold()
    if key in _PARTICLES or _is_initial(text, words[i]):  # "van der Berg", the "B." of "A.B. Jansen"
        return _continues_name(text, words, i + 1, after_title)
    return (_is_capitalised(word) and key not in NOT_NAMES) or (after_title and key in SURNAMES)
