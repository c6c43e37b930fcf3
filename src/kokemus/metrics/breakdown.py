"""Breakdowns of a metric: score counts grouped by period and dimensions, then estimated.

Counts come from the rollups (`from_rollups`) or, for what the rollups do not keep
(customer attributes), from the raw answers (`from_raw`); both give the same counts, and
tests hold them to it. Whole months are read from month rows, the edges from day rows.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kokemus.errors import InvalidInput
from kokemus.metrics.definitions import Estimate, MetricName, estimate
from kokemus.metrics.dimensions import (
    ATTRIBUTE_PREFIX,
    NONE,
    TOUCHPOINT_DIMENSIONS,
    Context,
    attribute_name,
    read_context,
)
from kokemus.metrics.periods import INTERVALS, Interval, bucket, local_date_sql, split_by_month
from kokemus.metrics.rollups import ALL_THEMES, organisation_zone
from kokemus.store import dialect

QUESTION_TYPES: Mapping[str, str] = {
    "nps": "nps",
    "enps": "nps",
    "csat": "rating",
    "stars": "rating",
    "ces": "ces",
    "expectation": "expectation",
}
DEFAULT_KIND: Mapping[str, str] = {"enps": "employee"}
MAX_RANGE_DAYS = 3700


@dataclass(frozen=True)
class Filters:
    touchpoint: tuple[str, ...] = ()
    stage: tuple[str, ...] = ()
    encounter_kind: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()
    channel_class: tuple[str, ...] = ()
    unit: str | None = None  # with its subtree
    response_channel: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    survey: tuple[str, ...] = ()
    question: tuple[str, ...] = ()
    theme: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)
    kind: str | None = None


@dataclass(frozen=True)
class BreakdownQuery:
    metric: MetricName
    first: date
    last: date
    group_by: tuple[str, ...] = ()
    filters: Filters = Filters()

    def __post_init__(self) -> None:
        if self.metric not in QUESTION_TYPES:
            raise InvalidInput(
                "metric", f"{self.metric!r} is not one of {', '.join(QUESTION_TYPES)}"
            )
        if self.last < self.first:
            raise InvalidInput("to", "the range ends before it starts")
        if (self.last - self.first).days > MAX_RANGE_DAYS:
            raise InvalidInput("from", f"a range of at most {MAX_RANGE_DAYS} days")

    @property
    def kind(self) -> str:
        return self.filters.kind or DEFAULT_KIND.get(self.metric, "customer")

    @property
    def interval(self) -> Interval | None:
        return next((name for name in self.group_by if name in INTERVALS), None)

    @property
    def lean(self) -> bool:
        """Whether the lean cube (touchpoint and unit only) answers it."""
        filters = self.filters
        detailed = (
            filters.survey or filters.question or filters.response_channel or filters.language
        )
        return not detailed and not {"survey", "question", "response_channel", "language"} & set(
            self.group_by
        )

    @property
    def needs_raw(self) -> bool:
        return bool(self.filters.attributes) or any(
            name.startswith(ATTRIBUTE_PREFIX) for name in self.group_by
        )


# One row of counts: the raw dimensions it was grouped by, then counts of scores 0..10.
RawKey = tuple[Any, ...]


@dataclass
class Counts:
    by_key: dict[RawKey, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0] * 11))

    def add(self, key: RawKey, counts: Sequence[int]) -> None:
        target = self.by_key[key]
        for score, count in enumerate(counts):
            target[score] += count


@dataclass(frozen=True)
class Plan:
    """The raw columns to group by, and the conditions, for one query."""

    columns: tuple[str, ...]
    survey_ids: tuple[int, ...]
    touchpoint_ids: tuple[int, ...] | None
    unit_ids: tuple[int, ...] | None
    attributes: tuple[str, ...]


def raw_columns(query: BreakdownQuery) -> tuple[str, ...]:
    columns: list[str] = []
    if query.interval:
        columns.append("period")
    if any(name in TOUCHPOINT_DIMENSIONS for name in query.group_by):
        columns.append("touchpoint_id")
    for dimension, column in (
        ("unit", "unit_id"),
        ("response_channel", "channel"),
        ("language", "language"),
        ("survey", "survey_id"),
        ("question", "question_key"),
        ("theme", "theme"),
    ):
        if dimension in query.group_by:
            columns.append(column)
    columns += [name for name in query.group_by if name.startswith(ATTRIBUTE_PREFIX)]
    return tuple(columns)


def plan(query: BreakdownQuery, context: Context) -> Plan:
    filters = query.filters
    survey_ids = tuple(
        sorted(
            survey_id
            for survey_id, (key, kind) in context.surveys.items()
            if kind == query.kind and (not filters.survey or key in filters.survey)
        )
    )
    _known(filters.survey, {key for key, _ in context.surveys.values()}, "survey")
    touchpoint_ids = None
    wanted = {
        name: getattr(filters, name) for name in TOUCHPOINT_DIMENSIONS if getattr(filters, name)
    }
    if wanted:
        known = {
            name: {context.touchpoint_value(tp, name) for tp in context.touchpoints}
            for name in wanted
        }
        for name, values in wanted.items():
            _known(values, known[name], name)
        touchpoint_ids = tuple(
            sorted(
                tp
                for tp in context.touchpoints
                if all(
                    context.touchpoint_value(tp, name) in values for name, values in wanted.items()
                )
            )
        )
    unit_ids = None
    if filters.unit is not None:
        if filters.unit not in context.unit_ids:
            raise InvalidInput("unit", f"no unit {filters.unit!r}")
        unit_ids = tuple(sorted(context.subtree(context.unit_ids[filters.unit])))
    return Plan(
        columns=raw_columns(query),
        survey_ids=survey_ids,
        touchpoint_ids=touchpoint_ids,
        unit_ids=unit_ids,
        attributes=tuple(sorted(filters.attributes)),
    )


def _known(values: Sequence[str], known: set[str], field_name: str) -> None:
    for value in values:
        if value not in known:
            raise InvalidInput(field_name, f"no {field_name.replace('_', ' ')} {value!r}")


class Conditions:
    """WHERE conditions with their parameters, `{p}` marking each."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.parameters: list[Any] = []

    def add(self, sql: str, *parameters: Any) -> None:
        self.parts.append(sql)
        self.parameters.extend(parameters)

    def any_of(self, column: str, values: Sequence[Any]) -> None:
        self.add(f"{column} IN ({', '.join('{p}' for _ in values)})", *values)

    @property
    def sql(self) -> str:
        return " AND ".join(self.parts) if self.parts else "1 = 1"


