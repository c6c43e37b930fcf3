"""A unit's share of the data, for analyses asked about one unit (with its subtree).

A survey response carries the unit it was given at. An event carries no unit: the model
ties an event to a unit only through its touchpoint's owner unit (as customer access
does), so a unit's events, and the texts they carried, are those at touchpoints its
subtree owns. Events at touchpoints no unit owns belong to the whole organisation only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.journeys.models import Touchpoint
from kokemus.metrics.goals_service import unit_subtree


@dataclass(frozen=True, slots=True)
class UnitScope:
    key: str
    unit_ids: frozenset[int]
    touchpoint_ids: frozenset[int]


def unit_scope(session: Session, unit: str | None) -> UnitScope | None:
    """None for the whole organisation; InvalidInput("unit") for an unknown unit."""
    if unit is None:
        return None
    units = unit_subtree(session, unit)
    owned = session.scalars(select(Touchpoint.id).where(Touchpoint.owner_unit_id.in_(units)))
    return UnitScope(unit, frozenset(units), frozenset(owned))
