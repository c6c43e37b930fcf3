"""One customer across systems: find, profile, timeline, merges."""

import base64
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from kokemus.accounts.models import User
from kokemus.audit.models import AuditEntry
from kokemus.audit.service import SYSTEM, Actor, record
from kokemus.customers.identity import InvalidIdentity, normalise_email, normalise_phone
from kokemus.customers.models import GLOBAL_SCOPE, Customer, Identity, Merge
from kokemus.errors import Conflict, InvalidInput, NotFound
from kokemus.ingest.models import Event, Source
from kokemus.journeys.models import Stage, Touchpoint
from kokemus.store import dialect
from kokemus.store.base import utcnow

MAX_PAGE = 500


def live_customer(session: Session, customer_id: int) -> Customer:
    """The customer, or the one it was merged into."""
    seen: set[int] = set()
    customer = session.get(Customer, customer_id)
    while customer is not None and customer.merged_into_id is not None:
        if customer.id in seen:
            break
        seen.add(customer.id)
        customer = session.get(Customer, customer.merged_into_id)
    if customer is None:
        raise NotFound(f"no customer {customer_id}")
    return customer


def find_by_contact(
    session: Session, *, email: str | None = None, phone: str | None = None, region: str = "FI"
) -> Customer:
    if (email is None) == (phone is None):
        raise InvalidInput("email", "give either an email or a phone number")
    try:
        kind, value = (
            ("email", normalise_email(email))
            if email is not None
            else ("phone", normalise_phone(phone or "", region))
        )
    except InvalidIdentity as error:
        raise InvalidInput("email" if email is not None else "phone", str(error)) from None
    customer_id = session.scalar(
        select(Identity.customer_id).where(
            Identity.kind == kind, Identity.scope == GLOBAL_SCOPE, Identity.value == value
        )
    )
    if customer_id is None:
        raise NotFound(f"no customer with {kind} {value}")
    return live_customer(session, customer_id)


@dataclass(frozen=True)
class Cursor:
    occurred_at: datetime
    event_id: int

    def encode(self) -> str:
        raw = f"{self.occurred_at.isoformat()}|{self.event_id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            stamp, event_id = raw.split("|")
            return cls(datetime.fromisoformat(stamp), int(event_id))
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput("cursor", "not a cursor this API gave out") from None


def profile(
    session: Session,
    customer: Customer,
    *,
    limit: int = 50,
    cursor: str | None = None,
    touchpoint_ids: Collection[int] | None = None,
) -> dict[str, Any]:
    """`touchpoint_ids`, when given, keeps the timeline to events at those touchpoints."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput("limit", f"must be between 1 and {MAX_PAGE}")
    sources = {source.id: source.name for source in session.scalars(select(Source))}
    identities = list(
        session.scalars(
            select(Identity).where(Identity.customer_id == customer.id).order_by(Identity.id)
        )
    )
    events, next_cursor = timeline(
        session, customer.id, limit, cursor, sources, touchpoint_ids=touchpoint_ids
    )
    return {
        "id": customer.id,
        "created_at": customer.created_at,
        "updated_at": customer.updated_at,
        "first_seen_at": min((i.first_seen_at for i in identities), default=customer.created_at),
        "traits": customer.traits,
        "identities": [
            {
                "kind": identity.kind,
                "value": identity.value,
                "source": sources.get(identity.scope) if identity.scope != GLOBAL_SCOPE else None,
                "first_seen_at": identity.first_seen_at,
            }
            for identity in identities
        ],
        "merges": [merge_view(merge) for merge in merges_of(session, customer.id)],
        "timeline": {"events": events, "next_cursor": next_cursor},
    }


def timeline(
    session: Session,
    customer_id: int,
    limit: int,
    cursor: str | None,
    sources: dict[int, str],
    *,
    touchpoint_ids: Collection[int] | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Events from every source, newest first, `limit` at a time."""
    query = (
        select(Event, Identity.kind, Identity.value, Touchpoint.key, Touchpoint.name, Stage.key)
        .join(Identity, Event.identity_id == Identity.id)
        .outerjoin(Touchpoint, Event.touchpoint_id == Touchpoint.id)
        .outerjoin(Stage, Touchpoint.stage_id == Stage.id)
        .where(Identity.customer_id == customer_id)
        .order_by(Event.occurred_at.desc(), Event.id.desc())
        .limit(limit + 1)
    )
    if touchpoint_ids is not None:
        query = query.where(Event.touchpoint_id.in_(touchpoint_ids))
    if cursor:
        after = Cursor.decode(cursor)
        query = query.where(
            or_(
                Event.occurred_at < after.occurred_at,
                and_(Event.occurred_at == after.occurred_at, Event.id < after.event_id),
            )
        )
    rows = session.execute(query).all()
    page = rows[:limit]
    items = [
        {
            "id": event.id,
            "type": event.type,
            "name": event.name,
            "source": sources.get(event.source_id),
            "message_id": event.message_id,
            "occurred_at": event.occurred_at,
            "received_at": event.received_at,
            "touchpoint": {"key": tp_key, "name": tp_name, "stage": stage_key} if tp_key else None,
            "identity": {"kind": kind, "value": value},
            "properties": event.properties or {},
            "context": event.context or {},
        }
        for event, kind, value, tp_key, tp_name, stage_key in page
    ]
    more = len(rows) > limit
    last = page[-1][0] if page else None
    return items, Cursor(last.occurred_at, last.id).encode() if more and last else None


