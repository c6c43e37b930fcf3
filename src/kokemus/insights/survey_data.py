"""Key drivers on survey data: one row per complete response of one survey.

Columns are the survey's scale questions (touchpoint ratings, CES, NPS...) and, when asked
for, 0/1 indicators of the themes text analysis found in the response's free text (a
response without text, or without that theme, has 0: "did not mention it"). The outcome is
one scale question of the same response, or 1/0 for whether the customer had one of the
named events (a repurchase, a churn) within N days after answering. A response whose
window has not closed yet, or that no customer is known for, has no outcome and is left
out, counted among the dropped rows.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.customers.models import Customer, Identity
from kokemus.errors import InvalidInput
from kokemus.ingest.models import Event
from kokemus.insights.drivers import DriverAnalysis, Matrix, Method, Vector, analyse_drivers
from kokemus.metrics.anonymity import THRESHOLD
from kokemus.metrics.goals_service import unit_subtree
from kokemus.metrics.rollups import SCALE_TYPES, organisation_zone, response_themes
from kokemus.store.base import utcnow
from kokemus.surveys.models import Answer, Response, Survey, SurveyVersion
from kokemus.surveys.service import get_survey

THEME_PREFIX = "theme:"
MAX_THEMES = 8
# A theme fewer respondents mention says too little to be weighed against the ratings.
MIN_THEME_ROWS = 5
MAX_WINDOW_DAYS = 730
# Far enough either way for any real data; beyond, time-zone arithmetic leaves datetime.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9998, 12, 31)
_CHUNK = 500
# Neither store keeps a NUL in text (PostgreSQL refuses it); no name holds the others.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class EventOutcome:
    names: tuple[str, ...]
    within_days: int

    @property
    def label(self) -> str:
        return f"event:{'|'.join(self.names)} within {self.within_days} days"


@dataclass(frozen=True, slots=True)
class SurveyDriverQuery:
    survey: str
    first: date
    last: date
    # Neither given: the survey's NPS question, if it has just one.
    outcome: str | None = None
    outcome_event: EventOutcome | None = None
    # Question keys; none named: every scale question but the outcome.
    drivers: tuple[str, ...] = ()
    themes: bool = False
    max_themes: int = MAX_THEMES
    # Event windows ending after this are not over yet (default: now).
    as_of: datetime | None = None
    # Employee surveys: fewer responses than this are not analysed at all.
    threshold: int = THRESHOLD
    # A unit key: only the responses given at it or a unit below it.
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Literal["question", "theme"]
    question_type: str | None
    touchpoint: str | None


@dataclass(frozen=True, slots=True)
class DriverData:
    survey: str
    outcome: str
    columns: tuple[Column, ...]
    x: Matrix
    y: Vector
    # Responses whose outcome cannot be known: no customer, or the window still open.
    unknown_outcome: int


def survey_drivers(
    session: Session,
    query: SurveyDriverQuery,
    *,
    method: Method = "lmg",
    resamples: int | None = None,
    seed: int = 0,
) -> tuple[DriverData, DriverAnalysis]:
    data = driver_data(session, query)
    analysis = analyse_drivers(
        data.x,
        data.y,
        [column.name for column in data.columns],
        method=method,
        resamples=resamples,
        seed=seed,
    )
    return data, analysis


def drivers_view(data: DriverData, analysis: DriverAnalysis) -> dict[str, Any]:
    """The CLI's JSON, with what each driver column is."""
    return {
        "survey": data.survey,
        "outcome": data.outcome,
        **analysis.to_dict(),
        "columns": [
            {
                "name": c.name,
                "kind": c.kind,
                "question_type": c.question_type,
                "touchpoint": c.touchpoint,
            }
            for c in data.columns
        ],
        "unknown_outcome": data.unknown_outcome,
    }


