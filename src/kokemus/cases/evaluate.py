"""Deciding which rules a signal meets, and doing their actions once per signal."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from kokemus.cases import claims, follow_up, notify, views
from kokemus.cases.access import rule_viewer
from kokemus.cases.context import CaseContext, entry
from kokemus.cases.durations import minutes
from kokemus.cases.models import OPEN_STATUSES, AlertFiring, Case, CaseSignal
from kokemus.cases.rules import PRIORITY_ORDER, Action, Condition, OpenCase, Rule, condition_name
from kokemus.cases.service import Opening, add_signal, create, unit_id
from kokemus.cases.signals import WEAK_AT_MOST, History, Signal, days
from kokemus.webhooks.service import enqueue

# Conditions that need the store come last, so a rule that fails on the signal alone
# costs no query.
COSTLY = ("repeat", "history")


def _scale_holds(condition: Condition, signal: Signal) -> bool:
    score = condition.score
    assert score is not None
    for answer in signal.scales:
        if score.type is not None and answer.type != score.type:
            continue
        if score.question is not None and answer.question != score.question:
            continue
        if score.at_most is not None and answer.value > score.at_most:
            continue
        if score.at_least is not None and answer.value < score.at_least:
            continue
        return True
    return False


def _property(properties: dict[str, Any], dotted: str) -> Any:
    value: Any = properties
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def holds(condition: Condition, signal: Signal, history: History) -> bool:
    match condition_name(condition):
        case "score":
            return _scale_holds(condition, signal)
        case "detractor":
            return any(a.type == "nps" and a.value <= WEAK_AT_MOST["nps"] for a in signal.scales)
        case "weak_expectation":
            limit = WEAK_AT_MOST["expectation"]
            return any(a.type == "expectation" and a.value <= limit for a in signal.scales)
        case "sentiment":
            return any(text.sentiment in (condition.sentiment or ()) for text in signal.texts)
        case "theme":
            wanted = set(condition.theme or ())
            return any(wanted & set(text.themes) for text in signal.texts)
        case "choice":
            assert condition.choice is not None
            chosen = signal.choices.get(condition.choice.question, set())
            return bool(chosen & set(condition.choice.any_of))
        case "survey":
            return signal.survey == condition.survey
        case "touchpoint":
            return signal.touchpoint == condition.touchpoint
        case "event":
            return signal.event_name in (condition.event or ())
        case "property":
            assert condition.property is not None
            return (
                _property(signal.properties, condition.property.name) in condition.property.any_of
            )
        case "repeat":
            repeat = condition.repeat
            assert repeat is not None
            if signal.customer_id is None or signal.event_name not in repeat.events:
                return False
            since = signal.at - days(repeat.within_days)
            return (
                history.events(signal.customer_id, repeat.events, since, signal.at)
                >= repeat.at_least
            )
        case "history":
            return _history_holds(condition, signal, history)
    return False


def _history_holds(condition: Condition, signal: Signal, history: History) -> bool:
    past = condition.history
    assert past is not None
    if signal.customer_id is None:
        return False
    since = signal.at - days(past.within_days)
    match past.of:
        case "cases":
            count = history.cases(signal.customer_id, since, signal.at)
        case "events":
            count = history.events(
                signal.customer_id, past.events, since, signal.at, skip=signal.event_id
            )
        case _:
            count = history.weak_responses(signal.customer_id, since, signal.at, signal.response_id)
    return count >= past.at_least


def matches(rule: Rule, signal: Signal, history: History) -> bool:
    if rule.signal != signal.kind:
        return False
    ordered = sorted(rule.when, key=lambda c: condition_name(c) in COSTLY)
    if not all(holds(condition, signal, history) for condition in ordered):
        return False
    return not rule.any or any(holds(condition, signal, history) for condition in rule.any)


@dataclass
class Fired:
    rule: str
    case_id: int | None
    actions: list[str] = field(default_factory=list)


def _fired_before(ctx: CaseContext, rule: Rule, signal: Signal) -> bool:
    query = select(AlertFiring.id).where(AlertFiring.rule_key == rule.key)
    if signal.response_id is not None:
        query = query.where(AlertFiring.response_id == signal.response_id)
    else:
        query = query.where(AlertFiring.event_id == signal.event_id)
    return ctx.session.scalar(query.limit(1)) is not None


def fire(ctx: CaseContext, rule: Rule, signal: Signal) -> Fired | None:
    """Do the rule's actions for the signal, unless it was done before."""
    if _fired_before(ctx, rule, signal):
        return None
    rule_ctx = CaseContext(ctx.session, rule_viewer(rule.key), ctx.now, ctx.public_url)
    ordered = sorted(rule.actions, key=lambda action: action.open_case is None)
    fired = Fired(rule.key, None)
    case: Case | None = None
    for action in ordered:
        done = _act(rule_ctx, rule, action, signal, case)
        if isinstance(done, Case):
            case = done
        if done is not None:
            fired.actions.append(
                next(name for name in Action.model_fields if getattr(action, name))
            )
    fired.case_id = case.id if case else None
    ctx.session.add(
        AlertFiring(
            rule_key=rule.key,
            response_id=signal.response_id,
            event_id=signal.event_id,
            customer_id=signal.customer_id,
            case_id=fired.case_id,
            fired_at=ctx.now,
            actions=fired.actions,
        )
    )
    ctx.session.flush()
    return fired


