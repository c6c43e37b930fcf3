"""Storing a batch of messages: parse, resolve customers, write in bulk.

`store_messages` runs in the caller's transaction, which must be fresh: its first statement
takes the write lock (see store.dialect.take_write_lock). kokemus.ingest.intake owns that.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kokemus.customers.identity import IdentityKey
from kokemus.customers.models import GLOBAL_SCOPE, Customer, Identity, Merge
from kokemus.customers.resolution import (
    IdAllocator,
    IdentityCache,
    ReserveIds,
    Resolution,
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
    # Ids of the events the transaction stored (all of a group's callers' together): what
    # survey triggers look at once it has committed.
    new_events: range = field(default=range(0), repr=False)
    # Identities this batch created: remembered by an import's cache once committed.
    new_identities: dict[IdentityKey, int] = field(default_factory=dict, repr=False)

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


def parse_all(
    raws: Iterable[tuple[int, Any]], options: ParseOptions
) -> tuple[list[Message], list[Rejection]]:
    messages: list[Message] = []
    rejected: list[Rejection] = []
    for index, raw in raws:
        parsed = parse_message(raw, index, options)
        if isinstance(parsed, Rejection):
            rejected.append(parsed)
        else:
            messages.append(parsed)
    return messages, rejected


def store_messages(
    session: Session,
    messages: Sequence[Message],
    rejected: list[Rejection],
    received_at: datetime,
    cache: IdentityCache | None = None,
) -> IngestReport:
    """Store parsed messages: resolve their customers, then write everything in bulk."""
    reports, created = store_batches(session, [(messages, rejected)], received_at, cache)
    reports[0].new_identities = created
    return reports[0]


def store_batches(
    session: Session,
    batches: Sequence[tuple[Sequence[Message], list[Rejection]]],
    received_at: datetime,
    cache: IdentityCache | None = None,
) -> tuple[list[IngestReport], dict[IdentityKey, int]]:
    """Store several callers' batches in one go; a report for each, and the new identities."""
    dialect.take_write_lock(session)
    reports = [IngestReport(rejected=list(rejected)) for _, rejected in batches]
    messages = [message for batch, _ in batches for message in batch]
    if not messages:
        return reports, {}
    batch_of = [number for number, (batch, _) in enumerate(batches) for _ in batch]
    candidates = [key for message in messages for key in message.keys] + [
        key for message in messages if message.previous_id for key in _previous_keys(message)
    ]
    identity_ids = (cache or IdentityCache()).identity_ids(session, candidates)
    for message in messages:
        if message.previous_id is not None:
            _link_previous(message, identity_ids)
    plan = resolve(
        session,
        messages,
        identity_ids,
        IdAllocator(ReserveIds(session, "customers")),
        source_names=lambda: _source_names(session),
    )

    _write_customers(session, plan.new_customer_ids, received_at)
    created = _write_identities(session, plan.new_identities, _first_seen(messages))
    _apply_merges(session, plan)
    _update_traits(session, plan, messages)

    all_ids = {**identity_ids, **created}
    touchpoints = touchpoint_by_event(session)
    # Under the write lock nobody else adds events, so the new ones are those above this id.
    highest = dialect.highest_id(session, "events")
    stored = _write_events(session, messages, all_ids, touchpoints, received_at)
    if any(stored):
        new_events = range(highest + 1, dialect.highest_id(session, "events") + 1)
        for report in reports:
            report.new_events = new_events
    for position, went_in in enumerate(stored):
        report = reports[batch_of[position]]
        if went_in:
            report.accepted += 1
        else:
            report.duplicates += 1
    for position in plan.created_by:
        reports[batch_of[position]].customers_created += 1
    for merge in plan.merges:
        reports[batch_of[merge.claim]].merges += 1
    return reports, created


def _previous_keys(message: Message) -> tuple[IdentityKey, IdentityKey]:
    """The two identities an alias's previous id may be."""
    previous = message.previous_id or ""
    return (
        ("user_id", message.source_id, previous),
        ("anonymous_id", GLOBAL_SCOPE, previous),
    )


def _link_previous(message: Message, known: Mapping[IdentityKey, int]) -> None:
    """An alias's previous id is the earlier user id, or else an anonymous id."""
    as_user, as_anonymous = _previous_keys(message)
    if as_user in message.keys or as_anonymous in message.keys:
        return  # linked already: a group that failed is stored again batch by batch
    previous = as_user if as_user in known or as_anonymous not in known else as_anonymous
    message.keys = (*message.keys, previous)


def _source_names(session: Session) -> dict[int, str]:
    rows = session.execute(select(Source.id, Source.name))
    return {int(source_id): str(name) for source_id, name in rows}


def _write_customers(session: Session, customer_ids: Sequence[int], now: datetime) -> None:
    stamp = dialect.timestamp(session, now)
    rows = [(customer_id, stamp, stamp, "{}") for customer_id in customer_ids]
    dialect.bulk_insert(session, "customers", ("id", "created_at", "updated_at", "traits"), rows)


def _first_seen(messages: Sequence[Message]) -> dict[IdentityKey, str]:
    seen: dict[IdentityKey, str] = {}
    for message in messages:
        for key in message.keys:
            earlier = seen.get(key)
            if earlier is None or message.occurred < earlier:
                seen[key] = message.occurred
    return seen


def _write_identities(
    session: Session,
    new_identities: dict[IdentityKey, int],
    first_seen: dict[IdentityKey, str],
) -> dict[IdentityKey, int]:
    keys = list(new_identities)
    created = dict(zip(keys, ReserveIds(session, "identities")(len(keys)), strict=True))
    as_time = dialect.utc_text_converter(session)
    rows = [
        (identity_id, new_identities[key], *key, as_time(first_seen[key]))
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


def _update_traits(session: Session, plan: Resolution, messages: Sequence[Message]) -> None:
    changes: dict[int, dict[str, Any]] = {}
    identifies = [
        (message.occurred, position) for position, message in enumerate(messages) if message.traits
    ]
    for _, position in sorted(identifies):
        customer = plan.customers[position]
        assert customer is not None, "claims with traits are always resolved to a customer"
        changes.setdefault(plan.final_customer(customer), {}).update(
            messages[position].traits or {}
        )
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
    identity_ids: dict[IdentityKey, int],
    touchpoints: dict[str, int],
    received_at: datetime,
) -> list[bool]:
    """Whether each message went in (False: it was stored before)."""
    as_time = dialect.utc_text_converter(session)
    received = dialect.timestamp(session, received_at)
    rows = [
        (
            message.source_id,
            message.message_id,
            message.type,
            message.name,
            identity_ids[message.keys[0]],
            touchpoints.get(message.name)
            if message.type in MAPPED_TYPES and message.name
            else None,
            as_time(message.occurred),
            received,
            message.properties_json,
            message.context_json,
        )
        for message in messages
    ]
    return dialect.bulk_insert_new(
        session, "events", EVENT_COLUMNS, rows, key=("source_id", "message_id")
    )
