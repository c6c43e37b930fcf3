"""Cases as the API, the command line and webhooks show them.

`case_view` is for staff. `partner_view` is what a partner needs to act: the problem, the
order it concerns and the customer's words with personal details redacted; never who the
customer is, their other signals, the contact log, compensation or the claim's risk.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.accounts.models import User
from kokemus.cases.models import (
    AlertRule,
    Case,
    CaseClaim,
    CaseContact,
    CaseEntry,
    CaseSignal,
    RootCause,
)
from kokemus.cases.money import to_text
from kokemus.cases.transitions import allowed_targets
from kokemus.enrich.models import TextAnalysisRecord
from kokemus.ingest.models import Event
from kokemus.journeys.models import Touchpoint, Unit
from kokemus.store.base import utcnow
from kokemus.surveys.models import Answer, Invitation, Response, Survey

PARTNER_ENTRY_KINDS = ("opened", "status", "root_cause", "partner_note")
ORDER_PROPERTIES = ("order_id", "orderId", "order", "shipment_id", "tracking_number")


def _unit_keys(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Unit.id, Unit.key)).all())


def _touchpoint_key(session: Session, touchpoint_id: int | None) -> str | None:
    if touchpoint_id is None:
        return None
    return session.scalar(select(Touchpoint.key).where(Touchpoint.id == touchpoint_id))


def summary(session: Session, case: Case, units: dict[int, str] | None = None) -> dict[str, Any]:
    units = units if units is not None else _unit_keys(session)
    return {
        "id": case.id,
        "status": case.status,
        "priority": case.priority,
        "reason": case.reason,
        "owner_unit": units.get(case.owner_unit_id or 0),
        "waiting_unit": units.get(case.waiting_unit_id or 0),
        "opened_at": case.opened_at,
        "sla_due_at": case.sla_due_at,
        "breached": _breached(case),
    }


def _breached(case: Case) -> bool:
    if case.resolved_at is not None or case.sla_due_at is None:
        return False
    return case.sla_due_at <= utcnow()


def case_view(session: Session, case: Case) -> dict[str, Any]:
    units = _unit_keys(session)
    assignee = session.get(User, case.assignee_id) if case.assignee_id else None
    cause = _root_cause(session, case)
    view = summary(session, case, units) | {
        "allowed_transitions": allowed_targets(case.status),
        "rule": case.rule_key,
        "customer_id": case.customer_id,
        "touchpoint": _touchpoint_key(session, case.touchpoint_id),
        "assignee": assignee.email if assignee else None,
        "updated_at": case.updated_at,
        "sla": {
            "due_at": case.sla_due_at,
            "escalated_at": case.sla_escalated_at,
            "partner_due_at": case.partner_due_at,
            "partner_escalated_at": case.partner_escalated_at,
            "escalation_level": case.escalation_level,
        },
        "root_cause": cause,
        "resolution": _resolution(case),
        "customer_informed_at": case.customer_informed_at,
        "resolved_at": case.resolved_at,
        "closed_at": case.closed_at,
        "reopen_count": case.reopen_count,
        "follow_up": _follow_up(session, case),
        "claim": claim_view(session, case.id),
        "signals": [_signal(session, signal) for signal in signals(session, case.id)],
        "contacts": [_contact(contact) for contact in contacts(session, case.id)],
        "timeline": [_entry(entry) for entry in timeline(session, case.id)],
    }
    return view


def partner_view(session: Session, case: Case) -> dict[str, Any]:
    found = signals(session, case.id)
    words = [text for signal in found for text in _texts(session, signal)]
    order, delivered = _order(session, case.id, found)
    can_hand_back = case.status == "waiting_partner"
    return summary(session, case) | {
        "allowed_transitions": ["investigating"] if can_hand_back else [],
        "touchpoint": _touchpoint_key(session, case.touchpoint_id),
        "partner_due_at": case.partner_due_at,
        "root_cause": _root_cause(session, case),
        "order": order,
        "delivered_at": delivered,
        "feedback": [{"text": t["redacted"], "themes": t["themes"]} for t in words],
        "timeline": [
            _entry(entry, with_actor=False)
            for entry in timeline(session, case.id)
            if entry.kind in PARTNER_ENTRY_KINDS
        ],
    }


def _root_cause(session: Session, case: Case) -> dict[str, Any] | None:
    if case.root_cause_key is None:
        return None
    found = session.scalar(select(RootCause).where(RootCause.key == case.root_cause_key))
    return {
        "key": case.root_cause_key,
        "names": found.names if found else {},
        "note": case.root_cause_note,
    }


def _resolution(case: Case) -> dict[str, Any] | None:
    if case.resolution is None:
        return None
    compensation = None
    if case.compensation_minor is not None and case.compensation_currency:
        amount = to_text(case.compensation_minor, case.compensation_currency)
        compensation = {"amount": amount, "currency": case.compensation_currency}
    return {"kind": case.resolution, "note": case.resolution_note, "compensation": compensation}


def _follow_up(session: Session, case: Case) -> dict[str, Any] | None:
    if case.follow_up_survey_key is None:
        return None
    invitation = (
        session.get(Invitation, case.follow_up_invitation_id)
        if case.follow_up_invitation_id
        else None
    )
    return {
        "survey": case.follow_up_survey_key,
        "after_minutes": case.follow_up_delay_minutes,
        "invitation_id": invitation.id if invitation else None,
        "invitation_status": invitation.status if invitation else None,
    }


def claim_view(session: Session, case_id: int) -> dict[str, Any] | None:
    claim = session.scalar(select(CaseClaim).where(CaseClaim.case_id == case_id))
    if claim is None:
        return None
    amount = (
        to_text(claim.amount_minor, claim.currency)
        if claim.amount_minor is not None and claim.currency
        else None
    )
    return {
        "amount": amount,
        "currency": claim.currency,
        "order": claim.order_ref,
        "delivered_at": claim.delivered_at,
        "claimed_at": claim.claimed_at,
        "risk": {
            "score": claim.risk_score,
            "level": claim.risk_level,
            "reasons": claim.risk_reasons,
            "assessed_at": claim.assessed_at,
            "note": "informs a person; it never decides the claim",
        },
    }


def signals(session: Session, case_id: int) -> list[CaseSignal]:
    query = select(CaseSignal).where(CaseSignal.case_id == case_id).order_by(CaseSignal.id)
    return list(session.scalars(query))


def contacts(session: Session, case_id: int) -> list[CaseContact]:
    query = select(CaseContact).where(CaseContact.case_id == case_id)
    return list(session.scalars(query.order_by(CaseContact.contacted_at, CaseContact.id)))


def timeline(session: Session, case_id: int) -> list[CaseEntry]:
    query = select(CaseEntry).where(CaseEntry.case_id == case_id).order_by(CaseEntry.id)
    return list(session.scalars(query))


def _signal(session: Session, signal: CaseSignal) -> dict[str, Any]:
    view: dict[str, Any] = {
        "kind": signal.kind,
        "rule": signal.rule_key,
        "added_at": signal.added_at,
        "response_id": signal.response_id,
        "event_id": signal.event_id,
    }
    if signal.response_id is not None:
        response = session.get(Response, signal.response_id)
        if response is not None:
            survey = session.get(Survey, response.survey_id)
            view["survey"] = survey.key if survey else None
            view["submitted_at"] = response.submitted_at
            view["scores"] = _scores(session, response.id)
        view["texts"] = _texts(session, signal)
    if signal.event_id is not None:
        event = session.get(Event, signal.event_id)
        if event is not None:
            view["event"] = {"name": event.name, "occurred_at": event.occurred_at}
            view["properties"] = event.properties
    return view


def _scores(session: Session, response_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Answer.question_key, Answer.question_type, Answer.number)
        .where(
            Answer.response_id == response_id,
            Answer.question_type.in_(("rating", "nps", "ces", "expectation")),
        )
        .order_by(Answer.id)
    )
    return [{"question": key, "type": kind, "value": number} for key, kind, number in rows]


def _texts(session: Session, signal: CaseSignal) -> list[dict[str, Any]]:
    if signal.response_id is not None:
        condition = TextAnalysisRecord.response_id == signal.response_id
    elif signal.event_id is not None:
        condition = TextAnalysisRecord.event_id == signal.event_id
    else:
        return []
    records = session.scalars(
        select(TextAnalysisRecord).where(condition).order_by(TextAnalysisRecord.id)
    )
    return [
        {
            "redacted": r.redacted,
            "sentiment": r.sentiment,
            "themes": r.themes,
            "language": r.language,
        }
        for r in records
    ]


def _order(session: Session, case_id: int, found: list[CaseSignal]) -> tuple[str | None, Any]:
    claim = session.scalar(select(CaseClaim).where(CaseClaim.case_id == case_id))
    if claim is not None and (claim.order_ref or claim.delivered_at):
        return claim.order_ref, claim.delivered_at
    for signal in found:
        event_id = signal.event_id
        if event_id is None and signal.response_id is not None:
            event_id = session.scalar(
                select(Response.event_id).where(Response.id == signal.response_id)
            )
        event = session.get(Event, event_id) if event_id else None
        if event is not None and isinstance(event.properties, dict):
            for name in ORDER_PROPERTIES:
                if event.properties.get(name) is not None:
                    return str(event.properties[name]), event.occurred_at
    return None, None


def _contact(contact: CaseContact) -> dict[str, Any]:
    return {
        "contacted_at": contact.contacted_at,
        "channel": contact.channel,
        "what_happened": contact.what_happened,
        "why": contact.why,
        "by": contact.actor,
        "recorded_at": contact.recorded_at,
    }


def _entry(entry: CaseEntry, *, with_actor: bool = True) -> dict[str, Any]:
    view: dict[str, Any] = {"at": entry.at, "kind": entry.kind, "details": entry.details}
    if with_actor:
        view["by"] = entry.actor
    return view


def webhook_data(session: Session, case: Case, public_url: str) -> dict[str, Any]:
    """What leaves the building about a case: its handling, nothing about the customer."""
    return {
        "case": summary(session, case) | {"rule": case.rule_key},
        "url": f"{public_url.rstrip('/')}/cases/{case.id}",
    }


def rule_view(stored: AlertRule) -> dict[str, Any]:
    return {
        "key": stored.key,
        "name": stored.name,
        "signal": stored.kind,
        "active": stored.active,
        "origin": stored.origin,
        "definition": stored.definition,
        "updated_at": stored.updated_at,
    }
