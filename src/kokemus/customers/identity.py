"""Normalising the ways a customer is known, so the same person gives the same key."""

from functools import lru_cache
from typing import NamedTuple

import phonenumbers
from email_validator import EmailNotValidError, validate_email

MAX_ID_LENGTH = 255


class InvalidIdentity(ValueError):
    pass


class IdentityKey(NamedTuple):
    kind: str
    scope: int
    value: str


@lru_cache(maxsize=200_000)
def normalise_email(raw: str) -> str:
    try:
        checked = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidIdentity(f"not a valid email address: {error}") from None
    # Mailboxes are case-insensitive in practice; treating them so is what merges people.
    return checked.normalized.lower()


@lru_cache(maxsize=200_000)
def normalise_phone(raw: str, region: str = "FI") -> str:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidIdentity(f"not a phone number: {error}") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentity("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_id(raw: object) -> str:
    """Segment ids may be strings or numbers; both become trimmed strings."""
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise InvalidIdentity("must be a string or a number")
    value = str(raw).strip()
    if not value:
        raise InvalidIdentity("must not be empty")
    if len(value) > MAX_ID_LENGTH:
        raise InvalidIdentity(f"longer than {MAX_ID_LENGTH} characters")
    return value
