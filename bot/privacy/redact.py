"""Replacing personal data in a chat message by typed placeholders before anything stores it.

Each detector yields (start, end) spans; numbers are validated (11-proof, mod-97, digit counts) so that
order numbers, years and times stay. Detectors run in the order of DETECTORS, each on the text with what
the earlier ones found blanked out, so that "kenteken DRB-12-K. Sven" cannot become one name. Placeholders
already in the text are blanked the same way, which makes redacting twice change nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from bot.privacy.names import find_names

Spans = Iterator[tuple[int, int]]


class Finding(NamedTuple):
    """What was removed and where it stood in the original text; never the value itself."""

    type: str
    start: int
    end: int


class Redaction(NamedTuple):
    """The redacted text and what was found in the original."""

    text: str
    found: list[Finding]


# The lookbehind starts a match only at the start of a run, so long texts without "@" stay linear.
# Domain labels are letters, digits and hyphens, ending in a top-level domain of letters.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@(?:[^\W_](?:[^\W_]|-)*\.)+[^\W\d_]{2,}(?![\w-])")

# Public numbers that professionals and the assistant name: 0900-8844 (politie), 0800-2000 (Veilig Thuis),
# the Advieslijn, 0800-0113 (113 Zelfmoordpreventie) and 0800-0432 (Kindertelefoon). 112 is too short to match.
PUBLIC_NUMBERS = frozenset({"09008844", "08002000", "0703334558", "08000113", "08000432"})
# A phone number starts with +, 00 or 0 and may have spaces, hyphens, dots and "(0)" between its digits.
PHONE = re.compile(r"(?<![\w+/.-])(?:\+|\(0|0)[\d \-.()]{0,20}\d")
IBAN = re.compile(r"(?<!\w)[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}", re.IGNORECASE)
# BSN: nine digits (or eight with the leading zero dropped), also as 123.456.782 or 1234 56 782.
BSN = re.compile(r"(?<![\w.+/-])(?:\d{3}([. ]?)\d{3}\1\d{3}|\d{4}([. ])\d{2}\2\d{3}|\d{8})(?![\w/-]|[.,]\d)")

_POSTCODE = r"[1-9]\d{3}(?: ?[A-Z]{2}|[a-z]{2})(?!\w)"
_HOUSE_NUMBER = r"(?:(?:huis)?(?:nummer|nr\.?|no\.?) ?)?\d{1,5}(?:[ -]?[A-Za-z](?!\w))?(?!\w)"
_STREET = (
    r"(?<!\w)(?:(?:Van|De|Den|Sint|Prins|Prinses|Koning|Koningin|Burgemeester|Dokter) )*[A-Z][\w'-]{0,40}?"
    r"(?:straat|laan|weg|plein|singel|gracht|kade|dijk|hof|pad|steeg|dreef|park|markt|baan|ring|plantsoen|erf"
    r"|kamp|veld|dam|wal)"
)
# An address: a postcode with a house number, or a street with a house number (and maybe a postcode).
ADDRESS = re.compile(rf"{_STREET}\s{_HOUSE_NUMBER}(?:,?\s{_POSTCODE})?|{_POSTCODE},?\s{_HOUSE_NUMBER}")

_MONTH = (
    r"(?:jan(?:uari)?|feb(?:ruari)?|maart|mrt|apr(?:il)?|mei|jun[i]?|jul[i]?|aug(?:ustus)?|sep(?:t(?:ember)?)?"
    r"|okt(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:\d{{1,2}} {_MONTH}(?: \d{{4}})?|{_MONTH} \d{{4}}|\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})"
    r"|\d{4}-\d{2}-\d{2})(?![\w-])"
)
_WEEKDAY = r"(?:(?:maan|dins|woens|donder|vrij|zater|zon)dag )?"
_BIRTH_CUE = r"\b(?:geboren(?: op| in| de)?|geb\.?(?: ?datum)?|geboortedatum(?: is)?|d\.o\.b\.?)[:( ]*"
# Only a date with a birth cue is a date of birth: "vorige week 3 maart" stays.
# "... 14 november. Geboren op ..." starts a new sentence: only a lower-case "geboren" may follow the date.
BIRTH_DATE = re.compile(rf"{_BIRTH_CUE}{_WEEKDAY}(?P<date>{_DATE})|(?P<before>{_DATE}) (?-i:geboren)\b", re.IGNORECASE)

# Dutch licence plate side codes: X is a letter, 9 a digit.
_SIDECODES = (
    "XX-99-99 99-99-XX 99-XX-99 XX-99-XX XX-XX-99 99-XX-XX "
    "99-XXX-9 9-XXX-99 XX-999-X X-999-XX XXX-99-X X-99-XXX 9-XX-999 999-XX-9"
).split()


def _plate_pattern(codes: list[str], hyphen: str) -> str:
    return "|".join(code.replace("-", hyphen).replace("X", "[A-Z]").replace("9", r"\d") for code in codes)


# Plates are in capitals ("de A-12-weg" is a road). Without hyphens only the mixed side codes (7 and on) count,
# because "1234AB" is a postcode and "AB1234" could be any code.
PLATE = re.compile(rf"(?<![\w-])(?:{_plate_pattern(_SIDECODES, '-')})(?![\w-])")
PLATE_UNHYPHENATED = re.compile(rf"(?<!\w)(?:{_plate_pattern(_SIDECODES[6:], '')})(?!\w)")


def _elfproef(digits: str) -> bool:
    digits = digits.zfill(9)
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total % 11 == 0 and int(digits) != 0


def _mod97(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _is_phone(raw: str) -> bool:
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+") or digits.startswith("00"):
        rest = digits if raw.startswith("+") else digits[2:]
        if rest.startswith("31"):  # a Dutch number written internationally: +31 (0)6 ...
            national = "0" + rest[2:].removeprefix("0")
            return len(national) == 10 and national not in PUBLIC_NUMBERS
        return 9 <= len(rest) <= 14 and not rest.startswith("0")
    if digits in PUBLIC_NUMBERS:
        return False
    return len(digits) == 10 or (digits[:4] in ("0800", "0900", "0906", "0909") and 8 <= len(digits) <= 11)


def _is_iban(raw: str) -> bool:
    compact = raw.replace(" ", "").upper()
    return 15 <= len(compact) <= 34 and compact[:2].isalpha() and _mod97(compact)


def _longest(pattern: re.Pattern, text: str, valid: Callable[[str], bool]) -> Spans:
    """Spans of the longest valid prefix of each match that ends at a word boundary.

    A greedy match may run into the next number or word ("06 12345678 2 keer", "NL91ABNA0417164300 op"),
    so shorter prefixes are tried, and scanning goes on right after what was found.
    """
    pos = 0
    while match := pattern.search(text, pos):
        ends = [e for e in range(match.end(), match.start(), -1) if e == len(text) or not text[e].isalnum()]
        end = next((e for e in ends if text[e - 1].isalnum() and valid(text[match.start() : e])), None)
        if end is None:
            pos = match.start() + 1
        else:
            yield match.start(), end
            pos = end


def _emails(text: str) -> Spans:
    return (m.span() for m in EMAIL.finditer(text))


def _ibans(text: str) -> Spans:
    return _longest(IBAN, text, _is_iban)


def _phones(text: str) -> Spans:
    return _longest(PHONE, text, _is_phone)


def _bsns(text: str) -> Spans:
    return (m.span() for m in BSN.finditer(text) if _elfproef(re.sub(r"\D", "", m.group())))


def _addresses(text: str) -> Spans:
    return (m.span() for m in ADDRESS.finditer(text))


def _birth_dates(text: str) -> Spans:
    for m in BIRTH_DATE.finditer(text):
        yield m.span("date") if m.group("date") else m.span("before")


def _plates(text: str) -> Spans:
    yield from (m.span() for m in PLATE.finditer(text))
    yield from (m.span() for m in PLATE_UNHYPHENATED.finditer(text))


DETECTORS: list[tuple[str, Callable[[str], Spans]]] = [
    ("EMAIL", _emails),
    ("IBAN", _ibans),
    ("TELEFOON", _phones),
    ("BSN", _bsns),
    ("POSTCODE", _addresses),
    ("GEBOORTEDATUM", _birth_dates),
    ("KENTEKEN", _plates),
    ("NAAM", find_names),
]


_PLACEHOLDER = re.compile(r"\[(?:" + "|".join(kind for kind, _ in DETECTORS) + r")\]")


def _blank(text: str, start: int, end: int) -> str:
    # "_" is a word character, like what it stands for, so patterns see the same boundaries as before;
    # it is no letter, digit or space, so no pattern takes it into a match.
    return text[:start] + "_" * (end - start) + text[end:]


def redact(text: str) -> Redaction:
    """The text with personal data replaced by [TYPE] placeholders, and where each one stood."""
    masked = _PLACEHOLDER.sub(lambda m: "_" * len(m.group()), text)
    found: list[Finding] = []
    for kind, detect in DETECTORS:
        for start, end in detect(masked):
            if all(end <= f.start or start >= f.end for f in found):
                found.append(Finding(kind, start, end))
        for f in found:
            masked = _blank(masked, f.start, f.end)
    found.sort(key=lambda f: f.start)
    parts, last = [], 0
    for f in found:
        parts += [text[last : f.start], f"[{f.type}]"]
        last = f.end
    return Redaction("".join(parts) + text[last:], found)
