"""/api/v1/goals: targets per metric, unit and period, each with where it stands now."""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from kokemus.api.deps import AppSettings, DbSession, ReadToken, WriteToken, known_query_only
from kokemus.api.schemas import error_responses
from kokemus.errors import InvalidInput
from kokemus.metrics import goals_service as service
from kokemus.metrics.models import Goal
from kokemus.store.base import utcnow

DAY = r"^\d{4}-\d{2}-\d{2}$"
router = APIRouter(
    prefix="/api/v1/goals",
    tags=["Goals"],
    responses=error_responses(401, 403, 422),
    dependencies=[Depends(known_query_only)],
)
GoalId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Metric = Literal["nps", "enps", "csat", "stars", "ces", "expectation"]
assert set(Metric.__args__) == set(service.METRICS)  # type: ignore[attr-defined]
Key = Annotated[str, Field(min_length=1, max_length=64)]


class GoalBody(BaseModel):
    # Strict: a target sent as "40" or a unit as 7 is refused, as the schema says.
    model_config = ConfigDict(extra="forbid", strict=True)

    metric: Metric
    target: float = Field(
        ge=-100,
        le=100,
        allow_inf_nan=False,
        description="within the metric's range: -100..100 for nps, enps and expectation, "
        "0..100 for csat, 1..7 for ces, 1..5 for stars",
    )
    period_start: str = Field(pattern=DAY, description="first local day, YYYY-MM-DD")
    period_end: str = Field(pattern=DAY, description="last local day (included), YYYY-MM-DD")
    unit: Key | None = Field(default=None, description="unit key; counts its subtree")
    touchpoint: Key | None = Field(default=None, description="touchpoint key")

    def to_input(self) -> service.GoalInput:
        return service.GoalInput(
            metric=self.metric,
            period_start=service.parse_day(self.period_start, "period_start"),
            period_end=service.parse_day(self.period_end, "period_end"),
            target=self.target,
            unit=self.unit,
            touchpoint=self.touchpoint,
        )


def _views(session: DbSession, settings: AppSettings, goals: list[Goal]) -> list[dict[str, Any]]:
    reports = service.goal_reports(
        session, goals, now=utcnow(), threshold=settings.anonymity_threshold
    )
    return [service.goal_view(report) for report in reports]


@router.get("")
def list_goals(
    session: DbSession,
    settings: AppSettings,
    _token: ReadToken,
    unit: Annotated[
        str | None, Query(max_length=64, description="unit key: its goals and its subtree's")
    ] = None,
    metric: Metric | None = None,
    from_: Annotated[
        str | None, Query(alias="from", pattern=DAY, description="goals whose period overlaps")
    ] = None,
    to: Annotated[str | None, Query(pattern=DAY, description="with from: last day")] = None,
) -> list[dict[str, Any]]:
    """Goals by period, each with its status (on_track, at_risk, missed, met, not_started),
    the figure so far with its n and interval, the projection and the reason."""
    overlapping = None
    if from_ is not None or to is not None:
        first = service.parse_day(from_, "from") if from_ else date.min
        last = service.parse_day(to, "to") if to else date.max
        if last < first:
            raise InvalidInput("to", "the range ends before it starts")
        overlapping = (first, last)
    goals = service.list_goals(session, unit=unit, metric=metric, overlapping=overlapping)
    return _views(session, settings, goals)


@router.post("", status_code=201, responses=error_responses(400, 409))
def create_goal(
    session: DbSession, settings: AppSettings, token: WriteToken, body: GoalBody
) -> dict[str, Any]:
    """A new goal; 409 when one already sets the metric for that unit, touchpoint and
    period."""
    goal = service.create_goal(session, body.to_input(), via=f"API token {token.name}")
    return _views(session, settings, [goal])[0]


@router.get("/{goal_id}", responses=error_responses(404))
def get_goal(
    session: DbSession, settings: AppSettings, _token: ReadToken, goal_id: GoalId
) -> dict[str, Any]:
    return _views(session, settings, [service.get_goal(session, goal_id)])[0]


@router.put("/{goal_id}", responses=error_responses(400, 404, 409))
def update_goal(
    session: DbSession, settings: AppSettings, token: WriteToken, goal_id: GoalId, body: GoalBody
) -> dict[str, Any]:
    """Replace the goal's metric, target, period, unit and touchpoint."""
    goal = service.update_goal(session, goal_id, body.to_input(), via=f"API token {token.name}")
    return _views(session, settings, [goal])[0]


@router.delete("/{goal_id}", status_code=204, responses=error_responses(404))
def delete_goal(session: DbSession, token: WriteToken, goal_id: GoalId) -> Response:
    service.delete_goal(session, goal_id, via=f"API token {token.name}")
    return Response(status_code=204)
