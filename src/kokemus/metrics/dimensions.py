"""What a breakdown can group and filter by, and the journey context that names the groups."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.errors import InvalidInput
from kokemus.journeys.models import Stage, Touchpoint, Unit
from kokemus.metrics.periods import INTERVALS
from kokemus.surveys.models import Survey

# Dimensions read off the touchpoint of each answer.
TOUCHPOINT_DIMENSIONS = ("stage", "touchpoint", "encounter_kind", "channel", "channel_class")
PLAIN_DIMENSIONS = (
    *INTERVALS,
    *TOUCHPOINT_DIMENSIONS,
    "unit",
    "response_channel",
    "language",
    "theme",
    "survey",
    "question",
)
ATTRIBUTE_PREFIX = "attribute:"
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")
NONE = "(none)"


def parse_group_by(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    names = tuple(part.strip() for part in value.split(",") if part.strip())
    for name in names:
        if name.startswith(ATTRIBUTE_PREFIX):
            attribute_name(name, "group_by")
        elif name not in PLAIN_DIMENSIONS:
            raise InvalidInput(
                "group_by", f"{name!r} is not one of {', '.join(PLAIN_DIMENSIONS)}, attribute:NAME"
            )
    periods = [name for name in names if name in INTERVALS]
    if len(periods) > 1:
        raise InvalidInput("group_by", "at most one period (day, week, month, quarter, year)")
    if len(set(names)) != len(names):
        raise InvalidInput("group_by", "a dimension is named twice")
    return names


def attribute_name(dimension: str, field_name: str) -> str:
    name = dimension.removeprefix(ATTRIBUTE_PREFIX)
    if not ATTRIBUTE_NAME.match(name):
        raise InvalidInput(field_name, f"{name!r}: an attribute name is letters, digits and _")
    return name


@dataclass(frozen=True)
class TouchpointInfo:
    key: str
    stage: str
    encounter_kind: str
    channel: str
    channel_class: str

    def value(self, dimension: str) -> str:
        return self.key if dimension == "touchpoint" else str(getattr(self, dimension))


@dataclass(frozen=True)
class Context:
    """Names and the unit tree, read once per breakdown (a few hundred rows at most)."""

    touchpoints: Mapping[int, TouchpointInfo]
    units: Mapping[int, str]
    parents: Mapping[int, int | None]
    surveys: Mapping[int, tuple[str, str]]  # id: (key, kind)
    unit_ids: Mapping[str, int] = field(default_factory=dict)

    def touchpoint_value(self, touchpoint_id: int, dimension: str) -> str:
        info = self.touchpoints.get(touchpoint_id)
        return info.value(dimension) if info else NONE

    def subtree(self, unit_id: int) -> set[int]:
        found = {unit_id}
        changed = True
        while changed:
            changed = False
            for child, parent in self.parents.items():
                if parent in found and child not in found:
                    found.add(child)
                    changed = True
        return found

    def ancestors_and_self(self, unit_id: int) -> list[int]:
        chain = []
        current: int | None = unit_id
        while current is not None and current not in chain:
            chain.append(current)
            current = self.parents.get(current)
        return chain


def read_context(session: Session) -> Context:
    stages: dict[int, str] = {
        row.id: row.key for row in session.execute(select(Stage.id, Stage.key))
    }
    touchpoints = {
        row.id: TouchpointInfo(
            row.key,
            stages.get(row.stage_id, NONE),
            row.encounter_kind,
            row.channel,
            row.channel_class,
        )
        for row in session.execute(
            select(
                Touchpoint.id,
                Touchpoint.key,
                Touchpoint.stage_id,
                Touchpoint.encounter_kind,
                Touchpoint.channel,
                Touchpoint.channel_class,
            )
        )
    }
    units = session.execute(select(Unit.id, Unit.key, Unit.parent_id)).all()
    surveys = session.execute(select(Survey.id, Survey.key, Survey.kind)).all()
    return Context(
        touchpoints=touchpoints,
        units={row.id: row.key for row in units},
        parents={row.id: row.parent_id for row in units},
        surveys={row.id: (row.key, row.kind) for row in surveys},
        unit_ids={row.key: row.id for row in units},
    )
