"""Normalising the ways a customer is known, so the same person gives the same key."""

import re
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email

MAX_ID_LENGTH = 255


class InvalidIdentity(ValueError):
    pass


# (kind, scope, value): a plain tuple, because intake builds millions of them.
IdentityKey = tuple[str, int, str]


# Ordinary ASCII addresses: checked here in a microsecond. Anything else (international
# names, quoted local parts) goes to email-validator, which is thorough but ~100x slower.
PLAIN_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)


@lru_cache(maxsize=200_000)
def normalise_email(raw: str) -> str:
    candidate = raw.strip().lower()
    if len(candidate) <= 254 and PLAIN_EMAIL.fullmatch(candidate):
        return candidate
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