def driver_data(session: Session, query: SurveyDriverQuery) -> DriverData:
    _check_outcome(query)
    start, end = local_range(query.first, query.last)
    survey = get_survey(session, query.survey)
    questions = scale_questions(session, survey)
    if query.outcome is None and query.outcome_event is None:
        query = replace(query, outcome=_only_nps(query.survey, questions))
    drivers = _driver_keys(query, questions)
    statement = select(Response.id, Response.customer_id, Response.submitted_at).where(
        Response.survey_id == survey.id,
        Response.complete,
        Response.submitted_at >= start,
        Response.submitted_at < end,
    )
    if query.unit is not None:
        statement = statement.where(Response.unit_id.in_(unit_subtree(session, query.unit)))
    responses = session.execute(statement.order_by(Response.id)).all()
    if survey.kind == "employee" and len(responses) < query.threshold:
        raise InvalidInput(
            "survey",
            f"{len(responses)} employee responses in the range: fewer than the anonymity "
            f"threshold {query.threshold}",
        )
    row_of = {row.id: i for i, row in enumerate(responses)}
    wanted = [*drivers, *([query.outcome] if query.outcome else [])]
    values = _answer_values(session, survey.id, wanted, row_of)
    columns = [Column(key, "question", questions[key][0], questions[key][1]) for key in drivers]
    x = [values[key] for key in drivers]
    if query.themes:
        for theme, present in _theme_columns(session, row_of, query.max_themes):
            columns.append(Column(THEME_PREFIX + theme, "theme", None, None))
            x.append(present)
    if query.outcome is not None:
        y, label, unknown = values[query.outcome], query.outcome, 0
    else:
        assert query.outcome_event is not None
        y, unknown = _event_outcome(session, responses, query.outcome_event, query.as_of)
        label = query.outcome_event.label
    matrix = np.column_stack(x) if x else np.empty((len(responses), 0))
    return DriverData(survey.key, label, tuple(columns), matrix, y, unknown)


