"""Typed helpers that put test data in the store through the real services."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from kokemus.accounts.service import create_token
from kokemus.ingest.intake import store_batch
from kokemus.ingest.messages import ParseOptions
from kokemus.ingest.service import IngestReport
from kokemus.ingest.sources import create_source, source_ids_by_name
from kokemus.journeys.service import default_journey_text, load_journey, parse_journey
from kokemus.store import Database


def add_source(database: Database, name: str, *, kind: str = "other") -> str:
    with database.transaction() as session:
        return create_source(session, name, kind).write_key


def add_token(database: Database, name: str, *, scope: str) -> str:
    with database.transaction() as session:
        return create_token(session, name, scope).token


def load_default_journey(database: Database) -> None:
    text = default_journey_text()
    with database.transaction() as session:
        load_journey(session, parse_journey(text), text)


def send(database: Database, messages: Sequence[Any], *, source: str | None = None) -> IngestReport:
    with database.transaction() as session:
        sources = source_ids_by_name(session)
    options = ParseOptions(
        sources=sources,
        default_source_id=sources[source] if source else None,
        received_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    return store_batch(database, list(enumerate(messages)), options)


def track(
    event: str,
    *,
    message_id: str,
    user_id: str | None = None,
    anonymous_id: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    timestamp: str = "2026-10-01T12:00:00+03:00",
    **extra: Any,
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "track",
        "event": event,
        "messageId": message_id,
        "timestamp": timestamp,
        **extra,
    }
    if user_id:
        message["userId"] = user_id
    if anonymous_id:
        message["anonymousId"] = anonymous_id
    contact = {k: v for k, v in (("email", email), ("phone", phone)) if v}
    if contact:
        message.setdefault("context", {})["traits"] = contact
    return message