def _common_conditions(
    conditions: Conditions,
    query: BreakdownQuery,
    the_plan: Plan,
    names: Mapping[str, str],
    *,
    lean: bool = False,
) -> None:
    if not lean:
        conditions.any_of(names["question_type"], (QUESTION_TYPES[query.metric],))
        conditions.any_of(names["survey_id"], the_plan.survey_ids)
    if the_plan.touchpoint_ids is not None:
        conditions.any_of(names["touchpoint_id"], the_plan.touchpoint_ids or (-1,))
    if the_plan.unit_ids is not None:
        conditions.any_of(names["unit_id"], the_plan.unit_ids)
    if query.filters.response_channel:
        conditions.any_of(names["channel"], query.filters.response_channel)
    if query.filters.language:
        conditions.any_of(names["language"], query.filters.language)
    if query.filters.question:
        conditions.any_of(names["question_key"], query.filters.question)


def from_rollups(session: Session, query: BreakdownQuery, the_plan: Plan) -> Counts:
    counts = Counts()
    if not the_plan.survey_ids:
        return counts
    if query.interval in ("day", "week"):
        ranges: list[tuple[str, date, date]] = [("day", query.first, query.last)]
    else:
        edges, months = split_by_month(query.first, query.last)
        ranges = [("day", first, last) for first, last in edges]
        if months:
            ranges.append(("month", *months))
    names = {
        column: column
        for column in (
            "question_type",
            "survey_id",
            "touchpoint_id",
            "unit_id",
            "channel",
            "language",
            "question_key",
        )
    }
    select_columns = [
        ("period_start" if column == "period" else column) for column in the_plan.columns
    ]
    sums = ", ".join(f"sum(c{score})" for score in range(11))
    grouping = f" GROUP BY {', '.join(select_columns)}" if select_columns else ""
    lean = query.lean
    for grain, first, last in ranges:
        conditions = Conditions()
        conditions.add("cube = {p} AND grain = {p}", "lean" if lean else "full", grain)
        # In the unique index's order, so that it finds the period's rows of either cube.
        conditions.add(
            "question_type = {p} AND kind = {p}", QUESTION_TYPES[query.metric], query.kind
        )
        _theme_condition(conditions, query, "theme")
        conditions.add(
            "period_start >= {p} AND period_start <= {p}",
            dialect.day_value(session, first),
            dialect.day_value(session, last),
        )
        _common_conditions(conditions, query, the_plan, names, lean=lean)
        rows = dialect.run(
            session,
            f"SELECT {', '.join([*select_columns, sums])} FROM metric_rollups "
            f"WHERE {conditions.sql}{grouping}",
            conditions.parameters,
        )
        width = len(select_columns)
        for row in rows:
            if row[width] is None:
                continue
            counts.add(_normal_key(the_plan, row[:width]), [int(value) for value in row[width:]])
    return counts


