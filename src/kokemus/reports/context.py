"""What every report section is given (the request, the journey's names) and gives back."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.journeys.models import Stage, Touchpoint, Unit
from kokemus.metrics.anonymity import THRESHOLD
from kokemus.metrics.definitions import MetricName
from kokemus.metrics.dimensions import NONE
from kokemus.metrics.service import GroupResult
from kokemus.reports.charts import Chart, Table
from kokemus.reports.period import Period


@dataclass(frozen=True)
class ReportRequest:
    period: Period
    now: datetime
    unit: str | None = None
    # The score the stage, touchpoint and trend sections show.
    metric: MetricName = "nps"
    threshold: int = THRESHOLD
    # Key drivers and moments of truth: a survey and its outcome question; without them,
    # the customer survey with an NPS question that rates most touchpoints.
    drivers_survey: str | None = None
    drivers_outcome: str | None = None
    # What the report is written in: fi, sv or en (see report_texts).
    language: str = "en"


@dataclass(frozen=True)
class Quote:
    text: str
    about: str


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    notes: tuple[str, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    quotes: tuple[tuple[str, tuple[Quote, ...]], ...] = ()


@dataclass(frozen=True)
class Names:
    """What the journey calls its units, stages and touchpoints, and their order."""

    units: Mapping[str, str]
    stages: Mapping[str, tuple[int, str]]
    touchpoints: Mapping[str, tuple[int, int, str]]  # key: (stage position, position, name)
    touchpoint_keys: Mapping[int, str] = field(default_factory=dict)

    def stage(self, key: Mapping[str, str]) -> str:
        value = key["stage"]
        return "No stage" if value == NONE else self.stages.get(value, (0, value))[1]

    def touchpoint(self, key: Mapping[str, str]) -> str:
        value = key["touchpoint"]
        return "No touchpoint" if value == NONE else self.touchpoints.get(value, (0, 0, value))[2]

    def stage_order(self, group: GroupResult) -> tuple[int, str]:
        value = group.key["stage"]
        return (self.stages[value][0], value) if value in self.stages else (1 << 30, value)

    def touchpoint_order(self, group: GroupResult) -> tuple[int, int, str]:
        value = group.key["touchpoint"]
        if value in self.touchpoints:
            stage, position, _ = self.touchpoints[value]
            return stage, position, value
        return 1 << 30, 0, value


def read_names(session: Session) -> Names:
    stages = {
        row.id: (row.key, row.position, row.name)
        for row in session.execute(select(Stage.id, Stage.key, Stage.position, Stage.name))
    }
    touchpoints = session.execute(
        select(
            Touchpoint.id, Touchpoint.key, Touchpoint.stage_id, Touchpoint.position, Touchpoint.name
        )
    ).all()
    return Names(
        units=dict(session.execute(select(Unit.key, Unit.name)).all()),
        stages={key: (position, name) for key, position, name in stages.values()},
        touchpoints={
            row.key: (
                stages[row.stage_id][1] if row.stage_id in stages else 0,
                row.position,
                row.name,
            )
            for row in touchpoints
        },
        touchpoint_keys={row.id: row.key for row in touchpoints},
    )
