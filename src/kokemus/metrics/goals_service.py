"""Goals in the store: set, list, change and remove them, and where each one stands.

A goal's unit counts with its subtree and its touchpoint narrows it further, as in a
breakdown; its period runs from the first local day to the last, both included.

Where it stands is `goals.goal_status` on the period's figure so far (the breakdown of
the goal's metric, unit and touchpoint from the first day to the day before `now`) and its
history: the figure so far at the end of each week of the period. A week whose figure so
far rests on fewer than MIN_HISTORY_N answers is left out, being mostly noise that would
tilt the trend line; for employee figures the anonymity threshold is the floor too.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.audit.service import SYSTEM, Actor, record
from kokemus.errors import Conflict, InvalidInput, NotFound
from kokemus.journeys.models import Touchpoint, Unit
from kokemus.metrics.anonymity import THRESHOLD
from kokemus.metrics.breakdown import (
    MAX_RANGE_DAYS,
    QUESTION_TYPES,
    BreakdownQuery,
    Filters,
    group_counts,
    read_counts,
)
from kokemus.metrics.definitions import VALUE_RANGES, Estimate, MetricName, estimate
from kokemus.metrics.goals import GoalStatus, goal_status
from kokemus.metrics.models import Goal
from kokemus.metrics.rollups import organisation_zone
from kokemus.metrics.service import breakdown, estimate_view

METRICS: tuple[MetricName, ...] = ("nps", "enps", "csat", "stars", "ces", "expectation")
assert set(METRICS) == set(QUESTION_TYPES)
# Every score Kokemus keeps goals for is better higher: CES asks how far one agrees it
# was easy (CES 2.0), so 7 is the best answer there too.
HIGHER_IS_BETTER: Mapping[str, bool] = dict.fromkeys(METRICS, True)
MIN_HISTORY_N = 10
FIRST_YEAR, LAST_YEAR = 1990, 2999


@dataclass(frozen=True)
class GoalInput:
    metric: str
    period_start: date
    period_end: date  # the last day, included
    target: float
    unit: str | None = None
    touchpoint: str | None = None


@dataclass(frozen=True)
class GoalReport:
    goal: Goal
    unit: str | None
    touchpoint: str | None
    # The period's figure so far; None before the period starts.
    current: Estimate | None
    status: GoalStatus


def parse_day(value: str, field_name: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field_name, f"{value!r} is not a day (YYYY-MM-DD)") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(field_name, f"{value}: a year from {FIRST_YEAR} to {LAST_YEAR}")
    return day


def get_goal(session: Session, goal_id: int) -> Goal:
    goal = session.get(Goal, goal_id)
    if goal is None:
        raise NotFound(f"no goal {goal_id}")
    return goal


def list_goals(
    session: Session,
    *,
    unit: str | None = None,
    metric: str | None = None,
    overlapping: tuple[date, date] | None = None,
) -> list[Goal]:
    """Goals, by period then id; `unit` takes its subtree's goals, `overlapping` a range's."""
    statement = select(Goal).order_by(Goal.period_start, Goal.period_end, Goal.id)
    if unit is not None:
        statement = statement.where(Goal.unit_id.in_(unit_subtree(session, unit)))
    if metric is not None:
        statement = statement.where(Goal.metric == _metric(metric))
    if overlapping is not None:
        first, last = overlapping
        statement = statement.where(Goal.period_start <= last, Goal.period_end >= first)
    return list(session.scalars(statement))


def create_goal(
    session: Session, data: GoalInput, *, actor: Actor = SYSTEM, via: str | None = None
) -> Goal:
    values = _checked(session, data)
    _no_twin(session, values, None)
    goal = Goal(**values)
    session.add(goal)
    session.flush()
    _audit(session, "goal.create", goal, actor, via)
    return goal


def update_goal(
    session: Session,
    goal_id: int,
    data: GoalInput,
    *,
    actor: Actor = SYSTEM,
    via: str | None = None,
) -> Goal:
    goal = get_goal(session, goal_id)
    values = _checked(session, data)
    _no_twin(session, values, goal.id)
    for name, value in values.items():
        setattr(goal, name, value)
    session.flush()
    _audit(session, "goal.update", goal, actor, via)
    return goal


def set_goal(
    session: Session, data: GoalInput, *, actor: Actor = SYSTEM, via: str | None = None
) -> tuple[Goal, bool]:
    """The goal for this metric, unit, touchpoint and period, made or given the new target."""
    values = _checked(session, data)
    twin = _twin(session, values, None)
    if twin is None:
        return create_goal(session, data, actor=actor, via=via), True
    return update_goal(session, twin.id, data, actor=actor, via=via), False


def delete_goal(
    session: Session, goal_id: int, *, actor: Actor = SYSTEM, via: str | None = None
) -> None:
    goal = get_goal(session, goal_id)
    _audit(session, "goal.delete", goal, actor, via)
    session.delete(goal)
    session.flush()


def goal_reports(
    session: Session,
    goals: Sequence[Goal],
    *,
    now: datetime,
    threshold: int = THRESHOLD,
) -> list[GoalReport]:
    units = dict(session.execute(select(Unit.id, Unit.key)).all())
    touchpoints = dict(session.execute(select(Touchpoint.id, Touchpoint.key)).all())
    return [
        _report(
            session,
            goal,
            units.get(goal.unit_id) if goal.unit_id else None,
            touchpoints.get(goal.touchpoint_id) if goal.touchpoint_id else None,
            now,
            threshold,
        )
        for goal in goals
    ]


def goal_view(report: GoalReport) -> dict[str, object]:
    goal = report.goal
    return {
        "id": goal.id,
        "metric": goal.metric,
        "unit": report.unit,
        "touchpoint": report.touchpoint,
        "period_start": goal.period_start.isoformat(),
        "period_end": goal.period_end.isoformat(),
        "target": goal.target,
        "created_at": goal.created_at.isoformat(),
        "status": report.status.status,
        "projected": report.status.projected,
        "reason": report.status.reason,
        "current": None if report.current is None else estimate_view(report.current),
    }


def period_bounds(goal: Goal) -> tuple[datetime, datetime]:
    """The period as moments: local midnight of its first day to that after its last."""
    zone = organisation_zone()
    return (
        datetime.combine(goal.period_start, time(), zone),
        datetime.combine(goal.period_end + timedelta(days=1), time(), zone),
    )


def _report(
    session: Session,
    goal: Goal,
    unit: str | None,
    touchpoint: str | None,
    now: datetime,
    threshold: int,
) -> GoalReport:
    metric = _metric(goal.metric)
    start, end = period_bounds(goal)
    higher = HIGHER_IS_BETTER[metric]
    if now < start:
        empty = Estimate(metric, None, 0, None, None, {})
        status = goal_status(
            goal.target,
            higher_is_better=higher,
            current=empty,
            period_start=start,
            period_end=end,
            now=now,
        )
        return GoalReport(goal, unit, touchpoint, None, status)
    # The days with figures: up to the one before `now` (its own day, while it lasts).
    last = min(goal.period_end, (now.astimezone(start.tzinfo) - timedelta(microseconds=1)).date())
    current = Estimate(metric, None, 0, None, None, {})
    history: list[tuple[datetime, float]] = []
    if last >= goal.period_start:
        query = BreakdownQuery(
            metric,
            goal.period_start,
            last,
            filters=Filters(unit=unit, touchpoint=(touchpoint,) if touchpoint else ()),
        )
        current = breakdown(session, query, threshold=threshold).total.estimate
        history = _history(session, replace(query, group_by=("day",)), threshold)
    status = goal_status(
        goal.target,
        higher_is_better=higher,
        current=current,
        period_start=start,
        period_end=end,
        now=now,
        history=history,
    )
    return GoalReport(goal, unit, touchpoint, current, status)


def _history(
    session: Session, query: BreakdownQuery, threshold: int
) -> list[tuple[datetime, float]]:
    """The figure so far at the end of each whole week since the first day."""
    context, the_plan, counts = read_counts(session, query)
    by_day = {
        date.fromisoformat(key[0]): histogram
        for key, histogram in group_counts(query, the_plan, context, counts).items()
    }
    floor = max(MIN_HISTORY_N, threshold) if query.kind == "employee" else MIN_HISTORY_N
    zone = organisation_zone()
    so_far = [0] * 11
    points: list[tuple[datetime, float]] = []
    day = query.first
    while day <= query.last:
        for score, count in enumerate(by_day.get(day, ())):
            so_far[score] += count
        day += timedelta(days=1)
        if (day - query.first).days % 7 == 0 and sum(so_far) >= floor:
            figure = estimate(query.metric, so_far).value
            if figure is not None:
                points.append((datetime.combine(day, time(), zone), figure))
    return points


def _metric(value: str) -> MetricName:
    if value not in METRICS:
        raise InvalidInput("metric", f"{value!r} is not one of {', '.join(METRICS)}")
    return value


def unit_subtree(session: Session, unit: str) -> set[int]:
    parents = dict(session.execute(select(Unit.id, Unit.parent_id)).all())
    keys = dict(session.execute(select(Unit.key, Unit.id)).all())
    if unit not in keys:
        raise InvalidInput("unit", f"no unit {unit!r}")
    found = {keys[unit]}
    while True:
        more = {child for child, parent in parents.items() if parent in found} - found
        if not more:
            return found
        found |= more


def _checked(session: Session, data: GoalInput) -> dict[str, object]:
    metric = _metric(data.metric)
    if data.period_end < data.period_start:
        raise InvalidInput("period_end", "the period ends before it starts")
    if (data.period_end - data.period_start).days > MAX_RANGE_DAYS:
        raise InvalidInput("period_end", f"a period of at most {MAX_RANGE_DAYS} days")
    low, high = VALUE_RANGES[metric]
    if not math.isfinite(data.target) or not low <= data.target <= high:
        raise InvalidInput("target", f"{data.target:g} is not within {metric}'s {low:g}..{high:g}")
    unit_id = touchpoint_id = None
    if data.unit is not None:
        unit_id = session.scalar(select(Unit.id).where(Unit.key == data.unit))
        if unit_id is None:
            raise InvalidInput("unit", f"no unit {data.unit!r}")
    if data.touchpoint is not None:
        touchpoint_id = session.scalar(
            select(Touchpoint.id).where(Touchpoint.key == data.touchpoint)
        )
        if touchpoint_id is None:
            raise InvalidInput("touchpoint", f"no touchpoint {data.touchpoint!r}")
    return {
        "metric": metric,
        "unit_id": unit_id,
        "touchpoint_id": touchpoint_id,
        "period_start": data.period_start,
        "period_end": data.period_end,
        "target": float(data.target),
    }


def _twin(session: Session, values: Mapping[str, object], goal_id: int | None) -> Goal | None:
    """Another goal for the same metric, unit, touchpoint and period."""
    statement = select(Goal).where(
        Goal.metric == values["metric"],
        Goal.period_start == values["period_start"],
        Goal.period_end == values["period_end"],
        Goal.unit_id.is_(None) if values["unit_id"] is None else Goal.unit_id == values["unit_id"],
        Goal.touchpoint_id.is_(None)
        if values["touchpoint_id"] is None
        else Goal.touchpoint_id == values["touchpoint_id"],
    )
    if goal_id is not None:
        statement = statement.where(Goal.id != goal_id)
    return session.scalars(statement.limit(1)).first()


def _no_twin(session: Session, values: Mapping[str, object], goal_id: int | None) -> None:
    twin = _twin(session, values, goal_id)
    if twin is not None:
        raise Conflict(
            f"goal {twin.id} already sets {twin.metric} for this unit, touchpoint and period"
        )


def _audit(session: Session, action: str, goal: Goal, actor: Actor, via: str | None) -> None:
    details: dict[str, object] = {
        "metric": goal.metric,
        "unit_id": goal.unit_id,
        "touchpoint_id": goal.touchpoint_id,
        "period_start": goal.period_start.isoformat(),
        "period_end": goal.period_end.isoformat(),
        "target": goal.target,
    }
    if via:
        details["via"] = via
    record(session, action, actor=actor, target=f"goal:{goal.id}", details=details)
