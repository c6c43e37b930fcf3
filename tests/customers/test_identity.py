import pytest

from kokemus.customers.identity import (
    InvalidIdentity,
    normalise_email,
    normalise_id,
    normalise_phone,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Aino.Virtanen@Example.FI", "aino.virtanen@example.fi"),
        ("  aino@example.fi ", "aino@example.fi"),
        ("åsa@exempel.se", "åsa@exempel.se"),
    ],
)
def test_emails_are_normalised(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize("raw", ["", "aino", "aino@", "@example.fi", "a b@example.fi"])
def test_invalid_emails_are_refused(raw: str) -> None:
    with pytest.raises(InvalidIdentity):
        normalise_email(raw)


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("040 123 4567", "FI", "+358401234567"),
        ("+358 40 123 4567", "FI", "+358401234567"),
        ("00358401234567", "FI", "+358401234567"),
        ("070-123 45 67", "SE", "+46701234567"),
        ("+46 70 123 45 67", "FI", "+46701234567"),
        ("+1 650 253 0000", "FI", "+16502530000"),
    ],
)
def test_phones_become_e164(raw: str, region: str, expected: str) -> None:
    assert normalise_phone(raw, region) == expected


@pytest.mark.parametrize("raw", ["12", "not a phone", "+358 1"])
def test_invalid_phones_are_refused(raw: str) -> None:
    with pytest.raises(InvalidIdentity):
        normalise_phone(raw, "FI")


def test_numeric_ids_become_strings_and_bad_ids_are_refused() -> None:
    assert normalise_id(42) == "42"
    assert normalise_id(" C-1 ") == "C-1"
    for bad in (True, None, "", "   ", "x" * 300, {"id": 1}):
        with pytest.raises(InvalidIdentity):
            normalise_id(bad)
