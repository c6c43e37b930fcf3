"""Putting the loop's data in the store through the real services, for tests."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from kokemus.cases.access import COMMAND_LINE, Viewer
from kokemus.cases.context import CaseContext
from kokemus.cases.models import AlertFiring, Case
from kokemus.cases.rule_store import load_file
from kokemus.cases.rules import parse_rules
from kokemus.enrich.service import analyze_all
from kokemus.store import Database
from kokemus.surveys.external import CustomerRef, ResponseIn, accept_response
from tests.factories import send, track

NOW = datetime.now(UTC).replace(microsecond=0)


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


def event(
    name: str,
    person: str,
    *,
    at: datetime | None = None,
    n: int = 0,
    **properties: Any,
) -> dict[str, Any]:
    message = track(
        name,
        message_id=f"{name}-{person}-{n}",
        user_id=person,
        email=f"{person}@example.fi",
        timestamp=(at or ago(hours=2)).isoformat(),
    )
    if properties:
        message["properties"] = properties
    return message


def send_events(database: Database, *messages: dict[str, Any]) -> None:
    report = send(database, list(messages), source="shop")
    assert not report.rejected, report.rejected


def respond(
    database: Database,
    person: str,
    answers: dict[str, Any],
    *,
    survey: str = "post-delivery",
    at: datetime | None = None,
    event_id: int | None = None,
) -> int:
    body = ResponseIn(
        answers=answers,
        customer=CustomerRef(email=f"{person}@example.fi"),
        submitted_at=at or ago(hours=1),
        event_id=event_id,
    )
    response, _ = accept_response(database, survey, body)
    analyze_all(database)
    return response.id


def load_rules(database: Database, text: str) -> None:
    with database.transaction() as session:
        load_file(session, parse_rules(text))


def cases(database: Database) -> list[Case]:
    with database.transaction() as session:
        return list(session.scalars(select(Case).order_by(Case.id)))


def firings(database: Database) -> list[tuple[str, int | None]]:
    with database.transaction() as session:
        rows = session.execute(
            select(AlertFiring.rule_key, AlertFiring.case_id).order_by(AlertFiring.id)
        )
        return [(key, case_id) for key, case_id in rows]


def context(session: Any, viewer: Viewer = COMMAND_LINE) -> CaseContext:
    return CaseContext(session, viewer, public_url="http://kokemus.test")
