"""Who may see which customer: scope follows the touchpoints where the customer was met.

A user scoped to units sees a customer who has an event at a touchpoint owned by one of
those units or a unit below them, or who answered a survey for one of them (a store's
customers meet it at touchpoints the stores share, owned by the unit above them). Admins
and analysts without a scope see everyone.
A partner sees, of such a customer, only what happened at its own touchpoints.
"""

from dataclasses import dataclass

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from kokemus.accounts.scope import Scoped, visible_unit_ids
from kokemus.customers.models import Customer, Identity
from kokemus.ingest.models import Event
from kokemus.journeys.models import Touchpoint
from kokemus.surveys.models import Response


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


def scoped_unit_ids(session: Session, user: Scoped) -> frozenset[int] | None:
    """The units whose survey responses the user may see; None when they see all units."""
    units = visible_unit_ids(session, user)
    return None if units is None else frozenset(units)


def customer_access(session: Session, user: Scoped, customer_id: int) -> CustomerAccess:
    touchpoints = scoped_touchpoint_ids(session, user)
    if touchpoints is None:
        return EVERYTHING
    units = scoped_unit_ids(session, user) or frozenset()
    if not _met_at(session, customer_id, touchpoints) and not _answered_for(
        session, customer_id, units
    ):
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


def _answered_for(session: Session, customer_id: int, units: frozenset[int]) -> bool:
    if not units:
        return False
    found = session.scalar(
        select(Response.id)
        .where(Response.customer_id == customer_id, Response.unit_id.in_(units))
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
    units = scoped_unit_ids(session, user) or frozenset()
    at_touchpoints = Event.touchpoint_id.in_(touchpoints or {-1})
    met = (
        select(Identity.customer_id)
        .join(Event, Event.identity_id == Identity.id)
        .where(at_touchpoints)
    )
    answered = select(Response.customer_id).where(
        Response.unit_id.in_(units or {-1}), Response.customer_id.is_not(None)
    )
    customers = select(func.count()).select_from(union(met, answered).subquery())
    events = select(func.count()).select_from(Event).where(at_touchpoints)
    return Counts(session.scalar(customers) or 0, session.scalar(events) or 0)