def local_range(first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC instants bounding local days first..last (included)."""
    if last < first:
        raise InvalidInput("to", "the range ends before it starts")
    for field_name, day in (("from", first), ("to", last)):
        if not FIRST_DAY <= day <= LAST_DAY:
            raise InvalidInput(field_name, f"a day from {FIRST_DAY} to {LAST_DAY}")
    zone = organisation_zone()
    return (
        datetime.combine(first, time(), zone),
        datetime.combine(last + timedelta(days=1), time(), zone),
    )


def scale_questions(session: Session, survey: Survey) -> dict[str, tuple[str, str | None]]:
    """Scale question key: (type, touchpoint key), over every version, the newest winning."""
    found: dict[str, tuple[str, str | None]] = {}
    documents = session.scalars(
        select(SurveyVersion.definition)
        .where(SurveyVersion.survey_id == survey.id)
        .order_by(SurveyVersion.version)
    )
    for document in documents:
        for question in document.get("questions", []):
            if question.get("type") in SCALE_TYPES:
                touchpoint = question.get("touchpoint") or document.get("touchpoint")
                found[question["key"]] = (question["type"], touchpoint)
    return found


def live_customers(session: Session, customer_ids: Iterable[int]) -> dict[int, int]:
    """Each customer id mapped to the customer it was merged into (itself if none)."""
    found: dict[int, int] = {}
    pending = set(customer_ids)
    parent: dict[int, int | None] = {}
    while pending:
        batch = list(pending)[:_CHUNK]
        pending -= set(batch)
        rows = session.execute(
            select(Customer.id, Customer.merged_into_id).where(Customer.id.in_(batch))
        )
        for customer_id, merged_into in rows:
            parent[customer_id] = merged_into
            if merged_into is not None and merged_into not in parent:
                pending.add(merged_into)
    for customer_id in parent:
        current, seen = customer_id, {customer_id}
        while (following := parent.get(current)) is not None and following not in seen:
            current = following
            seen.add(current)
        found[customer_id] = current
    return found


def customer_events(
    session: Session,
    names: Sequence[str],
    start: datetime,
    end: datetime,
    touchpoint_ids: Collection[int] | None = None,
) -> dict[int, list[datetime]]:
    """When each (live) customer had one of the named events, start <= time < end, sorted;
    only at the given touchpoints when some are given."""
    times: defaultdict[int, list[datetime]] = defaultdict(list)
    statement = (
        select(Identity.customer_id, Event.occurred_at)
        .join(Identity, Identity.id == Event.identity_id)
        .where(Event.name.in_(names), Event.occurred_at >= start, Event.occurred_at < end)
    )
    if touchpoint_ids is not None:
        statement = statement.where(Event.touchpoint_id.in_(touchpoint_ids))
    rows = session.execute(statement)
    for customer_id, occurred_at in rows:
        times[customer_id].append(occurred_at)
    for found in times.values():
        found.sort()
    return times


def check_names(field_name: str, values: Iterable[str], limit: int = 200) -> None:
    """Names a store could hold: 1..limit characters, no control characters."""
    for value in values:
        if not 0 < len(value) <= limit or _CONTROL.search(value):
            raise InvalidInput(
                field_name, f"{value[:40]!r}: 1 to {limit} characters, no control characters"
            )


def _check_outcome(query: SurveyDriverQuery) -> None:
    check_names("survey", [query.survey], 64)
    if query.outcome is not None and query.outcome_event is not None:
        raise InvalidInput("outcome", "give an outcome question or an outcome event, not both")
    event = query.outcome_event
    if event is not None:
        if not event.names or not all(name.strip() for name in event.names):
            raise InvalidInput("outcome_event", "name at least one event")
        check_names("outcome_event", event.names)
        if not 1 <= event.within_days <= MAX_WINDOW_DAYS:
            raise InvalidInput("within_days", f"between 1 and {MAX_WINDOW_DAYS} days")
    if not 0 <= query.max_themes <= 30:
        raise InvalidInput("max_themes", "between 0 and 30")


def _only_nps(survey: str, questions: Mapping[str, tuple[str, str | None]]) -> str:
    """The outcome when none is named: the survey's NPS question, if it has just one."""
    nps = [key for key, (question_type, _) in questions.items() if question_type == "nps"]
    if len(nps) != 1:
        raise InvalidInput(
            "outcome",
            f"{survey!r} has {len(nps)} NPS questions: name the outcome question or event",
        )
    return nps[0]


def _driver_keys(
    query: SurveyDriverQuery, questions: Mapping[str, tuple[str, str | None]]
) -> list[str]:
    if query.outcome is not None and query.outcome not in questions:
        raise InvalidInput(
            "outcome", f"{query.outcome!r} is not a scale question of {query.survey!r}"
        )
    for key in query.drivers:
        if key not in questions:
            raise InvalidInput("drivers", f"{key!r} is not a scale question of {query.survey!r}")
        if key == query.outcome:
            raise InvalidInput("drivers", f"{key!r} is the outcome")
    if len(set(query.drivers)) != len(query.drivers):
        raise InvalidInput("drivers", "a question is named more than once")
    drivers = list(query.drivers) or [key for key in questions if key != query.outcome]
    if not drivers and not query.themes:
        raise InvalidInput("drivers", f"{query.survey!r} has no scale question to use as driver")
    return drivers


def _answer_values(
    session: Session, survey_id: int, keys: Sequence[str], row_of: Mapping[int, int]
) -> dict[str, Vector]:
    values = {key: np.full(len(row_of), math.nan) for key in keys}
    if not keys or not row_of:
        return values
    ids = list(row_of)
    for begin in range(0, len(ids), _CHUNK):
        rows = session.execute(
            select(Answer.response_id, Answer.question_key, Answer.number).where(
                Answer.response_id.in_(ids[begin : begin + _CHUNK]),
                Answer.survey_id == survey_id,
                Answer.question_key.in_(keys),
                Answer.question_type.in_(SCALE_TYPES),
                Answer.number.is_not(None),
            )
        )
        for response_id, key, number in rows:
            values[key][row_of[response_id]] = float(number or 0)
    return values


def _theme_columns(
    session: Session, row_of: Mapping[int, int], max_themes: int
) -> list[tuple[str, Vector]]:
    themes = response_themes(session, list(row_of))
    counts = Counter(theme for found in themes.values() for theme in found)
    chosen = sorted(
        (theme for theme, n in counts.items() if n >= MIN_THEME_ROWS),
        key=lambda theme: (-counts[theme], theme),
    )[:max_themes]
    columns = []
    for theme in chosen:
        present = np.zeros(len(row_of))
        for response_id, found in themes.items():
            if theme in found:
                present[row_of[response_id]] = 1.0
        columns.append((theme, present))
    return columns


def _event_outcome(
    session: Session,
    responses: Sequence[Any],
    outcome: EventOutcome,
    as_of: datetime | None,
) -> tuple[Vector, int]:
    y = np.full(len(responses), math.nan)
    if not responses:
        return y, 0
    window = timedelta(days=outcome.within_days)
    closes_by = as_of or utcnow()
    live = live_customers(session, {r.customer_id for r in responses if r.customer_id})
    first = min(r.submitted_at for r in responses)
    last = max(r.submitted_at for r in responses)
    # One microsecond on: the window (submitted, submitted + N days] includes its end.
    times = customer_events(
        session, outcome.names, first, last + window + timedelta(microseconds=1)
    )
    unknown = 0
    for i, response in enumerate(responses):
        customer = live.get(response.customer_id) if response.customer_id else None
        if customer is None or response.submitted_at + window > closes_by:
            unknown += 1
            continue
        had = times.get(customer, [])
        after = bisect.bisect_right(had, response.submitted_at)
        y[i] = float(after < len(had) and had[after] <= response.submitted_at + window)
    return y, unknown
