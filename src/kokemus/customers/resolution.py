"""Deciding which customer each message belongs to, merging customers it proves are one.

Works on a whole batch at once: a few queries find the known identities and, where it
matters, their owners; the rest happens in memory, and the caller writes new customers,
identities and merges in bulk.
"""

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.customers.identity import IdentityKey
from kokemus.customers.models import GLOBAL_SCOPE, Merge
from kokemus.store import dialect


@dataclass(slots=True)
class PlannedMerge:
    survivor_id: int
    merged_id: int
    reason: str
    claim: int  # the position of the message that proved them one


@dataclass(slots=True)
class Resolution:
    """Customers and identities to create, merges to apply, and each message's customer."""

    new_customer_ids: list[int] = field(default_factory=list)
    new_identities: dict[IdentityKey, int] = field(default_factory=dict)  # key -> customer
    merges: list[PlannedMerge] = field(default_factory=list)
    forward: dict[int, int] = field(default_factory=dict)
    # Per claim: its customer, or None where nobody needed to know (one known identity).
    customers: list[int | None] = field(default_factory=list)
    # Per new customer: the position of the message that brought it.
    created_by: list[int] = field(default_factory=list)

    def final_customer(self, customer_id: int) -> int:
        while customer_id in self.forward:
            customer_id = self.forward[customer_id]
        return customer_id


class Claim(Protocol):
    """A message as resolution sees it: the identities it carries, the most specific first."""

    @property
    def keys(self) -> Sequence[IdentityKey]: ...
    @property
    def type(self) -> str: ...
    @property
    def message_id(self) -> str: ...
    @property
    def source_id(self) -> int: ...
    @property
    def needs_customer(self) -> bool: ...


class IdentityCache:
    """Identity ids by key. A key's identity never changes (identities are never deleted,
    only moved between customers), so one import run can keep what it has looked up."""

    def __init__(self, capacity: int = 500_000) -> None:
        self.capacity = capacity
        self._ids: OrderedDict[IdentityKey, int] = OrderedDict()

    def identity_ids(self, session: Session, keys: Iterable[IdentityKey]) -> dict[IdentityKey, int]:
        found: dict[IdentityKey, int] = {}
        missing: set[IdentityKey] = set()
        for key in keys:
            identity_id = self._ids.get(key)
            if identity_id is None:
                missing.add(key)
            else:
                found[key] = identity_id
        if missing:
            fetched = _fetch_identity_ids(session, missing)
            found.update(fetched)
            self.remember(fetched)
        return found

    def remember(self, ids: Mapping[IdentityKey, int]) -> None:
        self._ids.update(ids)
        while len(self._ids) > self.capacity:
            self._ids.popitem(last=False)


def _fetch_identity_ids(session: Session, keys: set[IdentityKey]) -> dict[IdentityKey, int]:
    by_namespace: dict[tuple[str, int], list[str]] = {}
    for key in keys:
        kind, scope, value = key
        by_namespace.setdefault((kind, scope), []).append(value)
    found: dict[IdentityKey, int] = {}
    for (kind, scope), values in by_namespace.items():
        rows = dialect.select_matching(
            session,
            "identities",
            "value, id",
            "value",
            values,
            "kind = {p} AND scope = {p}",
            (kind, scope),
        )
        for value, identity_id in rows:
            found[(kind, scope, value)] = identity_id
    return found


def owners(session: Session, identity_ids: Iterable[int]) -> dict[int, int]:
    """The customer each identity belongs to now."""
    rows = dialect.select_matching(
        session, "identities", "id, customer_id", "id", list(set(identity_ids))
    )
    return {int(identity_id): int(customer) for identity_id, customer in rows}


def blocked_pairs(session: Session, customer_ids: set[int]) -> set[frozenset[int]]:
    """Pairs that an analyst separated again; they are not merged automatically."""
    if len(customer_ids) < 2:
        return set()
    rows = session.execute(
        select(Merge.survivor_id, Merge.merged_id).where(
            Merge.undone_at.is_not(None),
            Merge.survivor_id.in_(customer_ids),
            Merge.merged_id.in_(customer_ids),
        )
    )
    return {frozenset(pair) for pair in rows}


