"""Webhook endpoints, and queueing messages to them in the caller's transaction, so a
message goes out exactly when the change it tells of is committed."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.errors import Conflict, InvalidInput, NotFound
from kokemus.store.base import utcnow
from kokemus.webhooks import formats
from kokemus.webhooks.models import FORMATS, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from kokemus.webhooks.signing import new_message_id, new_secret

EVENT_TYPES = tuple(formats.TITLES)


@dataclass(frozen=True)
class NewEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # shown once, when it is made


def _check(url: str, format_: str, event_types: list[str]) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput("url", "must be an http:// or https:// address")
    if format_ not in FORMATS:
        raise InvalidInput("format", f"must be one of {', '.join(FORMATS)}")
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown:
        raise InvalidInput("event_types", f"{unknown[0]!r} is not one of {', '.join(EVENT_TYPES)}")


def create_endpoint(
    session: Session,
    name: str,
    url: str,
    *,
    format_: str = "standard",
    event_types: list[str] | None = None,
) -> NewEndpoint:
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("name", "must be 1 to 100 characters")
    _check(url, format_, event_types or [])
    if session.scalar(select(WebhookEndpoint.id).where(WebhookEndpoint.name == name)):
        raise Conflict(f"a webhook named {name!r} already exists")
    secret = new_secret()
    endpoint = WebhookEndpoint(
        name=name,
        url=url,
        secret=secret,
        format=format_,
        event_types=list(event_types or []),
        active=True,
        created_at=utcnow(),
    )
    session.add(endpoint)
    session.flush()
    return NewEndpoint(endpoint, secret)


def get_endpoint(session: Session, name: str) -> WebhookEndpoint:
    found = session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.name == name))
    if found is None:
        raise NotFound(f"no webhook named {name!r}")
    return found


def list_endpoints(session: Session) -> list[WebhookEndpoint]:
    return list(session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def rotate_secret(session: Session, name: str) -> str:
    endpoint = get_endpoint(session, name)
    endpoint.secret = new_secret()
    return endpoint.secret


def set_active(session: Session, name: str, active: bool, reason: str | None = None) -> None:
    endpoint = get_endpoint(session, name)
    endpoint.active = active
    endpoint.disabled_at = None if active else utcnow()
    endpoint.disabled_reason = None if active else reason


def enqueue(
    session: Session,
    event_type: str,
    data: dict[str, Any],
    *,
    endpoints: list[str] | None = None,
    now: datetime | None = None,
) -> int:
    """Queue the message for every active endpoint that takes this event type (or for the
    named ones); returns how many were queued."""
    now = now or utcnow()
    query = select(WebhookEndpoint).where(WebhookEndpoint.active)
    if endpoints:
        query = query.where(WebhookEndpoint.name.in_(endpoints))
    queued = 0
    stamp = now.isoformat().replace("+00:00", "Z")
    for endpoint in session.scalars(query.order_by(WebhookEndpoint.id)):
        if endpoint.event_types and event_type not in endpoint.event_types:
            continue
        document = formats.body(endpoint.format, event_type, stamp, data)
        session.add(
            WebhookDelivery(
                endpoint_id=endpoint.id,
                message_id=new_message_id(),
                event_type=event_type,
                body=orjson.dumps(document).decode(),
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
        queued += 1
    return queued


def deliveries(session: Session, name: str, limit: int = 50) -> list[WebhookDelivery]:
    endpoint = get_endpoint(session, name)
    return list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


def attempts(session: Session, delivery_id: int) -> list[WebhookAttempt]:
    return list(
        session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery_id)
            .order_by(WebhookAttempt.id)
        )
    )


def endpoint_view(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "name": endpoint.name,
        "url": endpoint.url,
        "format": endpoint.format,
        "event_types": endpoint.event_types,
        "active": endpoint.active,
        "created_at": endpoint.created_at,
        "disabled_at": endpoint.disabled_at,
        "disabled_reason": endpoint.disabled_reason,
    }


def delivery_view(delivery: WebhookDelivery, tries: list[WebhookAttempt]) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "message_id": delivery.message_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at if delivery.status == "pending" else None,
        "last_status": delivery.last_status,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
        "log": [
            {
                "at": attempt.at,
                "status_code": attempt.status_code,
                "error": attempt.error,
                "duration_ms": attempt.duration_ms,
            }
            for attempt in tries
        ],
    }
