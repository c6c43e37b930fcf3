"""Rules and unit policies kept in the store, from the rules file or the API."""

from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.cases.durations import minutes
from kokemus.cases.errors import RulesFileError
from kokemus.cases.models import AlertRule, UnitPolicy
from kokemus.cases.rules import Rule, RulesFile, default_rules_text, parse_rules
from kokemus.errors import Conflict
from kokemus.journeys.models import Unit
from kokemus.store.base import utcnow


def _unit_ids(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Unit.key, Unit.id)).all())


def _check_units(rule: Rule, units: dict[str, int], where: str) -> list[str]:
    problems = []
    for position, action in enumerate(rule.actions):
        path = f"{where}.actions[{position}]"
        if action.open_case and action.open_case.owner not in ("touchpoint", *units):
            problems.append(f"{path}.open_case.owner: no unit {action.open_case.owner!r}")
        if action.notify_email and action.notify_email.unit not in (None, *units):
            problems.append(f"{path}.notify_email.unit: no unit {action.notify_email.unit!r}")
    return problems


def load_file(session: Session, spec: RulesFile, *, origin: str = "file") -> int:
    """Store the file's unit policies and rules; a rule with a stored key is replaced."""
    units = _unit_ids(session)
    problems = []
    for position, given in enumerate(spec.units):
        for field, key in (("unit", given.unit), ("escalate_to", given.escalate_to)):
            if key is not None and key not in units:
                problems.append(f"units[{position}].{field}: no unit {key!r}")
    for position, rule in enumerate(spec.rules):
        problems += _check_units(rule, units, f"rules[{position}]")
    if problems:
        raise RulesFileError(problems)
    for policy_spec in spec.units:
        policy = session.get(UnitPolicy, units[policy_spec.unit]) or UnitPolicy(
            unit_id=units[policy_spec.unit]
        )
        policy.sla_minutes = minutes(policy_spec.sla) if policy_spec.sla else None
        policy.escalate_to_unit_id = (
            units[policy_spec.escalate_to] if policy_spec.escalate_to else None
        )
        policy.updated_at = utcnow()
        session.add(policy)
    for rule in spec.rules:
        _store(session, rule, origin)
    session.flush()
    return len(spec.rules)


def _store(session: Session, rule: Rule, origin: str) -> AlertRule:
    stored = session.scalar(select(AlertRule).where(AlertRule.key == rule.key))
    if stored is None:
        stored = AlertRule(key=rule.key, created_at=utcnow())
    stored.name, stored.kind, stored.active = rule.name, rule.signal, rule.active
    stored.definition = rule.model_dump(mode="json", exclude_defaults=True)
    stored.origin, stored.updated_at = origin, utcnow()
    session.add(stored)
    return stored


def create_rule(session: Session, rule: Rule) -> AlertRule:
    if session.scalar(select(AlertRule.id).where(AlertRule.key == rule.key)) is not None:
        raise Conflict(f"a rule with the key {rule.key!r} already exists")
    problems = _check_units(rule, _unit_ids(session), "rule")
    if problems:
        raise RulesFileError(problems)
    stored = _store(session, rule, "api")
    session.flush()
    return stored


def set_active(session: Session, key: str, active: bool) -> AlertRule:
    stored = session.scalar(select(AlertRule).where(AlertRule.key == key))
    if stored is None:
        raise RulesFileError([f"key: no rule {key!r}"])
    stored.active, stored.updated_at = active, utcnow()
    return stored


def ensure_defaults(session: Session) -> None:
    """The shipped rules, the first time rules are needed and none were ever stored."""
    if session.scalar(select(AlertRule.id).limit(1)) is None:
        load_file(session, parse_rules(default_rules_text()), origin="default")


def stored_rules(session: Session) -> list[AlertRule]:
    ensure_defaults(session)
    return list(session.scalars(select(AlertRule).order_by(AlertRule.id)))


def active_rules(session: Session) -> list[Rule]:
    return [
        Rule.model_validate(stored.definition) for stored in stored_rules(session) if stored.active
    ]


def rules_document(session: Session) -> str:
    """The stored policies and rules in the file's own shape, loadable again."""
    keys = {unit_id: key for key, unit_id in _unit_ids(session).items()}
    units: list[dict[str, Any]] = []
    for policy in session.scalars(select(UnitPolicy).order_by(UnitPolicy.unit_id)):
        entry: dict[str, Any] = {"unit": keys[policy.unit_id]}
        if policy.sla_minutes:
            entry["sla"] = f"{policy.sla_minutes}m"
        if policy.escalate_to_unit_id:
            entry["escalate_to"] = keys[policy.escalate_to_unit_id]
        units.append(entry)
    rules = [stored.definition | {"active": stored.active} for stored in stored_rules(session)]
    document = {"units": units, "rules": rules}
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
