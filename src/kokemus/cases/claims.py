"""Compensation claims on cases: what is known of the order, and its risk assessed.

What the claim concerns comes from what was given, else from the customer's own order and
delivery events before the claim (Segment's e-commerce names: order_id, total/revenue,
currency; an address in properties or context.traits; a payment fingerprint).
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kokemus.cases.claim_risk import ClaimFacts, PastClaim, assess
from kokemus.cases.context import CaseContext, audit, entry
from kokemus.cases.models import Case, CaseClaim
from kokemus.cases.money import check_currency, to_minor
from kokemus.customers.models import Identity
from kokemus.ingest.models import Event

ORDER_EVENTS = ("Order Completed", "Order Delivered", "Delivery Damaged", "Claim Submitted")
DELIVERY_EVENTS = ("Order Delivered",)
ADDRESS_PROPERTIES = ("shipping_address", "delivery_address", "address")
ADDRESS_PARTS = ("street", "line1", "line2", "address", "postalCode", "postal_code", "zip", "city")
PAYMENT_PROPERTIES = ("payment_fingerprint", "card_fingerprint", "payment_method_id", "payment_id")
AMOUNT_PROPERTIES = ("total", "revenue", "value", "amount")
EVENT_LOOKBACK = 50


@dataclass(frozen=True)
class ClaimInput:
    amount: str | None = None
    currency: str | None = None
    order_ref: str | None = None
    address: str | dict[str, Any] | None = None
    payment: str | None = None
    delivered_at: datetime | None = None
    claimed_at: datetime | None = None


def _key(kind: str, text: str) -> str:
    return hashlib.blake2b(f"{kind}:{text}".encode(), digest_size=16).hexdigest()


def address_key(address: str | dict[str, Any] | None) -> str | None:
    """The same address however it is written: case, spacing and punctuation aside."""
    if isinstance(address, dict):
        address = " ".join(str(address[part]) for part in ADDRESS_PARTS if address.get(part))
    if not isinstance(address, str):
        return None
    normal = re.sub(r"[^\w]+", " ", address.casefold()).strip()
    return _key("address", normal) if normal else None


def payment_key(payment: str | None) -> str | None:
    normal = (payment or "").strip().casefold()
    return _key("payment", normal) if normal else None


def _first(values: dict[str, Any], names: tuple[str, ...]) -> Any:
    return next((values[name] for name in names if values.get(name) not in (None, "")), None)


def from_events(session: Session, customer_id: int | None, before: datetime) -> ClaimInput:
    """What the customer's latest order and delivery events say about the claim."""
    if customer_id is None:
        return ClaimInput()
    rows = session.execute(
        select(Event.name, Event.occurred_at, Event.properties, Event.context)
        .join(Identity, Identity.id == Event.identity_id)
        .where(
            Identity.customer_id == customer_id,
            Event.name.in_(ORDER_EVENTS),
            Event.occurred_at <= before,
        )
        .order_by(Event.occurred_at.desc(), Event.id.desc())
        .limit(EVENT_LOOKBACK)
    )
    found: dict[str, Any] = {}
    for name, occurred_at, properties, context in rows:
        props = properties if isinstance(properties, dict) else {}
        traits = (context or {}).get("traits") if isinstance(context, dict) else None
        candidates = {
            "order_ref": _first(props, ("order_id", "orderId")),
            "amount": _first(props, AMOUNT_PROPERTIES),
            "currency": props.get("currency")
            if _first(props, AMOUNT_PROPERTIES) is not None
            else None,
            "address": _first(props, ADDRESS_PROPERTIES)
            or (traits.get("address") if isinstance(traits, dict) else None),
            "payment": _first(props, PAYMENT_PROPERTIES),
            "delivered_at": occurred_at if name in DELIVERY_EVENTS else None,
        }
        for field_name, value in candidates.items():
            if value is not None:
                found.setdefault(field_name, value)
    if found.get("amount") is not None and found.get("currency") is None:
        found.pop("amount")
    return ClaimInput(
        amount=str(found["amount"]) if "amount" in found else None,
        currency=str(found["currency"]) if "currency" in found else None,
        order_ref=str(found["order_ref"])[:200] if "order_ref" in found else None,
        address=found.get("address"),
        payment=str(found["payment"]) if "payment" in found else None,
        delivered_at=found.get("delivered_at"),
    )


def _merged(given: ClaimInput, known: ClaimInput) -> ClaimInput:
    return ClaimInput(**{
        name: getattr(given, name) if getattr(given, name) is not None else getattr(known, name)
        for name in ClaimInput.__dataclass_fields__
    })  # fmt: skip


def record_claim(ctx: CaseContext, case: Case, given: ClaimInput | None = None) -> CaseClaim:
    """The case's claim (made or brought up to date) and its risk, assessed now."""
    claimed_at = (given.claimed_at if given else None) or ctx.now
    facts = _merged(given or ClaimInput(), from_events(ctx.session, case.customer_id, claimed_at))
    currency = check_currency(facts.currency) if facts.currency else None
    amount = to_minor(facts.amount, currency) if facts.amount is not None and currency else None
    claim = ctx.session.scalar(select(CaseClaim).where(CaseClaim.case_id == case.id))
    if claim is None:
        claim = CaseClaim(case_id=case.id, claimed_at=claimed_at)
        ctx.session.add(claim)
    claim.customer_id = case.customer_id
    claim.amount_minor, claim.currency = amount, currency
    claim.order_ref = facts.order_ref
    claim.address_key = address_key(facts.address) or claim.address_key
    claim.payment_key = payment_key(facts.payment) or claim.payment_key
    claim.delivered_at = facts.delivered_at
    ctx.session.flush()
    assessment = assess(_facts(claim), _earlier(ctx.session, claim))
    claim.risk_score, claim.risk_level = assessment.score, assessment.level
    claim.risk_reasons, claim.assessed_at = assessment.reasons, ctx.now
    signals = [reason["signal"] for reason in assessment.reasons]
    entry(
        ctx,
        case,
        "claim",
        {"risk_score": assessment.score, "risk_level": assessment.level, "signals": signals},
    )
    audit(ctx, "case.claim", case, {"risk_score": assessment.score, "signals": signals})
    return claim


def _facts(claim: CaseClaim) -> ClaimFacts:
    return ClaimFacts(
        case_id=claim.case_id,
        customer_id=claim.customer_id,
        claimed_at=claim.claimed_at,
        amount_minor=claim.amount_minor,
        currency=claim.currency,
        address_key=claim.address_key,
        payment_key=claim.payment_key,
        delivered_at=claim.delivered_at,
    )


def _earlier(session: Session, claim: CaseClaim) -> list[PastClaim]:
    related = []
    if claim.customer_id is not None:
        related.append(CaseClaim.customer_id == claim.customer_id)
    if claim.address_key:
        related.append(CaseClaim.address_key == claim.address_key)
    if claim.payment_key:
        related.append(CaseClaim.payment_key == claim.payment_key)
    if not related:
        return []
    rows = session.execute(
        select(
            CaseClaim.case_id,
            CaseClaim.customer_id,
            CaseClaim.claimed_at,
            CaseClaim.address_key,
            CaseClaim.payment_key,
        )
        .where(or_(*related), CaseClaim.id != claim.id)
        .order_by(CaseClaim.claimed_at)
    )
    return [PastClaim(*row) for row in rows]