def merges_of(session: Session, customer_id: int) -> list[Merge]:
    return list(
        session.scalars(
            select(Merge)
            .where(or_(Merge.survivor_id == customer_id, Merge.merged_id == customer_id))
            .order_by(Merge.id)
        )
    )


def merge_view(merge: Merge) -> dict[str, Any]:
    return {
        "id": merge.id,
        "survivor_id": merge.survivor_id,
        "merged_id": merge.merged_id,
        "reason": merge.reason,
        "created_at": merge.created_at,
        "identities_moved": len(merge.identity_ids),
        "undone_at": merge.undone_at,
        "undo_reason": merge.undo_reason,
    }


def unmerge(
    session: Session,
    merge_id: int,
    reason: str,
    *,
    actor: Actor = SYSTEM,
    via: str | None = None,
) -> Merge:
    """Give the merged customer back the identities the merge took (and their events).

    `via` says who undid it when no signed-in user did: the command line, an API token.
    """
    dialect.take_write_lock(session)
    merge = session.get(Merge, merge_id)
    if merge is None:
        raise NotFound(f"no merge {merge_id}")
    if merge.undone_at is not None:
        raise Conflict(f"merge {merge_id} was already undone at {merge.undone_at.isoformat()}")
    now = utcnow()
    session.execute(
        update(Identity)
        .where(Identity.id.in_(merge.identity_ids))
        .values(customer_id=merge.merged_id)
    )
    session.execute(
        update(Customer)
        .where(Customer.id == merge.merged_id)
        .values(merged_into_id=None, updated_at=now)
    )
    merge.undone_at = now
    merge.undo_reason = reason
    details = {"survivor_id": merge.survivor_id, "merged_id": merge.merged_id, "reason": reason}
    if via:
        details["via"] = via
    target = _merge_target(merge_id)
    record(session, "customer.unmerge", actor=actor, target=target, details=details)
    session.flush()
    return merge


def who_undid(session: Session, merge_ids: Collection[int]) -> dict[int, str]:
    """Per undone merge, who undid it as the audit log has it: a user's email, or the way."""
    if not merge_ids:
        return {}
    targets = {_merge_target(merge_id): merge_id for merge_id in merge_ids}
    rows = session.execute(
        select(AuditEntry.target, AuditEntry.details, User.email)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .where(AuditEntry.action == "customer.unmerge", AuditEntry.target.in_(targets))
        .order_by(AuditEntry.id)
    )
    found: dict[int, str] = {}
    for target, details, email in rows:
        who = email or (details or {}).get("via")
        if target in targets and who:
            found[targets[target]] = str(who)
    return found


def _merge_target(merge_id: int) -> str:
    return f"merge {merge_id}"
