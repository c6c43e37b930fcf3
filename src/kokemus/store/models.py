"""Every model, imported in one place so metadata and migrations see them all."""

from kokemus.accounts.models import ApiToken
from kokemus.customers.models import Customer, Identity, Merge
from kokemus.ingest.models import Event, Lock, Source
from kokemus.journeys.models import JourneyVersion, Stage, Touchpoint, TouchpointEvent, Unit

__all__ = [
    "ApiToken",
    "Customer",
    "Event",
    "Identity",
    "JourneyVersion",
    "Lock",
    "Merge",
    "Source",
    "Stage",
    "Touchpoint",
    "TouchpointEvent",
    "Unit",
]
