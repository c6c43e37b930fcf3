"""Survey invitations the loop sends: after a case is resolved, or as a rule's action.

They are ordinary invitations, sent by the survey scheduler with its retries and quiet
handling; what is decided here is whom, which survey and when.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.cases.context import CaseContext, entry
from kokemus.cases.models import Case
from kokemus.customers.models import Customer, Identity
from kokemus.surveys.invitations import invitation_language, unsent_token_hash
from kokemus.surveys.models import Invitation, Survey
from kokemus.surveys.service import published_definition

DEFAULT_DELAY = timedelta(days=1)


def live_customer(session: Session, customer_id: int) -> Customer | None:
    """The customer, or the one it was merged into (followed to the end)."""
    seen: set[int] = set()
    customer = session.get(Customer, customer_id)
    while customer is not None and customer.merged_into_id is not None and customer.id not in seen:
        seen.add(customer.id)
        customer = session.get(Customer, customer.merged_into_id)
    return customer


def customer_email(session: Session, customer_id: int) -> str | None:
    return session.scalar(
        select(Identity.value)
        .where(Identity.customer_id == customer_id, Identity.kind == "email")
        .order_by(Identity.first_seen_at.desc(), Identity.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Skipped:
    reason: str


def invite(
    session: Session,
    survey_key: str,
    customer_id: int | None,
    send_at: datetime,
    unit_id: int | None,
    now: datetime,
) -> Invitation | Skipped:
    survey = session.scalar(select(Survey).where(Survey.key == survey_key))
    if survey is None or survey.status != "published":
        return Skipped(f"the survey {survey_key!r} is not published")
    if survey.kind != "customer":
        return Skipped(f"the survey {survey_key!r} is not for customers")
    customer = live_customer(session, customer_id) if customer_id is not None else None
    if customer is None:
        return Skipped("the case has no customer")
    email = customer_email(session, customer.id)
    if email is None:
        return Skipped("the customer has no email address")
    languages = list(published_definition(session, survey).languages)
    invitation = Invitation(
        survey_id=survey.id,
        token_hash=unsent_token_hash(),
        status="scheduled",
        customer_id=customer.id,
        email=email,
        language=invitation_language(customer.traits or {}, languages),
        touchpoint_id=survey.touchpoint_id,
        unit_id=unit_id,
        send_at=send_at,
        attempts=0,
        created_at=now,
    )
    session.add(invitation)
    session.flush()
    return invitation


def schedule(ctx: CaseContext, case: Case) -> None:
    """Invite the customer to the case's follow-up survey, once, after it is resolved."""
    if case.follow_up_survey_key is None or case.follow_up_invitation_id is not None:
        return
    delay = timedelta(minutes=case.follow_up_delay_minutes or 0) or DEFAULT_DELAY
    found = invite(
        ctx.session,
        case.follow_up_survey_key,
        case.customer_id,
        ctx.now + delay,
        case.owner_unit_id,
        ctx.now,
    )
    if isinstance(found, Skipped):
        entry(
            ctx, case, "follow_up", {"survey": case.follow_up_survey_key, "skipped": found.reason}
        )
        return
    case.follow_up_invitation_id = found.id
    details = {
        "survey": case.follow_up_survey_key,
        "send_at": found.send_at.isoformat(),
        "invitation_id": found.id,
    }
    entry(ctx, case, "follow_up", details)
