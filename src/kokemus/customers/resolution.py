"""Deciding which customer each message belongs to, merging customers it proves are one.

Works on a whole batch at once: one query finds the known identities, the rest happens
in memory, and the caller writes new customers, identities and merges in bulk.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from kokemus.customers.identity import IdentityKey
from kokemus.customers.models import GLOBAL_SCOPE, Identity, Merge

LOOKUP_CHUNK = 500


@dataclass(slots=True)
class PlannedMerge:
    survivor_id: int
    merged_id: int
    reason: str


@dataclass(slots=True)
class Resolution:
    """Customers and identities to create, merges to apply, and each message's identity."""

    new_customer_ids: list[int] = field(default_factory=list)
    new_identities: dict[IdentityKey, int] = field(default_factory=dict)  # key -> customer
    merges: list[PlannedMerge] = field(default_factory=list)
    forward: dict[int, int] = field(default_factory=dict)

    def final_customer(self, customer_id: int) -> int:
        while customer_id in self.forward:
            customer_id = self.forward[customer_id]
        return customer_id


@dataclass(frozen=True, slots=True)
class Claim:
    """The identities one message carries, the most specific first, and how to explain it."""

    keys: Sequence[IdentityKey]
    description: str
    source_names: Mapping[int, str]


def known_identities(
    session: Session, keys: Iterable[IdentityKey]
) -> dict[IdentityKey, tuple[int, int]]:
    """(identity id, customer id) for each key already in the store."""
    wanted = list(set(keys))
    found: dict[IdentityKey, tuple[int, int]] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        rows = session.execute(
            select(
                Identity.kind, Identity.scope, Identity.value, Identity.id, Identity.customer_id
            ).where(tuple_(Identity.kind, Identity.scope, Identity.value).in_(chunk))
        )
        for kind, scope, value, identity_id, customer_id in rows:
            found[IdentityKey(kind, scope, value)] = (identity_id, customer_id)
    return found


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
    known: dict[IdentityKey, tuple[int, int]],
    new_customer_id: "IdAllocator",
) -> tuple[Resolution, list[int]]:
    """Returns the plan and, per claim, the customer it belongs to."""
    plan = Resolution()
    owner: dict[IdentityKey, int] = {key: customer for key, (_, customer) in known.items()}
    owners_per_claim: list[int] = []
    for claim in claims:
        current = {plan.final_customer(owner[key]) for key in claim.keys if key in owner}
        if not current:
            customer = new_customer_id()
            plan.new_customer_ids.append(customer)
        else:
            # The first key is the sender's own id for this person: it decides the owner.
            primary = claim.keys[0]
            customer = plan.final_customer(owner[primary]) if primary in owner else min(current)
            if len(current) > 1:
                customer = _merge_all(session, plan, current, customer, claim, owner)
        for key in claim.keys:
            if key not in owner:
                owner[key] = customer
                plan.new_identities[key] = customer
        owners_per_claim.append(customer)
    return plan, owners_per_claim


def _merge_all(
    session: Session,
    plan: Resolution,
    customers: set[int],
    preferred: int,
    claim: Claim,
    owner: dict[IdentityKey, int],
) -> int:
    survivor = min(customers)
    blocked = blocked_pairs(session, customers)
    if any(len(pair & customers) == 2 for pair in blocked):
        return preferred

    def evidence(customer: int) -> str:
        return ", ".join(
            _describe(key, claim.source_names)
            for key in claim.keys
            if key in owner and plan.final_customer(owner[key]) == customer
        )

    for merged in sorted(customers - {survivor}):
        reason = (
            f"{claim.description} carried {evidence(merged)} of customer {merged} "
            f"together with {evidence(survivor)} of customer {survivor}"
        )
        plan.merges.append(PlannedMerge(survivor, merged, reason))
        plan.forward[merged] = survivor
    return survivor


def _describe(key: IdentityKey, source_names: Mapping[int, str]) -> str:
    if key.scope == GLOBAL_SCOPE:
        return f"{key.kind} {key.value!r}"
    return f"{key.kind} {key.value!r} in {source_names.get(key.scope, key.scope)}"


class IdAllocator:
    """Hands out ids reserved in advance; asks for more when it runs out."""

    def __init__(self, reserve: "ReserveIds") -> None:
        self._reserve = reserve
        self._free: list[int] = []

    def __call__(self) -> int:
        if not self._free:
            self._free = list(reversed(self._reserve(256)))
        return self._free.pop()


class ReserveIds:
    def __init__(self, session: Session, table: str) -> None:
        from kokemus.store import dialect

        self._session = session
        self._table = table
        self._dialect = dialect
        self._next_sqlite: int | None = None

    def __call__(self, count: int) -> list[int]:
        if self._dialect.name(self._session) == "postgresql":
            return self._dialect.allocate_ids(self._session, self._table, count)
        # SQLite: nothing is written until the batch ends, so count on from max(id).
        if self._next_sqlite is None:
            self._next_sqlite = self._dialect.allocate_ids(self._session, self._table, 1)[0]
        start = self._next_sqlite
        self._next_sqlite += count
        return list(range(start, start + count))
