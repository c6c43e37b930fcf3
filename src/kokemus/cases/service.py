"""What people and rules do to cases. Every change adds a timeline entry and an audit
entry, and tells the webhooks; the caller commits."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from kokemus.accounts.models import User
from kokemus.accounts.scope import can_see_unit
from kokemus.cases import follow_up, root_causes, sla, transitions, views
from kokemus.cases.access import can_see, require_staff, require_writer, visible
from kokemus.cases.context import CaseContext, audit, emit, entry
from kokemus.cases.models import (
    CONTACT_CHANNELS,
    OPEN_STATUSES,
    PRIORITIES,
    RESOLUTIONS,
    Case,
    CaseContact,
    CaseSignal,
)
from kokemus.cases.money import check_currency, to_minor
from kokemus.errors import InvalidInput, NotFound
from kokemus.journeys.models import Touchpoint, Unit

MAX_PAGE = 200
TEXT_CHARS = 5000


def unit_id(session: Session, key: str, field_name: str) -> int:
    found = session.scalar(select(Unit.id).where(Unit.key == key))
    if found is None:
        raise InvalidInput(
            field_name, f"no unit with the key {key!r}", code="no_unit", params={"key": key}
        )
    return found


def _text(value: str | None, field_name: str, *, required: bool = True) -> str | None:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(field_name, "must not be empty", code="empty")
    if len(text) > TEXT_CHARS:
        raise InvalidInput(
            field_name,
            f"must be at most {TEXT_CHARS} characters",
            code="too_long",
            params={"limit": TEXT_CHARS},
        )
    return text or None


# --- reading -----------------------------------------------------------------------------


def get_case(ctx: CaseContext, case_id: int) -> Case:
    case = ctx.session.get(Case, case_id)
    # A case out of scope reads as missing: its existence is not for that viewer.
    if case is None or not can_see(ctx.session, ctx.viewer, case):
        raise NotFound(f"no case {case_id}")
    return case


def show(ctx: CaseContext, case: Case) -> dict[str, Any]:
    if ctx.viewer.is_partner:
        return views.partner_view(ctx.session, case)
    return views.case_view(ctx.session, case)


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    owner_unit: str | None = None
    assignee: str | None = None
    customer_id: int | None = None
    breached: bool | None = None
    after: int = 0
    limit: int = 50
    priority: str | None = None
    open_only: bool = False  # every status but resolved and closed


def list_cases(ctx: CaseContext, filters: Filters) -> list[Case]:
    conditions = [Case.id > filters.after, *_conditions(ctx, filters)]
    query = select(Case).where(*conditions).order_by(Case.id).limit(min(filters.limit, MAX_PAGE))
    return list(ctx.session.scalars(query))


def list_by_due(ctx: CaseContext, filters: Filters, *, offset: int = 0) -> list[Case]:
    """The cases soonest due first, those without a due time last; `after` is not used."""
    query = (
        select(Case)
        .where(*_conditions(ctx, filters))
        .order_by(Case.sla_due_at.is_(None), Case.sla_due_at, Case.id)
        .offset(offset)
        .limit(min(filters.limit, MAX_PAGE))
    )
    return list(ctx.session.scalars(query))


def _conditions(ctx: CaseContext, filters: Filters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    scope = visible(ctx.session, ctx.viewer)
    if scope is not None:
        conditions.append(scope)
    if filters.status is not None:
        conditions.append(Case.status == filters.status)
    if filters.open_only:
        conditions.append(Case.status.in_(OPEN_STATUSES))
    if filters.priority is not None:
        if filters.priority not in PRIORITIES:
            raise InvalidInput("priority", f"must be one of {', '.join(PRIORITIES)}")
        conditions.append(Case.priority == filters.priority)
    if filters.owner_unit is not None:
        conditions.append(
            Case.owner_unit_id == unit_id(ctx.session, filters.owner_unit, "owner_unit")
        )
    if filters.assignee is not None:
        conditions.append(Case.assignee_id == _user(ctx.session, filters.assignee).id)
    if filters.customer_id is not None and not ctx.viewer.is_partner:
        conditions.append(Case.customer_id == filters.customer_id)
    if filters.breached is not None:
        late = Case.sla_due_at <= ctx.now
        open_ = Case.resolved_at.is_(None)
        conditions.append(
            late & open_ if filters.breached else ~(late & open_) | Case.sla_due_at.is_(None)
        )
    return conditions


def exists(session: Session, case_id: int) -> bool:
    """Whether there is such a case at all, whoever may see it (a page says 403, not 404)."""
    return session.get(Case, case_id) is not None


# --- opening -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    reason: str
    priority: str = "normal"
    customer_id: int | None = None
    touchpoint_id: int | None = None
    owner_unit_id: int | None = None
    rule_key: str | None = None
    sla_minutes: int | None = None
    follow_up_survey: str | None = None
    follow_up_minutes: int | None = None
    response_id: int | None = None
    event_id: int | None = None


def create(ctx: CaseContext, opening: Opening) -> Case:
    if opening.priority not in PRIORITIES:
        raise InvalidInput("priority", f"must be one of {', '.join(PRIORITIES)}")
    owner = opening.owner_unit_id
    if owner is None and opening.touchpoint_id is not None:
        owner = ctx.session.scalar(
            select(Touchpoint.owner_unit_id).where(Touchpoint.id == opening.touchpoint_id)
        )
    case = Case(
        status="new",
        priority=opening.priority,
        reason=opening.reason[:300],
        customer_id=opening.customer_id,
        touchpoint_id=opening.touchpoint_id,
        owner_unit_id=owner,
        rule_key=opening.rule_key,
        opened_at=ctx.now,
        updated_at=ctx.now,
        sla_due_at=sla.due_at(ctx.session, ctx.now, owner, opening.sla_minutes),
        escalation_level=0,
        reopen_count=0,
        follow_up_survey_key=opening.follow_up_survey,
        follow_up_delay_minutes=opening.follow_up_minutes,
    )
    ctx.session.add(case)
    ctx.session.flush()
    entry(
        ctx,
        case,
        "opened",
        {"reason": case.reason, "rule": opening.rule_key, "priority": case.priority},
    )
    if opening.response_id is not None or opening.event_id is not None:
        add_signal(ctx, case, opening.response_id, opening.event_id, opening.rule_key, note=False)
    emit(ctx, "case.opened", case)
    return case


def add_signal(
    ctx: CaseContext,
    case: Case,
    response_id: int | None,
    event_id: int | None,
    rule_key: str | None,
    *,
    note: bool = True,
) -> None:
    kind = "response" if response_id is not None else "event"
    ctx.session.add(
        CaseSignal(
            case_id=case.id,
            kind=kind,
            response_id=response_id,
            event_id=event_id,
            rule_key=rule_key,
            added_at=ctx.now,
        )
    )
    if note:
        entry(
            ctx,
            case,
            "signal",
            {"kind": kind, "response_id": response_id, "event_id": event_id, "rule": rule_key},
        )


def open_case(ctx: CaseContext, opening: Opening) -> Case:
    """A case opened by a person or a system through the API or the command line."""
    require_staff(ctx.viewer, "open cases")
    if opening.owner_unit_id is not None and not can_see_unit(
        ctx.session, ctx.viewer, opening.owner_unit_id
    ):
        raise InvalidInput("owner_unit", "is not one of your units", code="not_your_unit")
    case = create(ctx, opening)
    audit(ctx, "case.open", case, {"reason": case.reason})
    return case


# --- changing ----------------------------------------------------------------------------


def _user(session: Session, email: str) -> User:
    found = session.scalar(select(User).where(User.email == email.strip().lower()))
    if found is None or found.disabled_at is not None:
        raise InvalidInput(
            "assignee",
            f"no active user with the email {email.strip()!r}",
            code="no_user",
            params={"email": email.strip()},
        )
    return found


def assign(
    ctx: CaseContext, case: Case, assignee: str | None, owner_unit: str | None = None
) -> None:
    require_staff(ctx.viewer, "assign cases")
    details: dict[str, Any] = {}
    if owner_unit is not None:
        case.owner_unit_id = unit_id(ctx.session, owner_unit, "owner_unit")
        details["owner_unit"] = owner_unit
    if assignee is not None:
        user = _user(ctx.session, assignee) if assignee else None
        case.assignee_id = user.id if user else None
        details["assignee"] = user.email if user else None
    if not details:
        raise InvalidInput("assignee", "name an assignee (empty to unassign) or an owner unit")
    entry(ctx, case, "assigned", details)
    audit(ctx, "case.assign", case, details)


def set_priority(ctx: CaseContext, case: Case, priority: str) -> None:
    require_staff(ctx.viewer, "change a case's priority")
    if priority not in PRIORITIES:
        raise InvalidInput("priority", f"must be one of {', '.join(PRIORITIES)}")
    if priority != case.priority:
        entry(ctx, case, "priority", {"from": case.priority, "to": priority})
        case.priority = priority


def transition(
    ctx: CaseContext,
    case: Case,
    target: str,
    *,
    note: str | None = None,
    waiting_unit: str | None = None,
) -> None:
    require_writer(ctx.viewer, "change a case's status")
    note = _text(note, "note", required=False)
    partner_id = unit_id(ctx.session, waiting_unit, "waiting_unit") if waiting_unit else None
    if partner_id is None and target == "waiting_partner":
        partner_id = _partner_owner(ctx.session, case)
    if (
        partner_id is not None
        and ctx.session.scalar(select(Unit.kind).where(Unit.id == partner_id)) != "partner"
    ):
        raise InvalidInput(
            "waiting_unit",
            f"{waiting_unit!r} is not a partner unit",
            code="not_partner",
            params={"key": waiting_unit},
        )
    facts = transitions.Facts(
        partner_unit=partner_id is not None,
        customer_informed=bool(views.contacts(ctx.session, case.id)),
        root_cause=case.root_cause_key is not None,
        resolution=case.resolution is not None,
        note=note is not None,
        by_partner=ctx.viewer.is_partner,
    )
    current = case.status
    transitions.check(current, target, facts)
    _leave(case, current)
    _enter(ctx, case, target, partner_id)
    case.status = target
    details: dict[str, Any] = {"from": current, "to": target, "note": note}
    if partner_id is not None and target == "waiting_partner":
        details["waiting_unit"] = ctx.session.scalar(select(Unit.key).where(Unit.id == partner_id))
    entry(ctx, case, "status", details)
    audit(ctx, "case.transition", case, {"from": current, "to": target})
    emit(ctx, "case.resolved" if target == "resolved" else "case.status_changed", case)
    if target == "resolved":
        follow_up.schedule(ctx, case)


def _partner_owner(session: Session, case: Case) -> int | None:
    """A case owned by a partner waits on that partner unless told otherwise."""
    if case.owner_unit_id is None:
        return None
    kind = session.scalar(select(Unit.kind).where(Unit.id == case.owner_unit_id))
    return case.owner_unit_id if kind == "partner" else None


def _leave(case: Case, current: str) -> None:
    if current == "waiting_partner":
        case.partner_due_at = None
        case.partner_escalated_at = None


def _enter(ctx: CaseContext, case: Case, target: str, partner_id: int | None) -> None:
    match target:
        case "waiting_partner":
            assert partner_id is not None
            case.waiting_unit_id = partner_id
            case.partner_due_at = sla.partner_due_at(ctx.session, ctx.now, partner_id)
            case.partner_escalated_at = None
        case "resolved":
            case.resolved_at = ctx.now
        case "closed":
            case.closed_at = ctx.now
        case "reopened":
            case.reopen_count += 1
            case.resolved_at = case.closed_at = None
            case.sla_due_at = sla.due_at(ctx.session, ctx.now, case.owner_unit_id, None)
            case.sla_escalated_at = None
        case _:
            pass


def set_root_cause(ctx: CaseContext, case: Case, key: str, note: str | None = None) -> None:
    """Staff, and the partner the case waits on (it knows what happened on its side)."""
    require_writer(ctx.viewer, "record a root cause")
    root_causes.check_key(ctx.session, key)
    case.root_cause_key = key
    case.root_cause_note = _text(note, "note", required=False)
    entry(ctx, case, "root_cause", {"key": key, "note": case.root_cause_note})
    audit(ctx, "case.root_cause", case, {"key": key})


def record_resolution(
    ctx: CaseContext,
    case: Case,
    kind: str,
    *,
    note: str | None = None,
    amount: str | None = None,
    currency: str | None = None,
) -> None:
    require_staff(ctx.viewer, "record a resolution")
    if kind not in RESOLUTIONS:
        raise InvalidInput("kind", f"must be one of {', '.join(RESOLUTIONS)}")
    minor, code = None, None
    if amount is not None or currency is not None:
        if amount is None or currency is None:
            raise InvalidInput(
                "amount" if amount is None else "currency",
                "an amount needs its currency",
                code="amount_and_currency",
            )
        code = check_currency(currency)
        minor = to_minor(amount, code)
    elif kind in ("compensation", "refund"):
        raise InvalidInput(
            "amount",
            f"a {kind} needs an amount and a currency",
            code="needs_amount",
            params={"kind": kind},
        )
    case.resolution, case.resolution_note = kind, _text(note, "note", required=False)
    case.compensation_minor, case.compensation_currency = minor, code
    details = {"kind": kind, "amount": amount, "currency": code, "note": case.resolution_note}
    entry(ctx, case, "resolution", details)
    audit(ctx, "case.resolution", case, details)


def log_contact(
    ctx: CaseContext,
    case: Case,
    *,
    channel: str,
    what_happened: str,
    why: str,
    contacted_at: datetime | None = None,
) -> CaseContact:
    require_staff(ctx.viewer, "log contacts with the customer")
    if channel not in CONTACT_CHANNELS:
        raise InvalidInput("channel", f"must be one of {', '.join(CONTACT_CHANNELS)}")
    when = contacted_at or ctx.now
    if when.tzinfo is None:
        raise InvalidInput("contacted_at", "needs a time zone")
    if when > ctx.now:
        raise InvalidInput("contacted_at", "is in the future", code="in_future")
    contact = CaseContact(
        case_id=case.id,
        contacted_at=when,
        channel=channel,
        what_happened=_text(what_happened, "what_happened"),
        why=_text(why, "why"),
        actor=ctx.viewer.label[:200],
        user_id=ctx.viewer.user_id,
        recorded_at=ctx.now,
    )
    ctx.session.add(contact)
    if case.customer_informed_at is None or when < case.customer_informed_at:
        case.customer_informed_at = when
    entry(ctx, case, "contact", {"channel": channel, "contacted_at": when.isoformat()})
    audit(ctx, "case.contact", case, {"channel": channel})
    return contact


def add_note(ctx: CaseContext, case: Case, text: str) -> None:
    require_writer(ctx.viewer, "add notes")
    kind = "partner_note" if ctx.viewer.is_partner else "note"
    entry(ctx, case, kind, {"text": _text(text, "text")})