def _act(ctx: CaseContext, rule: Rule, action: Action, signal: Signal, case: Case | None) -> Any:
    if action.open_case is not None:
        return open_for(ctx, rule, action.open_case, signal)
    if action.notify_email is not None:
        wanted = list(action.notify_email.to)
        if action.notify_email.unit is not None:
            wanted += notify.unit_emails(
                ctx.session, unit_id(ctx.session, action.notify_email.unit, "unit")
            )
        subject, body = _email(rule, signal, case, ctx.public_url)
        case_id = case.id if case else None
        return (
            notify.queue(
                ctx.session, wanted, subject, body, now=ctx.now, case_id=case_id, rule_key=rule.key
            )
            or None
        )
    if action.notify_webhook is not None:
        data: dict[str, Any] = {"rule": {"key": rule.key, "name": rule.name}, "signal": signal.kind}
        if case is not None:
            data |= views.webhook_data(ctx.session, case, ctx.public_url)
        names = action.notify_webhook.endpoints or None
        return enqueue(ctx.session, "alert.fired", data, endpoints=names, now=ctx.now) or None
    if action.invite_survey is not None:
        send_at = ctx.now + timedelta(minutes=minutes(action.invite_survey.after))
        unit = case.owner_unit_id if case else None
        found = follow_up.invite(
            ctx.session, action.invite_survey.survey, signal.customer_id, send_at, unit, ctx.now
        )
        return None if isinstance(found, follow_up.Skipped) else found
    return None


def _existing(ctx: CaseContext, rule: Rule, signal: Signal) -> Case | None:
    """The case this signal already belongs to, or that its problem is already handled in:
    the case of the event a response answers, or this rule's open case for the customer."""
    events = [e for e in (signal.event_id, signal.origin_event_id) if e is not None]
    for condition in (
        CaseSignal.response_id == signal.response_id if signal.response_id is not None else None,
        CaseSignal.event_id.in_(events) if events else None,
    ):
        if condition is not None:
            found = ctx.session.scalar(select(CaseSignal.case_id).where(condition).limit(1))
            if found is not None:
                return ctx.session.get(Case, found)
    if signal.customer_id is None:
        return None
    return ctx.session.scalar(
        select(Case)
        .where(
            Case.customer_id == signal.customer_id,
            Case.rule_key == rule.key,
            Case.status.in_(OPEN_STATUSES),
        )
        .order_by(Case.id.desc())
        .limit(1)
    )


def _is_member(ctx: CaseContext, case: Case, signal: Signal) -> bool:
    query = select(CaseSignal.id).where(CaseSignal.case_id == case.id)
    if signal.response_id is not None:
        query = query.where(CaseSignal.response_id == signal.response_id)
    else:
        query = query.where(CaseSignal.event_id == signal.event_id)
    return ctx.session.scalar(query.limit(1)) is not None


def open_for(ctx: CaseContext, rule: Rule, spec: OpenCase, signal: Signal) -> Case:
    case = _existing(ctx, rule, signal)
    if case is not None:
        if not _is_member(ctx, case, signal):
            add_signal(ctx, case, signal.response_id, signal.event_id, rule.key)
        if PRIORITY_ORDER[spec.priority] > PRIORITY_ORDER.get(case.priority, 1):
            entry(
                ctx,
                case,
                "priority",
                {"from": case.priority, "to": spec.priority, "rule": rule.key},
            )
            case.priority = spec.priority
        return case
    owner = None if spec.owner == "touchpoint" else unit_id(ctx.session, spec.owner, "owner")
    opening = Opening(
        reason=spec.reason,
        priority=spec.priority,
        customer_id=signal.customer_id,
        touchpoint_id=signal.touchpoint_id,
        owner_unit_id=owner,
        rule_key=rule.key,
        sla_minutes=minutes(spec.sla) if spec.sla else None,
        follow_up_survey=spec.follow_up.survey if spec.follow_up else None,
        follow_up_minutes=minutes(spec.follow_up.after) if spec.follow_up else None,
        response_id=signal.response_id,
        event_id=signal.event_id,
    )
    case = create(ctx, opening)
    if spec.claim:
        claims.record_claim(ctx, case, claims.ClaimInput(claimed_at=signal.at))
    return case


def _email(rule: Rule, signal: Signal, case: Case | None, public_url: str) -> tuple[str, str]:
    subject = f"[Kokemus] {rule.name}"
    lines = [
        f"The rule {rule.name!r} ({rule.key}) matched a {signal.kind}"
        f" at {signal.at:%Y-%m-%d %H:%M} UTC."
    ]
    if signal.touchpoint:
        lines.append(f"Touchpoint: {signal.touchpoint}")
    if case is not None:
        subject += f": case #{case.id}"
        lines += [
            f"Case #{case.id}: {case.reason} ({case.priority})",
            f"{public_url.rstrip('/')}/cases/{case.id}",
        ]
    return subject, "\n".join(lines) + "\n"
