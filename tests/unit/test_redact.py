import pytest

from bot.privacy import Finding, redact
from bot.privacy.evaluate import load_cases, ms_per_message, score


def redacted(text: str) -> str:
    return redact(text).text


@pytest.mark.parametrize(
    "bsn",
    ["123456782", "123.456.782", "1234 56 782", "111222333", "34127884"],  # the last lost its leading zero
)
def test_bsn_that_passes_the_11_proof_is_redacted(bsn):
    assert redacted(f"zijn BSN is {bsn}, zegt de moeder") == "zijn BSN is [BSN], zegt de moeder"


@pytest.mark.parametrize(
    "iban",
    [
        "NL91ABNA0417164300",
        "NL91 ABNA 0417 1643 00",
        "nl20ingb0001234567",
        "BE68539007547034",
        "DE89 3704 0044 0532 0130 00",
        "GB29NWBK60161331926819",
    ],
)
def test_iban_with_a_valid_check_is_redacted(iban):
    assert redacted(f"rekening {iban} op naam van de moeder") == "rekening [IBAN] op naam van de moeder"


def test_iban_with_a_wrong_check_stays():
    assert redacted("rekening NL91ABNA0417164301") == "rekening NL91ABNA0417164301"


@pytest.mark.parametrize(
    "phone",
    [
        "06-12345678",
        "06 1234 5678",
        "0612345678",
        "06 12 34 56 78",
        "06.12345678",
        "020-1234567",
        "(010) 456 78 90",
        "088 123 4567",
        "+31 6 1234 5678",
        "+31 (0)6 12345678",
        "0031 6 12345678",
        "+32 470 12 34 56",
        "+44 20 7946 0958",
    ],
)
def test_phone_numbers_are_redacted(phone):
    assert redacted(f"bel {phone} na drie uur") == "bel [TELEFOON] na drie uur"


@pytest.mark.parametrize("plate", ["12-ABC-3", "AB-123-C", "1-ABC-23", "GB-44-GB", "DRB-12-K", "45GHT7"])
def test_licence_plates_are_redacted(plate):
    assert redacted(f"een auto met kenteken {plate} voor de deur") == "een auto met kenteken [KENTEKEN] voor de deur"


# Redacting text gives expected: (text, expected), by what the case checks.
REDACTED = {
    "address with a house number": [
        ("woont op 1234 AB 12", "woont op [POSTCODE]"),
        ("adres 1234AB, nr 5.", "adres [POSTCODE]."),
        ("Dorpsstraat 12, 1234 AB Utrecht", "[POSTCODE] Utrecht"),
        ("achter de Kerkstraat 41a", "achter de [POSTCODE]"),
        ("postcode 5611 AB, huisnummer 23", "postcode [POSTCODE]"),
    ],
    "date of birth": [
        ("geboren op 3 maart 2011", "geboren op [GEBOORTEDATUM]"),
        ("geb. 03-03-2011", "geb. [GEBOORTEDATUM]"),
        ("geboortedatum 3/3/2011", "geboortedatum [GEBOORTEDATUM]"),
        ("Geboortedatum: 2010-11-23.", "Geboortedatum: [GEBOORTEDATUM]."),
        ("hij is op 14-09-2008 geboren", "hij is op [GEBOORTEDATUM] geboren"),
    ],
    "names": [
        ("mijn leerling Sami zegt", "mijn leerling [NAAM] zegt"),
        ("een jongen genaamd Sven", "een jongen genaamd [NAAM]"),
        ("zijn vader Ahmed belde", "zijn vader [NAAM] belde"),
        ("ik sprak mevrouw De Vries", "ik sprak mevrouw [NAAM]"),
        ("ik sprak meneer van der Berg", "ik sprak meneer [NAAM]"),
        ("ik sprak mw. Yilmaz", "ik sprak mw. [NAAM]"),
        ("cliënt Fatima is 16", "cliënt [NAAM] is 16"),
        ("de jongen heet Noah", "de jongen heet [NAAM]"),
        ("Xander zegt dat het klopt", "[NAAM] zegt dat het klopt"),
        ("mijn leerling sami", "mijn leerling [NAAM]"),
        ("Onze pupil Yassine El Amrani", "Onze pupil [NAAM]"),
        ("Bilal's moeder", "[NAAM]'s moeder"),
        ("Henk en Annemarie, de pleegouders", "[NAAM] en [NAAM], de pleegouders"),
        ("een zekere Abu Hamza", "een zekere [NAAM]"),
        ("gesproken met J. de Vries", "gesproken met [NAAM]"),
        ("ik sprak mevrouw bakker", "ik sprak mevrouw [NAAM]"),  # after a title, in any case
        ("ik sprak meneer de vries", "ik sprak meneer [NAAM]"),
        ("ik sprak Mevrouw jansen", "ik sprak Mevrouw [NAAM]"),
        ("ik sprak mw. yilmaz", "ik sprak mw. [NAAM]"),
    ],
    "detections do not run into each other": [
        # What one detector found is blanked for the next: the plate's "K." is no initial of Sven.
        ("kenteken DRB-12-K. Sven zat erin", "kenteken [KENTEKEN]. [NAAM] zat erin"),
        ("op 14 november. Geboren op 3 maart 2011", "op 14 november. Geboren op [GEBOORTEDATUM]"),
        ("bel [NAAM] op 06-12345678", "bel [NAAM] op [TELEFOON]"),
    ],
}


