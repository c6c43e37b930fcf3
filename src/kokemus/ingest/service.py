"""Storing a batch of messages: parse, resolve customers, write in bulk.

The caller owns the transaction and must start a fresh one for each batch, because the
first statement takes the write lock (see store.dialect.take_write_lock).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kokemus.customers.identity import IdentityKey
from kokemus.customers.models import GLOBAL_SCOPE, Customer, Identity, Merge
from kokemus.customers.resolution import (
    Claim,
    IdAllocator,
    ReserveIds,
    Resolution,
    known_identities,
    resolve,
)
from kokemus.ingest.messages import Message, ParseOptions, Rejection, parse_message
from kokemus.ingest.models import Source
from kokemus.journeys.service import touchpoint_by_event
from kokemus.store import dialect
from kokemus.store.base import utcnow

MAPPED_TYPES = frozenset(("track", "page", "screen"))
EVENT_COLUMNS = (
    "source_id",
    "message_id",
    "type",
    "name",
    "identity_id",
    "touchpoint_id",
    "occurred_at",
    "received_at",
    "properties",
    "context",
)


@dataclass(slots=True)
class IngestReport:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    customers_created: int = 0
    merges: int = 0

    def add(self, other: "IngestReport") -> None:
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.rejected.extend(other.rejected)
        self.customers_created += other.customers_created
        self.merges += other.merges

    def as_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": [rejection.as_dict() for rejection in self.rejected],
            "customers_created": self.customers_created,
            "merges": self.merges,
        }


def ingest(
    session: Session, raws: Iterable[tuple[int, Any]], options: ParseOptions
) -> IngestReport:
    """Store every valid message of the batch; report the others with index and field."""
    dialect.take_write_lock(session)
    report = IngestReport()
    messages: list[Message] = []
    for index, raw in raws:
        parsed = parse_message(raw, index, options)
        if isinstance(parsed, Rejection):
            report.rejected.append(parsed)
        else:
            messages.append(parsed)
    if not messages:
        return report

    candidate_keys = [key for message in messages for key in _candidate_keys(message)]
    known = known_identities(session, candidate_keys)
    source_names = {
        int(source_id): str(name)
        for source_id, name in session.execute(select(Source.id, Source.name))
    }
    claims = [_claim(message, known, source_names) for message in messages]
    allocate_customer = IdAllocator(ReserveIds(session, "customers"))
    plan, owners = resolve(session, claims, known, allocate_customer)

    identity_ids = {key: identity_id for key, (identity_id, _) in known.items()}
    _write_customers(session, plan.new_customer_ids, options.received_at)
    identity_ids.update(_write_identities(session, plan.new_identities, options.received_at))
    _apply_merges(session, plan)
    _update_traits(session, plan, messages, owners)

    touchpoints = touchpoint_by_event(session)
    report.accepted = _write_events(session, messages, claims, identity_ids, touchpoints, options)
    report.duplicates = len(messages) - report.accepted
    report.customers_created = len(plan.new_customer_ids)
    report.merges = len(plan.merges)
    return report


def _candidate_keys(message: Message) -> list[IdentityKey]:
    keys = _own_keys(message)
    if message.previous_id is not None:
        keys.append(IdentityKey("user_id", message.source_id, message.previous_id))
        keys.append(IdentityKey("anonymous_id", GLOBAL_SCOPE, message.previous_id))
    return keys


def _own_keys(message: Message) -> list[IdentityKey]:
    keys = []
    if message.user_id is not None:
        keys.append(IdentityKey("user_id", message.source_id, message.user_id))
    if message.anonymous_id is not None:
        keys.append(IdentityKey("anonymous_id", GLOBAL_SCOPE, message.anonymous_id))
    if message.email is not None:
        keys.append(IdentityKey("email", GLOBAL_SCOPE, message.email))
    if message.phone is not None:
        keys.append(IdentityKey("phone", GLOBAL_SCOPE, message.phone))
    return keys


def _claim(
    message: Message, known: dict[IdentityKey, tuple[int, int]], source_names: dict[int, str]
) -> Claim:
    keys = _own_keys(message)
    if message.previous_id is not None:
        # An alias's previous id is the earlier user id, or else an anonymous id.
        as_user = IdentityKey("user_id", message.source_id, message.previous_id)
        as_anonymous = IdentityKey("anonymous_id", GLOBAL_SCOPE, message.previous_id)
        keys.append(as_user if as_user in known or as_anonymous not in known else as_anonymous)
    source = source_names.get(message.source_id, message.source_id)
    description = f"{message.type} message {message.message_id!r} from {source}"
    return Claim(keys=keys, description=description, source_names=source_names)


def _write_customers(session: Session, customer_ids: Sequence[int], now: datetime) -> None:
    stamp = dialect.timestamp(session, now)
    rows = [(customer_id, stamp, stamp, "{}") for customer_id in customer_ids]
    dialect.bulk_insert(session, "customers", ("id", "created_at", "updated_at", "traits"), rows)


def _write_identities(
    session: Session, new_identities: dict[IdentityKey, int], now: datetime
) -> dict[IdentityKey, int]:
    keys = list(new_identities)
    created = dict(zip(keys, ReserveIds(session, "identities")(len(keys)), strict=True))
    stamp = dialect.timestamp(session, now)
    rows = [
        (identity_id, new_identities[key], key.kind, key.scope, key.value, stamp)
        for key, identity_id in created.items()
    ]
    columns = ("id", "customer_id", "kind", "scope", "value", "first_seen_at")
    dialect.bulk_insert(session, "identities", columns, rows)
    return created


def _apply_merges(session: Session, plan: Resolution) -> None:
    now = utcnow()
    for planned in plan.merges:
        moved = list(
            session.scalars(select(Identity.id).where(Identity.customer_id == planned.merged_id))
        )
        session.execute(
            update(Identity).where(Identity.id.in_(moved)).values(customer_id=planned.survivor_id)
        )
        session.execute(
            update(Customer)
            .where(Customer.id == planned.merged_id)
            .values(merged_into_id=planned.survivor_id, updated_at=now)
        )
        session.add(
            Merge(
                survivor_id=planned.survivor_id,
                merged_id=planned.merged_id,
                reason=planned.reason,
                identity_ids=moved,
                created_at=now,
            )
        )
    session.flush()


def _update_traits(
    session: Session, plan: Resolution, messages: Sequence[Message], owners: Sequence[int]
) -> None:
    changes: dict[int, dict[str, Any]] = {}
    identifies = [
        (message.occurred_at, position)
        for position, message in enumerate(messages)
        if message.traits
    ]
    for _, position in sorted(identifies):
        customer = plan.final_customer(owners[position])
        changes.setdefault(customer, {}).update(messages[position].traits or {})
    if not changes:
        return
    now = utcnow()
    for row in session.scalars(select(Customer).where(Customer.id.in_(changes))):
        row.traits = {**row.traits, **changes[row.id]}
        row.updated_at = now
    session.flush()


def _write_events(
    session: Session,
    messages: Sequence[Message],
    claims: Sequence[Claim],
    identity_ids: dict[IdentityKey, int],
    touchpoints: dict[str, int],
    options: ParseOptions,
) -> int:
    stamp = dialect.timestamp_converter(session)
    received = stamp(options.received_at)
    dumps = orjson.dumps
    rows = [
        (
            message.source_id,
            message.message_id,
            message.type,
            message.name,
            identity_ids[claim.keys[0]],
            touchpoints.get(message.name)
            if message.type in MAPPED_TYPES and message.name
            else None,
            stamp(message.occurred_at),
            received,
            dumps(message.properties).decode() if message.properties else None,
            dumps(message.context).decode() if message.context else None,
        )
        for message, claim in zip(messages, claims, strict=True)
    ]
    return dialect.bulk_insert_new(
        session, "events", EVENT_COLUMNS, rows, conflict=("source_id", "message_id")
    )
