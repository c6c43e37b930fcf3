"""/api/v1/alert-rules: the rules that open cases and notify, as in the rules file."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path
from sqlalchemy import select

from kokemus.api.deps import AdminToken, AppDatabase, ReadToken, known_query_only
from kokemus.api.schemas import error_responses
from kokemus.cases import rule_store
from kokemus.cases.models import AlertRule
from kokemus.cases.rules import parse_rule
from kokemus.cases.views import rule_view
from kokemus.errors import NotFound

router = APIRouter(
    prefix="/api/v1/alert-rules",
    tags=["Cases"],
    responses=error_responses(400, 401, 403, 404, 409, 422),
    dependencies=[Depends(known_query_only)],
)
RuleKey = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=64)]
RULE_HELP = "one rule as in the rules file: key, name, signal, when, any, actions"
RULE_EXAMPLE = {
    "key": "delivery-failed-twice",
    "name": "A second failed delivery",
    "signal": "event",
    "when": [
        {"event": "Delivery Failed"},
        {"history": {"of": "events", "events": ["Delivery Failed"], "within_days": 30}},
    ],
    "actions": [{"open_case": {"reason": "Delivery failed twice", "priority": "urgent"}}],
}


@router.get("")
def list_rules(database: AppDatabase, _token: ReadToken) -> dict[str, Any]:
    # A writing transaction: the first call stores the shipped rules.
    with database.write_transaction() as session:
        return {"rules": [rule_view(stored) for stored in rule_store.stored_rules(session)]}


@router.post("", status_code=201)
def create_rule(
    database: AppDatabase,
    _token: AdminToken,
    body: Annotated[dict[str, Any], Body(description=RULE_HELP, examples=[RULE_EXAMPLE])],
) -> dict[str, Any]:
    """Add a rule; errors name the path in the rule (`when[0].score.at_most: ...`)."""
    rule = parse_rule(body)
    with database.write_transaction() as session:
        return rule_view(rule_store.create_rule(session, rule))


@router.get("/{key}")
def get_rule(key: RuleKey, database: AppDatabase, _token: ReadToken) -> dict[str, Any]:
    with database.write_transaction() as session:
        rule_store.ensure_defaults(session)
        stored = session.scalar(select(AlertRule).where(AlertRule.key == key))
        if stored is None:
            raise NotFound(f"no rule {key!r}")
        return rule_view(stored)


@router.post("/{key}/activation")
def set_active(
    database: AppDatabase,
    _token: AdminToken,
    key: RuleKey,
    active: Annotated[bool, Body(embed=True)],
) -> dict[str, Any]:
    """Turn a rule on or off (rules are never deleted: firings keep naming them)."""
    with database.write_transaction() as session:
        rule_store.ensure_defaults(session)
        return rule_view(rule_store.set_active(session, key, active))