def _theme_condition(conditions: Conditions, query: BreakdownQuery, column: str) -> None:
    if query.filters.theme is not None:
        conditions.add(f"{column} = {{p}}", query.filters.theme)
    elif "theme" in query.group_by:
        conditions.add(f"{column} <> {{p}}", ALL_THEMES)
    else:
        conditions.add(f"{column} = {{p}}", ALL_THEMES)


def from_raw(session: Session, query: BreakdownQuery, the_plan: Plan) -> Counts:
    """The same counts, straight from the answers (customer attributes, and checking)."""
    counts = Counts()
    if not the_plan.survey_ids:
        return counts
    zone = organisation_zone()
    expressions = {
        "period": local_date_sql(session, "a.answered_at", zone),
        "touchpoint_id": "coalesce(a.touchpoint_id, 0)",
        "unit_id": "coalesce(r.unit_id, 0)",
        "channel": "r.channel",
        "language": "r.language",
        "survey_id": "a.survey_id",
        "question_key": "a.question_key",
        "theme": "th.theme",
    }
    attributes = sorted(
        {
            attribute_name(name, "group_by")
            for name in the_plan.columns
            if name.startswith(ATTRIBUTE_PREFIX)
        }
        | set(the_plan.attributes)
    )
    for name in attributes:
        expressions[ATTRIBUTE_PREFIX + name] = dialect.json_text(session, "c.traits", name)
    select_columns = [expressions[column] for column in the_plan.columns]
    conditions = Conditions()
    start = datetime.combine(query.first, time(), zone)
    end = datetime.combine(query.last + timedelta(days=1), time(), zone)
    conditions.add(
        "a.answered_at >= {p} AND a.answered_at < {p}",
        dialect.timestamp(session, start),
        dialect.timestamp(session, end),
    )
    conditions.add("a.number IS NOT NULL")
    names = {
        "question_type": "a.question_type",
        "survey_id": "a.survey_id",
        "touchpoint_id": "coalesce(a.touchpoint_id, 0)",
        "unit_id": "coalesce(r.unit_id, 0)",
        "channel": "r.channel",
        "language": "r.language",
        "question_key": "a.question_key",
    }
    _common_conditions(conditions, query, the_plan, names)
    for name, value in sorted(query.filters.attributes.items()):
        conditions.add(f"{expressions[ATTRIBUTE_PREFIX + name]} = {{p}}", value)
    joins = ""
    if query.filters.theme is not None or "theme" in query.group_by:
        elements = dialect.json_array_elements(session, "t.themes", "theme")
        joins += (
            f" JOIN (SELECT DISTINCT t.response_id, theme.value AS theme FROM text_analyses t, "
            f"{elements} WHERE t.response_id IS NOT NULL) th ON th.response_id = a.response_id"
        )
        if query.filters.theme is not None:
            conditions.add("th.theme = {p}", query.filters.theme)
    if attributes:
        joins += " LEFT JOIN customers c ON c.id = r.customer_id"
    score = "CAST(a.number AS INTEGER)"
    grouped = [*select_columns, score]
    rows = dialect.run(
        session,
        f"SELECT {', '.join([*grouped, 'count(*)'])} "
        f"FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id{joins} "
        f"WHERE {conditions.sql} GROUP BY {', '.join(grouped)}",
        conditions.parameters,
    )
    width = len(select_columns)
    for row in rows:
        score_value, count = int(row[width]), int(row[width + 1])
        if 0 <= score_value <= 10:
            histogram = [0] * 11
            histogram[score_value] = count
            counts.add(_normal_key(the_plan, row[:width]), histogram)
    return counts