def resolve(
    session: Session,
    claims: Sequence[Claim],
    identity_ids: Mapping[IdentityKey, int],
    new_customer_id: Callable[[], int],
    source_names: Callable[[], Mapping[int, str]],
) -> Resolution:
    plan = Resolution()
    involved = [
        identity_ids[key]
        for claim in claims
        if len(claim.keys) > 1 or claim.needs_customer
        for key in claim.keys
        if key in identity_ids
    ]
    customer_of_identity = owners(session, involved)
    owner: dict[IdentityKey, int] = {
        key: customer_of_identity[identity_id]
        for key, identity_id in identity_ids.items()
        if identity_id in customer_of_identity
    }
    for position, claim in enumerate(claims):
        keys = claim.keys
        if len(keys) == 1 and not claim.needs_customer and keys[0] in identity_ids:
            plan.customers.append(None)  # the common case: a known identity, nothing to decide
            continue
        current = {plan.final_customer(owner[key]) for key in keys if key in owner}
        if not current:
            customer = new_customer_id()
            plan.new_customer_ids.append(customer)
            plan.created_by.append(position)
        else:
            # The first key is the sender's own id for this person: it decides the owner.
            primary = keys[0]
            customer = plan.final_customer(owner[primary]) if primary in owner else min(current)
            if len(current) > 1:
                names = source_names()
                customer = _merge_all(
                    session, plan, current, customer, claim, position, owner, names
                )
        for key in keys:
            if key not in owner and key not in identity_ids:
                owner[key] = customer
                plan.new_identities[key] = customer
        plan.customers.append(customer)
    return plan


def _merge_all(
    session: Session,
    plan: Resolution,
    customers: set[int],
    preferred: int,
    claim: Claim,
    position: int,
    owner: dict[IdentityKey, int],
    source_names: Mapping[int, str],
) -> int:
    survivor = min(customers)
    blocked = blocked_pairs(session, customers)
    if any(len(pair & customers) == 2 for pair in blocked):
        return preferred

    def evidence(customer: int) -> str:
        return ", ".join(
            _describe(key, source_names)
            for key in claim.keys
            if key in owner and plan.final_customer(owner[key]) == customer
        )

    for merged in sorted(customers - {survivor}):
        source = source_names.get(claim.source_id, claim.source_id)
        reason = (
            f"{claim.type} message {claim.message_id!r} from {source} "
            f"carried {evidence(merged)} of customer {merged} "
            f"together with {evidence(survivor)} of customer {survivor}"
        )
        plan.merges.append(PlannedMerge(survivor, merged, reason, position))
        plan.forward[merged] = survivor
    return survivor


def _describe(key: IdentityKey, source_names: Mapping[int, str]) -> str:
    kind, scope, value = key
    if scope == GLOBAL_SCOPE:
        return f"{kind} {value!r}"
    return f"{kind} {value!r} in {source_names.get(scope, scope)}"


class IdAllocator:
    """Hands out ids reserved in advance; asks for more when it runs out."""

    def __init__(self, reserve: Callable[[int], list[int]]) -> None:
        self._reserve = reserve
        self._free: list[int] = []

    def __call__(self) -> int:
        if not self._free:
            self._free = list(reversed(self._reserve(256)))
        return self._free.pop()


class ReserveIds:
    """Reserves primary keys for rows written in bulk; the caller holds the write lock."""

    def __init__(self, session: Session, table: str) -> None:
        self._session = session
        self._table = table
        self._next_sqlite: int | None = None

    def __call__(self, count: int) -> list[int]:
        if dialect.name(self._session) == "postgresql":
            return dialect.allocate_ids(self._session, self._table, count)
        # SQLite: nothing is written until the batch ends, so count on from max(id).
        if self._next_sqlite is None:
            self._next_sqlite = dialect.allocate_ids(self._session, self._table, 1)[0]
        start = self._next_sqlite
        self._next_sqlite += count
        return list(range(start, start + count))
