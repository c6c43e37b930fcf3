import pytest

from kokemus.text.pii import PiiSpan, find_pii, redact


def found(text: str, lang: str = "fi") -> list[tuple[str, str]]:
    return [(text[span.start : span.end], span.type) for span in find_pii(text, lang)]


def test_email() -> None:
    assert found("Vastatkaa osoitteeseen hanna.m.virtanen@gmail.com kiitos") == [
        ("hanna.m.virtanen@gmail.com", "email")
    ]


def test_finnish_identity_code_needs_a_valid_checksum() -> None:
    assert found("Mun hetu on 250679-372B.") == [("250679-372B", "hetu")]
    assert found("Pojan tunnus 030406A062P, miten?") == [("030406A062P", "hetu")]
    assert found("Mun hetu on 250679-372C.") == []


def test_iban_needs_a_valid_checksum() -> None:
    assert found("Tilille FI22 4590 1092 8159 07, kiitos") == [("FI22 4590 1092 8159 07", "iban")]
    assert found("Tilille FI2245901092815907.") == [("FI2245901092815907", "iban")]
    assert found("Tilille FI23 4590 1092 8159 07, kiitos") == []


def test_payment_card_needs_a_valid_luhn_digit() -> None:
    assert found("Kortti 4111 1111 1111 1111 veloitettiin") == [("4111 1111 1111 1111", "card")]
    assert found("Kortti 4111 1111 1111 1112 veloitettiin") == []


def test_swedish_personnummer() -> None:
    assert found("Mitt personnummer är 811218-9876.", "sv") == [("811218-9876", "personnummer")]
    assert found("Personnummer 19811218-9876", "sv") == [("19811218-9876", "personnummer")]
    assert found("Mitt personnummer är 811218-9875.", "sv") == []


@pytest.mark.parametrize(
    ("text", "lang", "phone"),
    [
        ("Soittakaa 040-7812345 jos ovi ei aukea.", "fi", "040-7812345"),
        ("Numeroni on 050 364 8812, soittakaa.", "fi", "050 364 8812"),
        ("Kuski soitti numerosta +358 44 721 0093 ja", "fi", "+358 44 721 0093"),
        ("Ring mig på 070-123 45 67 i morgon.", "sv", "070-123 45 67"),
        ("Ring mig på 040 661 2093, tack.", "sv", "040 661 2093"),
        ("Call me on +44 20 7946 0958 please.", "en", "+44 20 7946 0958"),
    ],
)
def test_phone_numbers(text: str, lang: str, phone: str) -> None:
    assert found(text, lang) == [(phone, "phone")]


def test_order_numbers_prices_and_times_are_not_phones() -> None:
    assert found("Tilaus 55102 on yhä auki, maksoin 14,90 € klo 18.") == []
    assert found("Please call me back, reference 77812.", "en") == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "Jättäkää paketti osoitteeseen Koivukuja 4 B 12, 02760 Espoo. Kiitos",
            "Koivukuja 4 B 12, 02760 Espoo",
        ),
        ("Asun osoitteessa Kalevankatu 22 C 41, ja katuvalo", "Kalevankatu 22 C 41"),
        ("ny fakturaadress är Storgatan 12 B 7, 65100 Vasa.", "Storgatan 12 B 7, 65100 Vasa"),
        ("Deliver to 221 Baker Street please", "221 Baker Street"),
    ],
)
def test_street_addresses(text: str, address: str) -> None:
    assert (address, "address") in found(text)


def test_person_names_including_finnish_inflection() -> None:
    assert found("Kiitos Sirpalle ja Markulle avusta!") == [
        ("Sirpalle", "name"),
        ("Markulle", "name"),
    ]
    assert found("Tilasin nimellä Jari Mäkelä eilen") == [("Jari Mäkelä", "name")]
    assert found("Pöytävaraus nimellä Virtanen klo 18") == [("Virtanen", "name")]


def test_common_words_are_not_names() -> None:
    assert found("Sama työmäärä kuin ennen, mutta kaksi ihmistä vähemmän.") == []


def test_checksummed_identifier_wins_over_a_phone_reading() -> None:
    text = "Tilille FI53 8029 7299 7528 86 kiitos"
    assert [span.type for span in find_pii(text)] == ["iban"]


def test_redact_replaces_each_span_with_its_type() -> None:
    text = "Mail a@b.fi tai soita 040-7812345"
    spans = find_pii(text)
    assert redact(text, spans) == "Mail [EMAIL] tai soita [PHONE]"
    assert redact("abc", [PiiSpan(0, 1, "name")]) == "[NAME]bc"


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("Soita 00358 40 123 4567 kiitos", "00358 40 123 4567", "phone"),
        ("tel. +358 (0)40 123 4567", "+358 (0)40 123 4567", "phone"),
        ("Soittakaa (040 123 4567) iltaisin", "040 123 4567", "phone"),
        ("iban fi22 4590 1092 8159 07", "fi22 4590 1092 8159 07", "iban"),
        ("hetu 041093-187n", "041093-187n", "hetu"),
    ],
)
def test_less_tidy_formats(text: str, value: str, kind: str) -> None:
    assert found(text) == [(value, kind)]


def test_number_valid_as_hetu_and_personnummer_follows_the_language() -> None:
    assert found("Nummer 120605-5996", "sv") == [("120605-5996", "personnummer")]
    assert found("Numero 120605-5996", "fi") == [("120605-5996", "hetu")]


def test_international_phone_is_not_read_as_a_personnummer() -> None:
    assert found("Ring +358502130282 tack", "sv") == [("+358502130282", "phone")]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("asun Tuusulantie 5 as 3, Järvenpää", "Tuusulantie 5 as 3"),
        ("Pohjoisesplanadi 11-13 on toimisto", "Pohjoisesplanadi 11-13"),
        ("Storgatan 12 lgh 1102", "Storgatan 12 lgh 1102"),
    ],
)
def test_apartment_numbers_and_ranges_belong_to_the_address(text: str, address: str) -> None:
    assert found(text) == [(address, "address")]


def test_mobile_number_in_an_unopened_range_is_still_a_phone() -> None:
    assert found("Soita 049 700 0000 kiitos") == [("049 700 0000", "phone")]
