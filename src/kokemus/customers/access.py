"""Who may see which customer: scope follows the touchpoints where the customer was met.

A user scoped to units sees a customer who has an event at a touchpoint owned by one of
those units or a unit below them. Admins and analysts without a scope see everyone.
A partner sees, of such a customer, only what happened at its own touchpoints.
"""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kokemus.accounts.scope import Scoped, visible_unit_ids
from kokemus.customers.models import Customer, Identity
from kokemus.ingest.models import Event
from kokemus.journeys.models import Touchpoint


@dataclass(frozen=True)
class CustomerAccess:
    allowed: bool
    # The touchpoints whose events and responses the user may see; None means all.
    touchpoint_ids: frozenset[int] | None


EVERYTHING = CustomerAccess(allowed=True, touchpoint_ids=None)
NOTHING = CustomerAccess(allowed=False, touchpoint_ids=frozenset())


def scoped_touchpoint_ids(session: Session, user: Scoped) -> frozenset[int] | None:
    """The touchpoints owned by units the user may see; None when the user sees all units."""
    units = visible_unit_ids(session, user)
    if units is None:
        return None
    if not units:
        return frozenset()
    found = session.scalars(select(Touchpoint.id).where(Touchpoint.owner_unit_id.in_(units)))
    return frozenset(found)


def customer_access(session: Session, user: Scoped, customer_id: int) -> CustomerAccess:
    touchpoints = scoped_touchpoint_ids(session, user)
    if touchpoints is None:
        return EVERYTHING
    if not touchpoints or not _met_at(session, customer_id, touchpoints):
        return NOTHING
    if user.role == "partner":
        return CustomerAccess(allowed=True, touchpoint_ids=touchpoints)
    return EVERYTHING


def can_see_customer(session: Session, user: Scoped, customer_id: int) -> bool:
    return customer_access(session, user, customer_id).allowed


def _met_at(session: Session, customer_id: int, touchpoints: frozenset[int]) -> bool:
    found = session.scalar(
        select(Event.id)
        .join(Identity, Event.identity_id == Identity.id)
        .where(Identity.customer_id == customer_id, Event.touchpoint_id.in_(touchpoints))
        .limit(1)
    )
    return found is not None


@dataclass(frozen=True)
class Counts:
    customers: int
    events: int


def visible_counts(session: Session, user: Scoped) -> Counts:
    """How many customers and events the user may see: all, or those at their touchpoints."""
    touchpoints = scoped_touchpoint_ids(session, user)
    if touchpoints is None:
        customers = select(func.count()).where(Customer.merged_into_id.is_(None))
        events = select(func.count()).select_from(Event)
        return Counts(session.scalar(customers) or 0, session.scalar(events) or 0)
    if not touchpoints:
        return Counts(0, 0)
    at_touchpoints = Event.touchpoint_id.in_(touchpoints)
    met = (
        select(func.count(func.distinct(Identity.customer_id)))
        .join(Event, Event.identity_id == Identity.id)
        .where(at_touchpoints)
    )
    events = select(func.count()).select_from(Event).where(at_touchpoints)
    return Counts(session.scalar(met) or 0, session.scalar(events) or 0)
