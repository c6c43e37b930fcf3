from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from kokemus.ingest.models import Event
from kokemus.journeys.errors import JourneyFileError
from kokemus.journeys.models import JourneyVersion, Stage, Touchpoint, TouchpointEvent, Unit
from kokemus.journeys.schemas import JourneySpec, UnitSpec
from kokemus.store import dialect

MAPPED_TYPES = ("track", "page", "screen")


def default_journey_text() -> str:
    return resources.files("kokemus.journeys").joinpath("data/default_journey.yaml").read_text()


def parse_journey(text: str) -> JourneySpec:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise JourneyFileError([f"not valid YAML: {error}"]) from None
    if not isinstance(document, dict):
        raise JourneyFileError(["the file must be a mapping with name, units and stages"])
    try:
        return JourneySpec.model_validate(document)
    except ValidationError as error:
        raise JourneyFileError([_describe(problem) for problem in error.errors()]) from None


def _describe(problem: Any) -> str:
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in problem["loc"])
    message = str(problem["msg"]).removeprefix("Value error, ")
    return f"{where.lstrip('.') or '(file)'}: {message}"


@dataclass(frozen=True)
class LoadSummary:
    units: int
    stages: int
    touchpoints: int
    events_mapped: int


def load_journey(session: Session, spec: JourneySpec, document: str) -> LoadSummary:
    """Make the stored map equal the file; touchpoints not in it are kept but inactive."""
    session.add(JourneyVersion(name=spec.name, document=document))
    units = _load_units(session, spec.units)
    stage_ids = _load_stages(session, spec)
    touchpoint_ids = _load_touchpoints(session, spec, stage_ids, units)
    session.flush()
    mapped = remap_events(session)
    return LoadSummary(len(units), len(stage_ids), len(touchpoint_ids), mapped)


def _load_units(session: Session, specs: list[UnitSpec]) -> dict[str, int]:
    existing = {unit.key: unit for unit in session.scalars(select(Unit))}
    ids: dict[str, int] = {}

    def place(spec: UnitSpec, parent_id: int | None) -> None:
        unit = existing.get(spec.key) or Unit(key=spec.key)
        unit.name, unit.kind, unit.parent_id = spec.name, spec.kind, parent_id
        session.add(unit)
        session.flush()
        ids[spec.key] = unit.id
        for child in spec.units:
            place(child, unit.id)

    for spec in specs:
        place(spec, None)
    return ids | {key: unit.id for key, unit in existing.items() if key not in ids}


def _load_stages(session: Session, spec: JourneySpec) -> dict[str, int]:
    existing = {stage.key: stage for stage in session.scalars(select(Stage))}
    for stage in existing.values():
        stage.active = False
    ids: dict[str, int] = {}
    for position, stage_spec in enumerate(spec.stages, start=1):
        stage = existing.get(stage_spec.key) or Stage(key=stage_spec.key)
        stage.name, stage.position, stage.active = stage_spec.name, position, True
        stage.description = stage_spec.description
        session.add(stage)
        session.flush()
        ids[stage_spec.key] = stage.id
    return ids


def _load_touchpoints(
    session: Session, spec: JourneySpec, stage_ids: dict[str, int], units: dict[str, int]
) -> dict[str, int]:
    existing = {tp.key: tp for tp in session.scalars(select(Touchpoint))}
    for touchpoint in existing.values():
        touchpoint.active = False
    session.execute(delete(TouchpointEvent))
    ids: dict[str, int] = {}
    for stage_spec in spec.stages:
        for position, tp_spec in enumerate(stage_spec.touchpoints, start=1):
            touchpoint = existing.get(tp_spec.key) or Touchpoint(key=tp_spec.key)
            touchpoint.name = tp_spec.name
            touchpoint.stage_id = stage_ids[stage_spec.key]
            touchpoint.position = position
            touchpoint.encounter_kind = tp_spec.encounter_kind
            touchpoint.channel = tp_spec.channel
            touchpoint.channel_class = tp_spec.channel_class
            touchpoint.owner_unit_id = units[tp_spec.owner] if tp_spec.owner else None
            touchpoint.description = tp_spec.description
            touchpoint.active = True
            session.add(touchpoint)
            session.flush()
            ids[tp_spec.key] = touchpoint.id
            session.add_all(
                TouchpointEvent(touchpoint_id=touchpoint.id, event_name=name)
                for name in tp_spec.events
            )
    return ids


def touchpoint_by_event(session: Session) -> dict[str, int]:
    rows = dialect.run(session, "SELECT event_name, touchpoint_id FROM touchpoint_events")
    return {str(name): int(touchpoint_id) for name, touchpoint_id in rows}


def remap_events(session: Session) -> int:
    """Point stored events at the touchpoints their names map to now; returns rows touched."""
    mapping = (
        select(TouchpointEvent.touchpoint_id)
        .where(TouchpointEvent.event_name == Event.name)
        .scalar_subquery()
    )
    result = session.execute(
        update(Event).where(Event.type.in_(MAPPED_TYPES)).values(touchpoint_id=mapping),
        execution_options={"synchronize_session": False},
    )
    session.flush()
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class UnmappedName:
    name: str
    type: str
    count: int
    last_seen: Any


def unmapped(session: Session) -> list[UnmappedName]:
    rows = session.execute(
        select(Event.name, Event.type, func.count(), func.max(Event.occurred_at))
        .where(Event.type.in_(MAPPED_TYPES), Event.touchpoint_id.is_(None))
        .group_by(Event.name, Event.type)
        .order_by(func.count().desc(), Event.name)
    )
    return [
        UnmappedName(name or "(no name)", kind, count, last) for name, kind, count, last in rows
    ]


def journey_document(session: Session) -> dict[str, Any]:
    """The stored map in the file's own shape, so `show` output can be loaded again."""
    units = list(session.scalars(select(Unit).order_by(Unit.id)))
    unit_key = {unit.id: unit.key for unit in units}

    def unit_tree(parent: int | None) -> list[dict[str, Any]]:
        return [
            {"key": u.key, "name": u.name, "kind": u.kind}
            | ({"units": unit_tree(u.id)} if any(c.parent_id == u.id for c in units) else {})
            for u in units
            if u.parent_id == parent
        ]

    events: dict[int, list[str]] = {}
    for link in session.scalars(select(TouchpointEvent).order_by(TouchpointEvent.id)):
        events.setdefault(link.touchpoint_id, []).append(link.event_name)
    touchpoints = session.scalars(
        select(Touchpoint).where(Touchpoint.active).order_by(Touchpoint.position)
    ).all()
    stages = []
    for stage in session.scalars(select(Stage).where(Stage.active).order_by(Stage.position)):
        stage_doc: dict[str, Any] = {"key": stage.key, "name": stage.name}
        if stage.description:
            stage_doc["description"] = stage.description
        stage_doc["touchpoints"] = [
            {
                "key": tp.key,
                "name": tp.name,
                "encounter_kind": tp.encounter_kind,
                "channel": tp.channel,
                "channel_class": tp.channel_class,
            }
            | ({"owner": unit_key[tp.owner_unit_id]} if tp.owner_unit_id else {})
            | ({"description": tp.description} if tp.description else {})
            | {"events": events.get(tp.id, [])}
            for tp in touchpoints
            if tp.stage_id == stage.id
        ]
        stages.append(stage_doc)
    latest = session.scalars(select(JourneyVersion).order_by(JourneyVersion.id.desc())).first()
    name = latest.name if latest else "Journey map"
    return {"name": name, "units": unit_tree(None), "stages": stages}
