"""How risky a compensation claim looks, and why.

The score (0–100) adds the weights of the signals found, each with the evidence; it is
there for the person who decides. Nothing here approves, denies or delays a claim.

signal               weight                        found when, within 365 days
repeat_customer      20 per earlier claim, max 40  the same customer claimed before
same_address         30, +10 per further, max 40   other customers claimed to the address
same_payment         30, +10 per further, max 40   other customers claimed with the payment
shared_by_accounts   20                            3+ customers' claims share either
high_value           15                            the amount is HIGH_VALUE or more
soon_after_delivery  10                            claimed within 15 min of the delivery

Level: low below 30, medium below 60, high from 60.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

WINDOW = timedelta(days=365)
SOON = timedelta(minutes=15)
HIGH_VALUE = 50_000  # 500.00 in a two-decimal currency
HIGH_VALUE_BY_CURRENCY = {
    "SEK": 500_000,
    "NOK": 500_000,
    "DKK": 400_000,
    "JPY": 80_000,
    "ISK": 80_000,
}
ACCOUNTS_PATTERN = 3


@dataclass(frozen=True)
class ClaimFacts:
    case_id: int
    customer_id: int | None
    claimed_at: datetime
    amount_minor: int | None = None
    currency: str | None = None
    address_key: str | None = None
    payment_key: str | None = None
    delivered_at: datetime | None = None


@dataclass(frozen=True)
class PastClaim:
    case_id: int
    customer_id: int | None
    claimed_at: datetime
    address_key: str | None
    payment_key: str | None


@dataclass(frozen=True)
class Assessment:
    score: int
    level: str
    reasons: list[dict[str, Any]] = field(default_factory=list)


def level_of(score: int) -> str:
    return "low" if score < 30 else "medium" if score < 60 else "high"


def _reason(
    signal: str, weight: int, detail: str, cases: list[int] | None = None
) -> dict[str, Any]:
    found: dict[str, Any] = {"signal": signal, "weight": weight, "detail": detail}
    if cases:
        found["cases"] = cases
    return found


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def assess(claim: ClaimFacts, earlier: list[PastClaim]) -> Assessment:
    window = [
        past
        for past in earlier
        if past.case_id != claim.case_id
        and claim.claimed_at - WINDOW <= past.claimed_at <= claim.claimed_at
    ]
    reasons = []
    own = [
        p for p in window if claim.customer_id is not None and p.customer_id == claim.customer_id
    ]
    if own:
        detail = f"{_plural(len(own), 'earlier claim')} by the same customer within 365 days"
        reasons.append(
            _reason("repeat_customer", min(20 * len(own), 40), detail, [p.case_id for p in own])
        )
    for signal, key, what in (
        ("same_address", "address_key", "address"),
        ("same_payment", "payment_key", "payment"),
    ):
        value = getattr(claim, key)
        others = [
            p
            for p in window
            if value and getattr(p, key) == value and p.customer_id != claim.customer_id
        ]
        if others:
            earlier_claims = _plural(len(others), "earlier claim")
            detail = f"{earlier_claims} by other customers with the same {what} within 365 days"
            weight = min(30 + 10 * (len(others) - 1), 40)
            reasons.append(_reason(signal, weight, detail, [p.case_id for p in others]))
    accounts = _accounts_sharing(claim, window)
    if accounts >= ACCOUNTS_PATTERN:
        detail = f"{accounts} customers' claims share this address or payment"
        reasons.append(_reason("shared_by_accounts", 20, detail))
    threshold = HIGH_VALUE_BY_CURRENCY.get(claim.currency or "", HIGH_VALUE)
    if claim.amount_minor is not None and claim.amount_minor >= threshold:
        reasons.append(
            _reason("high_value", 15, f"the amount is at least {threshold} in minor units")
        )
    if (
        claim.delivered_at is not None
        and timedelta(0) <= claim.claimed_at - claim.delivered_at <= SOON
    ):
        minutes = int((claim.claimed_at - claim.delivered_at).total_seconds() // 60)
        reasons.append(
            _reason("soon_after_delivery", 10, f"claimed {minutes} min after the delivery")
        )
    score = min(sum(int(reason["weight"]) for reason in reasons), 100)
    return Assessment(score, level_of(score), reasons)


def _accounts_sharing(claim: ClaimFacts, window: list[PastClaim]) -> int:
    customers = {
        p.customer_id
        for p in window
        if (claim.address_key and p.address_key == claim.address_key)
        or (claim.payment_key and p.payment_key == claim.payment_key)
    }
    customers.add(claim.customer_id)
    customers.discard(None)
    return len(customers)