# Text that is no personal data, however much it looks like it, stays as it is.
KEPT = {
    "fails the 11-proof": ["BSN 123456789", "ordernummer 111222334", "000000000", "123.456.789", "20240312"],
    "service numbers, times, case numbers": [
        "Bel bij acuut gevaar 112.",
        "Politie: 0900-8844",
        "Veilig Thuis is bereikbaar op 0800-2000.",
        "De Advieslijn (070 333 45 58) helpt je verder.",
        "Advieslijn: +31 70 333 45 58",
        "Om 09:30 en om 14.00 uur, met 3 collega's",
        "Dossier 2023-0456, ticket 48213",
    ],
    "postcode without a house number": ["Woont in 1081 HV.", "In 2015 is hij 12 geworden", "groep 7, lokaal 12"],
    "date without a birth cue": ["vorige week 3 maart", "Op 12-05-2024 was er een incident", "geboren in 2009"],
    "looks like a plate": ["de A-12-weg", "klas H4B", "COVID-19", "postcode 1234AB", "code AB1234"],
    "capitalised words, no names": [
        "Mijn leerling zegt dat hij niet wil.",
        "Mag ik dit delen met Veilig Thuis?",
        "Platform JEP en Movisie en de NCTV",
        "Om drie uur komt hij. Elke dag te laat. Dan zegt hij niets.",
        "Beste collega's, Lieve mensen, Kent u dit?",
        "Hij praat over Chad en Stacy en de Ramadan.",
        "de Anne Frank Stichting en de William Schrikker Stichting",
        "Het gezin komt uit Marokko en woont in Den Haag.",
        "Iedereen zegt dat, zijn moeder zegt het ook.",
        "Hij volgt Andrew Tate en draagt Thor Steinar.",
        "meneer van de gemeente belde, mevrouw is boos en de juf zegt niets.",
    ],
}


def by_kind(table: dict) -> list:
    """A test case per entry (a tuple of arguments, or the one argument), named by what it checks and its text."""
    cases = [(kind, case if isinstance(case, tuple) else (case,)) for kind, group in table.items() for case in group]
    return [pytest.param(*case, id=f"{kind}: {case[0]}") for kind, case in cases]


@pytest.mark.parametrize(("text", "expected"), by_kind(REDACTED))
def test_personal_data_is_redacted(text, expected):
    assert redacted(text) == expected


@pytest.mark.parametrize("text", by_kind(KEPT))
def test_what_only_looks_like_personal_data_stays(text):
    assert redacted(text) == text


def test_email_addresses_are_redacted():
    assert redacted("mail fatima.elamrani@gmail.com of INFO@JEUGD-NOORD.NL.") == "mail [EMAIL] of [EMAIL]."


def test_findings_give_type_and_place_only():
    text = "Mijn leerling Sami, bereikbaar op 06-12345678."
    result = redact(text)
    assert result.found == [Finding("NAAM", 14, 18), Finding("TELEFOON", 34, 45)]
    assert all(set(f._fields) == {"type", "start", "end"} for f in result.found)


def test_redacting_twice_changes_nothing():
    for case in load_cases():
        once = redacted(case["text"])
        again = redact(once)
        assert again.text == once
        assert again.found == []


def test_evaluation_meets_the_floors():
    # Just under what is measured on tests/privacy/redaction_cases.yml (1.0 for all but names' recall, 0.99).
    for kind, s in score(load_cases()).items():
        floor = 0.97 if kind in ("NAAM", "overall") else 0.95
        assert s["precision"] >= floor, (kind, s)
        assert s["recall"] >= floor, (kind, s)


def test_redaction_is_fast_enough_for_every_message():
    assert ms_per_message(load_cases(), rounds=2) < 5
