"""Amounts in a currency's minor unit (cents), so sums are exact on both stores."""

import re
from decimal import Decimal, InvalidOperation

from kokemus.errors import InvalidInput

# ISO 4217 currencies without a minor unit; three-decimal ones are too rare here to list.
ZERO_DECIMAL = frozenset(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF",
                          "UGX", "VND", "VUV", "XAF", "XOF", "XPF"))  # fmt: skip
CURRENCY = re.compile(r"^[A-Z]{3}$")
LARGEST = 10**12


def exponent(currency: str) -> int:
    return 0 if currency in ZERO_DECIMAL else 2


def check_currency(currency: str, field: str = "currency") -> str:
    code = currency.strip().upper()
    if not CURRENCY.match(code):
        raise InvalidInput(
            field, "must be a three-letter ISO 4217 code such as EUR", code="bad_currency"
        )
    return code


def to_minor(amount: str | int | float | Decimal, currency: str, field: str = "amount") -> int:
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation:
        raise InvalidInput(field, f"{amount!r} is not an amount", code="not_amount") from None
    if not value.is_finite() or value < 0:
        raise InvalidInput(field, "must be a number of zero or more", code="not_amount")
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        places = exponent(currency)
        raise InvalidInput(
            field,
            f"{currency} amounts have at most {places} decimals",
            code="decimals",
            params={"currency": currency, "places": places},
        )
    if scaled > LARGEST:
        raise InvalidInput(field, "is too large", code="too_large")
    return int(scaled)


def to_text(minor: int, currency: str) -> str:
    places = exponent(currency)
    return f"{Decimal(minor).scaleb(-places):.{places}f}"