def _normal_key(the_plan: Plan, values: Sequence[Any]) -> RawKey:
    """The same key from both stores and both paths: dates as dates, attributes as text."""
    normal: list[Any] = []
    for column, value in zip(the_plan.columns, values, strict=True):
        if column == "period":
            normal.append(value if isinstance(value, date) else date.fromisoformat(str(value)[:10]))
        elif column.startswith(ATTRIBUTE_PREFIX):
            normal.append(NONE if value is None else str(value))
        else:
            normal.append(value)
    return tuple(normal)


@dataclass(frozen=True)
class Group:
    key: Mapping[str, str]
    counts: Sequence[int]
    estimate: Estimate
    # Employee groups: the unit ids whose own respondents this group counts.
    own_units: frozenset[int] = frozenset()


def group_counts(
    query: BreakdownQuery, the_plan: Plan, context: Context, counts: Counts
) -> dict[tuple[str, ...], list[int]]:
    """Counts by the asked dimensions' values; a unit's group holds its whole subtree."""
    grouped: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0] * 11)
    scope = set(the_plan.unit_ids) if the_plan.unit_ids is not None else None
    for raw_key, histogram in counts.by_key.items():
        raw = dict(zip(the_plan.columns, raw_key, strict=True))
        for key in _group_keys(query, context, raw, scope):
            target = grouped[key]
            for score, count in enumerate(histogram):
                target[score] += count
    return grouped


def _group_keys(
    query: BreakdownQuery, context: Context, raw: Mapping[str, Any], scope: set[int] | None
) -> list[tuple[str, ...]]:
    keys: list[list[str]] = [[]]
    for dimension in query.group_by:
        if dimension == "unit":
            unit_id = int(raw["unit_id"])
            chain = context.ancestors_and_self(unit_id) if unit_id else []
            values = [context.units.get(u, NONE) for u in chain if scope is None or u in scope]
            values = values or [NONE]
        else:
            values = [_value(dimension, context, raw)]
        keys = [key + [value] for key in keys for value in values]
    return [tuple(key) for key in keys]


def _value(dimension: str, context: Context, raw: Mapping[str, Any]) -> str:
    if dimension in INTERVALS:
        return bucket(raw["period"], dimension)
    if dimension in TOUCHPOINT_DIMENSIONS:
        return context.touchpoint_value(int(raw["touchpoint_id"]), dimension)
    if dimension == "response_channel":
        return str(raw["channel"])
    if dimension == "language":
        return str(raw["language"])
    if dimension == "survey":
        return context.surveys.get(int(raw["survey_id"]), (NONE, ""))[0]
    if dimension == "question":
        return str(raw["question_key"])
    if dimension == "theme":
        return str(raw["theme"])
    return str(raw[dimension])


def total(counts: Counts) -> list[int]:
    summed = [0] * 11
    for histogram in counts.by_key.values():
        for score, count in enumerate(histogram):
            summed[score] += count
    return summed


def read_counts(
    session: Session,
    query: BreakdownQuery,
    *,
    raw: bool = False,
    context: Context | None = None,
) -> tuple[Context, Plan, Counts]:
    """`context` may be given by a caller that asks several breakdowns in one request."""
    context = context or read_context(session)
    the_plan = plan(query, context)
    reader = from_raw if raw or query.needs_raw else from_rollups
    return context, the_plan, reader(session, query, the_plan)


def estimate_groups(
    query: BreakdownQuery, grouped: Mapping[tuple[str, ...], Sequence[int]]
) -> list[Group]:
    return [
        Group(dict(zip(query.group_by, key, strict=True)), counts, estimate(query.metric, counts))
        for key, counts in sorted(grouped.items())
    ]
