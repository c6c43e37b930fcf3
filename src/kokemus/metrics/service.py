"""A metric broken down, with its comparison to the previous period and employee anonymity."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from kokemus.metrics.anonymity import THRESHOLD, groups_to_withhold, withhold_in_tree
from kokemus.metrics.breakdown import (
    BreakdownQuery,
    Counts,
    Plan,
    group_counts,
    read_counts,
    total,
)
from kokemus.metrics.comparison import Comparison, compare
from kokemus.metrics.definitions import Estimate, estimate, withheld
from kokemus.metrics.dimensions import NONE, Context
from kokemus.metrics.periods import INTERVALS, previous_range

GroupKey = tuple[str, ...]


@dataclass(frozen=True)
class GroupResult:
    key: Mapping[str, str]
    estimate: Estimate
    previous: Estimate | None = None
    change: Comparison | None = None


@dataclass(frozen=True)
class BreakdownResult:
    query: BreakdownQuery
    groups: list[GroupResult]
    total: GroupResult
    source: str
    previous_first: date | None = None
    previous_last: date | None = None


def breakdown(
    session: Session,
    query: BreakdownQuery,
    *,
    with_previous: bool = False,
    threshold: int = THRESHOLD,
    raw: bool = False,
    context: Context | None = None,
) -> BreakdownResult:
    context, the_plan, counts = read_counts(session, query, raw=raw, context=context)
    grouped = group_counts(query, the_plan, context, counts)
    hidden = _withheld(query, the_plan, context, counts, grouped, threshold)
    summed = total(counts)
    employee = query.kind == "employee"
    total_hidden = employee and sum(summed) < threshold
    previous: Mapping[GroupKey, Sequence[int]] = {}
    previous_total: Sequence[int] | None = None
    previous_first = previous_last = None
    if with_previous:
        previous_first, previous_last = previous_range(query.first, query.last)
        earlier = replace(query, first=previous_first, last=previous_last)
        _, earlier_plan, earlier_counts = read_counts(session, earlier, raw=raw, context=context)
        earlier_grouped = group_counts(earlier, earlier_plan, context, earlier_counts)
        earlier_hidden = _withheld(
            earlier, earlier_plan, context, earlier_counts, earlier_grouped, threshold
        )
        previous = {
            key: value for key, value in earlier_grouped.items() if key not in earlier_hidden
        }
        previous_total = total(earlier_counts)
        if employee and sum(previous_total) < threshold:
            previous_total = None
    groups = [
        _result(
            query,
            key,
            grouped[key],
            key in hidden,
            _previous_of(query, key, grouped, hidden, previous),
        )
        for key in sorted(grouped)
    ]
    overall = _result(query, (), summed, total_hidden, None if total_hidden else previous_total)
    return BreakdownResult(
        query=query,
        groups=groups,
        total=overall,
        source="raw" if raw or query.needs_raw else "rollups",
        previous_first=previous_first,
        previous_last=previous_last,
    )


def _previous_of(
    query: BreakdownQuery,
    key: GroupKey,
    grouped: Mapping[GroupKey, Sequence[int]],
    hidden: set[GroupKey],
    previous: Mapping[GroupKey, Sequence[int]],
) -> Sequence[int] | None:
    """The same group in the previous range; by period, the same group one period earlier."""
    if key in hidden:
        return None
    period = next((i for i, name in enumerate(query.group_by) if name in INTERVALS), None)
    if period is None:
        return previous.get(key)
    earlier = sorted(
        other
        for other in grouped
        if other[period] < key[period]
        and other[:period] + other[period + 1 :] == key[:period] + key[period + 1 :]
        and other not in hidden
    )
    return grouped[earlier[-1]] if earlier else None


def _result(
    query: BreakdownQuery,
    key: GroupKey,
    counts: Sequence[int],
    hidden: bool,
    previous_counts: Sequence[int] | None,
) -> GroupResult:
    labels = dict(zip(query.group_by, key, strict=True)) if key else {}
    if hidden:
        return GroupResult(labels, withheld(query.metric, sum(counts)))
    current = estimate(query.metric, counts)
    if previous_counts is None or not sum(previous_counts):
        return GroupResult(labels, current)
    return GroupResult(
        labels,
        current,
        estimate(query.metric, previous_counts),
        compare(query.metric, counts, previous_counts),
    )


def _withheld(
    query: BreakdownQuery,
    the_plan: Plan,
    context: Context,
    counts: Counts,
    grouped: Mapping[GroupKey, Sequence[int]],
    threshold: int,
) -> set[GroupKey]:
    """Employee groups that could be read, directly or as a difference of shown groups.

    Siblings are the groups that differ only in the last dimension asked (or, with unit
    among them, only in the unit, whose figures nest along the unit tree).
    """
    if query.kind != "employee" or not query.group_by:
        return set()
    if "unit" in query.group_by:
        return _withheld_units(query, the_plan, context, counts, threshold)
    partitions: defaultdict[GroupKey, dict[GroupKey, int]] = defaultdict(dict)
    for key, histogram in grouped.items():
        partitions[key[:-1]][key] = sum(histogram)
    hidden: set[GroupKey] = set()
    for siblings in partitions.values():
        hidden |= groups_to_withhold(siblings, threshold=threshold)
    return hidden


def _withheld_units(
    query: BreakdownQuery, the_plan: Plan, context: Context, counts: Counts, threshold: int
) -> set[GroupKey]:
    position = query.group_by.index("unit")
    own: defaultdict[GroupKey, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    others = [name for name in query.group_by if name != "unit"]
    only_others = replace(query, group_by=tuple(others))
    for raw_key, histogram in counts.by_key.items():
        raw = dict(zip(the_plan.columns, raw_key, strict=True))
        unit_id = int(raw["unit_id"])
        unit = context.units.get(unit_id, NONE) if unit_id else NONE
        for other_key in group_counts(only_others, the_plan, context, _one(raw_key, histogram)):
            own[other_key][unit] += sum(histogram)
    parent_of = {
        context.units[unit_id]: context.units.get(parent) if parent else None
        for unit_id, parent in context.parents.items()
    }
    scope = {context.units[u] for u in the_plan.unit_ids} if the_plan.unit_ids is not None else None
    if scope is not None:
        parent_of = {
            unit: (parent if parent in scope else None)
            for unit, parent in parent_of.items()
            if unit in scope
        }
    parent_of[NONE] = None
    hidden: set[GroupKey] = set()
    for other_key, units in own.items():
        for unit in withhold_in_tree(dict(units), parent_of, threshold=threshold):
            key = list(other_key)
            key.insert(position, unit)
            hidden.add(tuple(key))
    return hidden


def _one(raw_key: tuple[object, ...], histogram: Sequence[int]) -> Counts:
    single = Counts()
    single.add(raw_key, histogram)
    return single


def estimate_view(estimate_: Estimate) -> dict[str, object]:
    if estimate_.withheld:
        return {"value": None, "n": None, "ci_low": None, "ci_high": None, "withheld": True}
    return {
        "value": estimate_.value,
        "n": estimate_.n,
        "ci_low": estimate_.ci_low,
        "ci_high": estimate_.ci_high,
        "shares": dict(estimate_.shares),
    }


def group_view(group: GroupResult) -> dict[str, object]:
    view: dict[str, object] = {"key": dict(group.key), **estimate_view(group.estimate)}
    if group.previous is not None and group.change is not None:
        view["previous"] = estimate_view(group.previous)
        view["change"] = {
            "delta": group.change.delta,
            "p_value": group.change.p_value,
            "significant": group.change.significant,
            "method": group.change.method,
        }
    return view


def result_view(result: BreakdownResult) -> dict[str, object]:
    """The breakdown as plain JSON values, as the API and the CLI print it."""
    query = result.query
    view: dict[str, object] = {
        "metric": query.metric,
        "kind": query.kind,
        "from": query.first.isoformat(),
        "to": query.last.isoformat(),
        "group_by": list(query.group_by),
        "source": result.source,
        "total": group_view(result.total),
        "groups": [group_view(group) for group in result.groups],
    }
    if result.previous_first and result.previous_last:
        view["previous_range"] = {
            "from": result.previous_first.isoformat(),
            "to": result.previous_last.isoformat(),
        }
    return view
