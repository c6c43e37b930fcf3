"""The journey map file: what `kokemus journey load` accepts."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Key = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=64)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class UnitSpec(Strict):
    key: str = Key
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["store", "team", "function", "partner"]
    units: list["UnitSpec"] = []


class TouchpointSpec(Strict):
    key: str = Key
    name: str = Field(min_length=1, max_length=200)
    encounter_kind: Literal["physical", "digital", "brand"]
    channel: str = Field(min_length=1, max_length=32)
    channel_class: Literal["owned", "paid", "earned"]
    owner: str | None = Field(default=None, description="key of the unit that owns it")
    description: str | None = None
    events: list[str] = Field(default=[], description="event or page names that happen here")


class StageSpec(Strict):
    key: str = Key
    name: str = Field(min_length=1, max_length=200)
    description: str | None = None
    touchpoints: list[TouchpointSpec] = []


class JourneySpec(Strict):
    name: str = Field(min_length=1, max_length=200)
    units: list[UnitSpec] = []
    stages: list[StageSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def references_resolve(self) -> "JourneySpec":
        unit_keys = _unique([unit.key for unit in walk_units(self.units)], "unit key")
        _unique([stage.key for stage in self.stages], "stage key")
        touchpoints = [tp for stage in self.stages for tp in stage.touchpoints]
        _unique([tp.key for tp in touchpoints], "touchpoint key")
        _unique([event for tp in touchpoints for event in tp.events], "event name")
        for stage in self.stages:
            for tp in stage.touchpoints:
                if tp.owner is not None and tp.owner not in unit_keys:
                    raise ValueError(
                        f"touchpoint {tp.key!r} names owner {tp.owner!r}, which is not a unit"
                    )
        return self


def walk_units(units: list[UnitSpec]) -> list[UnitSpec]:
    found: list[UnitSpec] = []
    for unit in units:
        found.append(unit)
        found.extend(walk_units(unit.units))
    return found


def _unique(values: list[str], what: str) -> set[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} appears more than once")
        seen.add(value)
    return seen
