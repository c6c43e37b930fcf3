"""Does caring for employees show in customers' experience? EX against CX, unit by unit.

For each employee measure (eNPS, the five-star workday, the five-star meeting; which
question of the employee surveys each is, is a parameter) every unit's figure comes from
the breakdown service by unit, so it is exactly the figure the metrics API shows, withheld
under the anonymity threshold the same way (with the complementary suppression along the
unit tree). A unit's figure covers its subtree, so a unit and its parent would be the same
people counted twice: the points are the shown units with no shown unit below them. Each
point pairs the employees' figure with the unit's customer score (CSAT or NPS, also over
its subtree); Spearman's rho with its interval says how the two go together. Withheld units
are counted, never named.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.errors import InvalidInput
from kokemus.insights.correlation import spearman
from kokemus.insights.survey_data import check_names, local_range
from kokemus.journeys.models import UNIT_KINDS, Unit
from kokemus.metrics.anonymity import THRESHOLD
from kokemus.metrics.breakdown import BreakdownQuery, Filters
from kokemus.metrics.definitions import Estimate, MetricName
from kokemus.metrics.dimensions import NONE, read_context
from kokemus.metrics.service import breakdown

CustomerMetric = Literal["csat", "nps"]
ENPS_QUESTION = "enps"
WORKDAY_QUESTION = "workday-stars"
MEETING_QUESTION = "meeting-stars"


@dataclass(frozen=True, slots=True)
class LinkQuery:
    first: date
    last: date
    customer_metric: CustomerMetric = "csat"
    enps_question: str = ENPS_QUESTION
    workday_question: str = WORKDAY_QUESTION
    meeting_question: str = MEETING_QUESTION
    unit: str | None = None
    unit_kind: str | None = None
    threshold: int = THRESHOLD


def employee_customer_link(session: Session, query: LinkQuery) -> dict[str, Any]:
    local_range(query.first, query.last)
    for name in ("enps_question", "workday_question", "meeting_question"):
        check_names(name, [getattr(query, name)], 64)
    if query.unit_kind is not None and query.unit_kind not in UNIT_KINDS:
        raise InvalidInput("unit_kind", f"one of {', '.join(UNIT_KINDS)}")
    if query.threshold < 1:
        raise InvalidInput("threshold", "a positive count")
    customer = _by_unit(session, query, query.customer_metric, Filters(unit=query.unit))
    measures: list[tuple[str, MetricName, str]] = [
        ("enps", "enps", query.enps_question),
        ("workday", "stars", query.workday_question),
        ("meeting", "stars", query.meeting_question),
    ]
    kinds: dict[str, str] = dict(session.execute(select(Unit.key, Unit.kind)).all())
    below = _descendants(session)
    return {
        "from": query.first.isoformat(),
        "to": query.last.isoformat(),
        "customer_metric": query.customer_metric,
        "threshold": query.threshold,
        "measures": [
            _measure(
                name,
                metric,
                question,
                _by_unit(
                    session,
                    query,
                    metric,
                    Filters(unit=query.unit, question=(question,), kind="employee"),
                ),
                customer,
                kinds,
                below,
                query.unit_kind,
            )
            for name, metric, question in measures
        ],
    }


def _by_unit(
    session: Session, query: LinkQuery, metric: MetricName, filters: Filters
) -> dict[str, Estimate]:
    result = breakdown(
        session,
        BreakdownQuery(metric, query.first, query.last, ("unit",), filters),
        threshold=query.threshold,
    )
    return {
        group.key["unit"]: group.estimate for group in result.groups if group.key["unit"] != NONE
    }


def _measure(
    name: str,
    metric: MetricName,
    question: str,
    employees: Mapping[str, Estimate],
    customers: Mapping[str, Estimate],
    kinds: Mapping[str, str],
    below: Mapping[str, set[str]],
    unit_kind: str | None,
) -> dict[str, Any]:
    shown = {
        unit
        for unit, found in employees.items()
        if not found.withheld
        and found.value is not None
        and (unit_kind is None or kinds.get(unit) == unit_kind)
    }
    lowest = sorted(unit for unit in shown if not below.get(unit, set()) & shown)
    paired = [unit for unit in lowest if unit in customers and customers[unit].value is not None]
    correlation = spearman(
        [_value(employees[unit]) for unit in paired], [_value(customers[unit]) for unit in paired]
    )
    return {
        "measure": name,
        "metric": metric,
        "question": question,
        "withheld_units": sum(1 for found in employees.values() if found.withheld),
        "correlation": {
            "n": correlation.n,
            "rho": correlation.rho,
            "ci_low": correlation.ci_low,
            "ci_high": correlation.ci_high,
        },
        "points": [
            {
                "unit": unit,
                "employee": _figure(employees[unit]),
                "customer": _figure(customers[unit]),
            }
            for unit in paired
        ],
    }


def _value(found: Estimate) -> float:
    return math.nan if found.value is None else found.value


def _figure(found: Estimate) -> dict[str, Any]:
    return {"value": found.value, "n": found.n, "ci_low": found.ci_low, "ci_high": found.ci_high}


def _descendants(session: Session) -> dict[str, set[str]]:
    context = read_context(session)
    found: dict[str, set[str]] = {key: set() for key in context.units.values()}
    for unit_id, key in context.units.items():
        for ancestor in context.ancestors_and_self(unit_id)[1:]:
            found[context.units[ancestor]].add(key)
    return found
