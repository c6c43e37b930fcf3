"""Where a goal stands: a target for one metric, unit and period.

The rule, first match wins:

- before the period starts: `not_started`;
- from its end on: `met` if the period's figure reaches the target (>= when higher is
  better, <= when lower is), else `missed`, also when there is no figure;
- during it, the projection is where the figure will be at the period end: the least
  squares line through the figures of `history` inside the period and the current one,
  carried to the end, when there are at least three at two or more moments; otherwise
  the current figure. It is kept within the metric's range. The goal is `on_track` when
  the current figure, the worse end of its interval and the projection all reach the
  target, and `at_risk` otherwise: the target lies inside the interval, the figure is short
  of it now, or the trend crosses it before the end (either way). A period without a
  figure yet is at risk too.

A past period is judged on its figure alone, not its interval: that is what was reported.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from kokemus.metrics.definitions import VALUE_RANGES, Estimate

Status = Literal["on_track", "at_risk", "missed", "met", "not_started"]
# Fewer points than this are a line through noise: the projection is the current figure.
TREND_POINTS = 3


@dataclass(frozen=True)
class GoalStatus:
    status: Status
    projected: float | None
    reason: str
    # The reason as a code and its facts, so that a report can say it in its own language.
    reason_code: str = field(default="", compare=False)
    reason_params: dict[str, str | int | float] = field(default_factory=dict, compare=False)


# Each reason code's English text, filled in with its params as `goal_status` gives them.
REASONS = {
    "not_started": "starts {start}",
    "no_responses_yet": "no responses yet",
    "withheld_yet": "withheld: fewer respondents than the anonymity threshold yet",
    "no_responses_period": "no responses for the period",
    "withheld_period": "withheld: fewer respondents than the anonymity threshold for the period",
    "reached": "{value:.1f} reached the target {target:g}",
    "fell_short": "{value:.1f} fell short of the target {target:g}",
    "short_now": "now {value:.1f}, short of the target {target:g}",
    "short_now_late": "now {value:.1f}, short of the target {target:g}; the trend reaches it "
    "only late ({projected:.1f} at the end)",
    "trend_short": "now {value:.1f}, but the trend ends at {projected:.1f}, short of {target:g}",
    "inside_interval": "now {value:.1f}, but the target {target:g} is inside the interval "
    "{ci_low:.1f}..{ci_high:.1f} (n = {n})",
    "on_track": "now {value:.1f}, {projected:.1f} at the end; target {target:g}",
}


def _status(
    status: Status, projected: float | None, code: str, /, **params: str | int | float
) -> GoalStatus:
    return GoalStatus(status, projected, REASONS[code].format(**params), code, params)


def goal_status(
    target: float,
    *,
    higher_is_better: bool,
    current: Estimate,
    period_start: datetime,
    period_end: datetime,
    now: datetime,
    history: Sequence[tuple[datetime, float]] = (),
) -> GoalStatus:
    if period_end <= period_start:
        raise ValueError(f"period_end: {period_end} is not after period_start {period_start}")
    if now < period_start:
        return _status("not_started", None, "not_started", start=period_start.date().isoformat())
    value = current.value
    if now >= period_end:
        return _ended(target, higher_is_better, current)
    if value is None:
        return _status("at_risk", None, _no_figure(current, "yet"))
    points = [(at, figure) for at, figure in history if period_start <= at < now]
    projected = _projection(points + [(now, value)], period_start, period_end, current.metric)
    return _in_progress(target, higher_is_better, current, value, projected)


def _ended(target: float, higher_is_better: bool, current: Estimate) -> GoalStatus:
    value = current.value
    if value is None:
        return _status("missed", None, _no_figure(current, "period"))
    if reaches(value, target, higher_is_better):
        return _status("met", value, "reached", value=value, target=target)
    return _status("missed", value, "fell_short", value=value, target=target)


def _in_progress(
    target: float, higher_is_better: bool, current: Estimate, value: float, projected: float
) -> GoalStatus:
    worse_end = current.ci_low if higher_is_better else current.ci_high
    facts = {"value": value, "target": target, "projected": projected}
    if not reaches(value, target, higher_is_better):
        late = reaches(projected, target, higher_is_better)
        return _status("at_risk", projected, "short_now_late" if late else "short_now", **facts)
    if not reaches(projected, target, higher_is_better):
        return _status("at_risk", projected, "trend_short", **facts)
    if (
        worse_end is not None
        and current.ci_low is not None
        and current.ci_high is not None
        and not reaches(worse_end, target, higher_is_better)
    ):
        interval = {"ci_low": current.ci_low, "ci_high": current.ci_high, "n": current.n}
        return _status("at_risk", projected, "inside_interval", **facts, **interval)
    return _status("on_track", projected, "on_track", **facts)


def reaches(value: float, target: float, higher_is_better: bool) -> bool:
    return value >= target if higher_is_better else value <= target


def _no_figure(current: Estimate, when: str) -> str:
    return f"{'withheld' if current.withheld else 'no_responses'}_{when}"


def _projection(
    points: Sequence[tuple[datetime, float]], start: datetime, end: datetime, metric: str
) -> float:
    seconds = [(at - start).total_seconds() for at, _ in points]
    figures = [figure for _, figure in points]
    if len(points) < TREND_POINTS or len(set(seconds)) < 2:
        return figures[-1]
    projected = _line_at(seconds, figures, (end - start).total_seconds())
    low, high = VALUE_RANGES.get(metric, (-math.inf, math.inf))
    return min(max(projected, low), high)


def _line_at(xs: Sequence[float], ys: Sequence[float], x: float) -> float:
    """The least squares line through (xs, ys), read at x."""
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    covariance = sum((a - mean_x) * (b - mean_y) for a, b in zip(xs, ys, strict=True))
    spread = sum((a - mean_x) ** 2 for a in xs)
    return mean_y + covariance / spread * (x - mean_x)
