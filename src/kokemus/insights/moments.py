"""Moments of truth: which touchpoints to improve, keep, reduce ("remove or improve").

Each touchpoint is placed by its importance for the outcome (say, its driver share)
against its performance (say, CSAT or the weak share):

- improve: high importance, low performance;
- keep: high importance, high performance;
- reduce: low importance and high effort or friction, a candidate to remove;
- monitor: the rest.

Thresholds default to the medians across the touchpoints. A figure equal to its
threshold is neither high nor low, so the median touchpoint is monitored rather than
pushed into a quadrant by a tie.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from kokemus.errors import DomainError
from kokemus.insights.moment_reasons import render_reason

Action = Literal["improve", "keep", "reduce", "monitor"]
Level = Literal["high", "low", "at"]

MIN_VOLUME = 1


class MomentsDataError(DomainError):
    status_code = 422


@dataclass(frozen=True, slots=True)
class TouchpointFigures:
    name: str
    importance: float
    performance: float
    volume: int
    # Higher means more effort or friction for the customer (a CES where 7 is easy must
    # be turned around first).
    effort: float | None = None


@dataclass(frozen=True, slots=True)
class Thresholds:
    """None where there was nothing to take a median of."""

    importance: float | None
    performance: float | None
    effort: float | None


@dataclass(frozen=True, slots=True)
class Moment:
    name: str
    action: Action
    # Performance "high" means performing well, whichever way the figure runs.
    importance: Level | None
    performance: Level | None
    effort: Level | None
    volume: int
    # In English; `reason_code` and `reason_params` say it in any language (moment_reasons).
    reason: str
    reason_code: str = "monitor"
    reason_params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MomentsOfTruth:
    thresholds: Thresholds
    moments: tuple[Moment, ...]


def classify_moments(
    touchpoints: Sequence[TouchpointFigures],
    *,
    importance_threshold: float | None = None,
    performance_threshold: float | None = None,
    effort_threshold: float | None = None,
    higher_is_better: bool = True,
    min_volume: int = MIN_VOLUME,
) -> MomentsOfTruth:
    """An action and its reason for every touchpoint, in the order given.

    A touchpoint with fewer than `min_volume` responses is monitored and left out of
    the medians. Set `higher_is_better=False` for figures such as the weak share.
    """
    _check(touchpoints)
    counted = [t for t in touchpoints if t.volume >= min_volume]
    thresholds = Thresholds(
        importance=_given_or_median(importance_threshold, [t.importance for t in counted]),
        performance=_given_or_median(performance_threshold, [t.performance for t in counted]),
        effort=_given_or_median(
            effort_threshold, [t.effort for t in counted if t.effort is not None]
        ),
    )
    named = _Names(
        importance="threshold" if importance_threshold is not None else "median",
        performance="threshold" if performance_threshold is not None else "median",
        effort="threshold" if effort_threshold is not None else "median",
    )
    moments = tuple(
        _classify(t, thresholds, named, higher_is_better)
        if t.volume >= min_volume
        else _too_few(t, min_volume)
        for t in touchpoints
    )
    return MomentsOfTruth(thresholds=thresholds, moments=moments)


@dataclass(frozen=True, slots=True)
class _Names:
    importance: str
    performance: str
    effort: str


def _classify(
    touchpoint: TouchpointFigures, thresholds: Thresholds, named: _Names, higher_is_better: bool
) -> Moment:
    importance = _level(touchpoint.importance, thresholds.importance)
    performance = _level(touchpoint.performance, thresholds.performance)
    if not higher_is_better:
        performance = _flipped(performance)
    effort = None if touchpoint.effort is None else _level(touchpoint.effort, thresholds.effort)
    action = _action(importance, performance, effort)
    facts = [
        _fact("importance", importance, touchpoint.importance, thresholds.importance, named),
        # Effort only decides among the touchpoints that matter little.
        _effort_fact(touchpoint, effort, thresholds, named)
        if importance == "low"
        else _fact(
            "performance", performance, touchpoint.performance, thresholds.performance, named
        ),
    ]
    params = {"facts": facts}
    return Moment(
        name=touchpoint.name,
        action=action,
        importance=importance,
        performance=performance,
        effort=effort,
        volume=touchpoint.volume,
        reason=render_reason(action, params, "en"),
        reason_code=action,
        reason_params=params,
    )


def _action(importance: Level, performance: Level, effort: Level | None) -> Action:
    match importance, performance, effort:
        case "high", "low", _:
            return "improve"
        case "high", "high", _:
            return "keep"
        case "low", _, "high":
            return "reduce"
        case _:
            return "monitor"


def _fact(
    measure: str, level: Level, value: float, threshold: float | None, named: _Names
) -> dict[str, Any]:
    return {
        "code": f"{measure}_{level}",
        "value": value,
        "threshold": threshold,
        "basis": getattr(named, measure),
    }


def _effort_fact(
    touchpoint: TouchpointFigures, effort: Level | None, thresholds: Thresholds, named: _Names
) -> dict[str, Any]:
    if touchpoint.effort is None or effort is None:
        return {"code": "no_effort"}
    return _fact("effort", effort, touchpoint.effort, thresholds.effort, named)


def _too_few(touchpoint: TouchpointFigures, min_volume: int) -> Moment:
    params = {"volume": touchpoint.volume, "min_volume": min_volume}
    return Moment(
        name=touchpoint.name,
        action="monitor",
        importance=None,
        performance=None,
        effort=None,
        volume=touchpoint.volume,
        reason=render_reason("too_few", params, "en"),
        reason_code="too_few",
        reason_params=params,
    )


def _level(value: float, threshold: float | None) -> Level:
    if threshold is None or value == threshold:
        return "at"
    return "high" if value > threshold else "low"


def _flipped(level: Level) -> Level:
    return _OPPOSITE[level]


_OPPOSITE: dict[Level, Level] = {"high": "low", "low": "high", "at": "at"}


def _given_or_median(given: float | None, values: list[float]) -> float | None:
    if given is not None:
        return given
    return statistics.median(values) if values else None


def _check(touchpoints: Sequence[TouchpointFigures]) -> None:
    names = [t.name for t in touchpoints]
    if len(set(names)) != len(names):
        duplicated = sorted({name for name in names if names.count(name) > 1})
        raise MomentsDataError(f"touchpoints named more than once: {', '.join(duplicated)}")
    for t in touchpoints:
        figures = {"importance": t.importance, "performance": t.performance}
        if t.effort is not None:
            figures["effort"] = t.effort
        for name, value in figures.items():
            if not math.isfinite(value):
                raise MomentsDataError(f"touchpoint {t.name}: {name} is not a number")
        if t.volume < 0:
            raise MomentsDataError(f"touchpoint {t.name}: volume is negative")
