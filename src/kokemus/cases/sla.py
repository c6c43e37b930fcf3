"""SLA clocks: when a case is due, and escalation when a clock runs out.

A case is due `sla` after it opened (or was reopened): the rule's, else the owner unit's
(or the nearest unit above it with one), else DEFAULT_SLA. While it waits on a partner, the
partner has its own clock from its unit's policy (DEFAULT_PARTNER_SLA without one).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.cases.models import OPEN_STATUSES, PRIORITIES, Case, UnitPolicy
from kokemus.journeys.models import Unit

DEFAULT_SLA = timedelta(hours=72)
DEFAULT_PARTNER_SLA = timedelta(hours=48)


def _policies(session: Session) -> dict[int, UnitPolicy]:
    return {policy.unit_id: policy for policy in session.scalars(select(UnitPolicy))}


def _parents(session: Session) -> dict[int, int | None]:
    return dict(session.execute(select(Unit.id, Unit.parent_id)).all())


def unit_sla(session: Session, unit_id: int | None) -> timedelta | None:
    policies, parents = _policies(session), _parents(session)
    seen: set[int] = set()
    while unit_id is not None and unit_id not in seen:
        policy = policies.get(unit_id)
        if policy is not None and policy.sla_minutes:
            return timedelta(minutes=policy.sla_minutes)
        seen.add(unit_id)
        unit_id = parents.get(unit_id)
    return None


def due_at(
    session: Session, start: datetime, unit_id: int | None, rule_minutes: int | None
) -> datetime:
    if rule_minutes:
        return start + timedelta(minutes=rule_minutes)
    return start + (unit_sla(session, unit_id) or DEFAULT_SLA)


def partner_due_at(session: Session, start: datetime, partner_unit_id: int) -> datetime:
    policy = _policies(session).get(partner_unit_id)
    if policy is not None and policy.sla_minutes:
        return start + timedelta(minutes=policy.sla_minutes)
    return start + DEFAULT_PARTNER_SLA


def escalation_unit(session: Session, unit_id: int | None) -> int | None:
    """Who hears of a breach: the unit's escalate_to, else the unit above it."""
    if unit_id is None:
        return None
    policy = _policies(session).get(unit_id)
    if policy is not None and policy.escalate_to_unit_id is not None:
        return policy.escalate_to_unit_id
    return _parents(session).get(unit_id)


def raised(priority: str) -> str:
    position = PRIORITIES.index(priority) if priority in PRIORITIES else 1
    return PRIORITIES[min(position + 1, len(PRIORITIES) - 1)]


@dataclass(frozen=True)
class Breach:
    case: Case
    clock: str  # "sla" (the case's) or "partner" (the partner's while waited on)
    due: datetime
    unit_id: int | None  # the unit whose time ran out


def breaches(session: Session, now: datetime, limit: int = 500) -> list[Breach]:
    """Open cases whose clock has run out and that have not been escalated for it yet."""
    found: list[Breach] = []
    late = session.scalars(
        select(Case)
        .where(
            Case.status.in_(OPEN_STATUSES),
            Case.sla_due_at <= now,
            Case.sla_escalated_at.is_(None),
        )
        .order_by(Case.sla_due_at, Case.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    for case in late:
        assert case.sla_due_at is not None
        found.append(Breach(case, "sla", case.sla_due_at, case.owner_unit_id))
    partner_late = session.scalars(
        select(Case)
        .where(
            Case.status == "waiting_partner",
            Case.partner_due_at <= now,
            Case.partner_escalated_at.is_(None),
        )
        .order_by(Case.partner_due_at, Case.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    for case in partner_late:
        assert case.partner_due_at is not None
        found.append(Breach(case, "partner", case.partner_due_at, case.waiting_unit_id))
    return found
