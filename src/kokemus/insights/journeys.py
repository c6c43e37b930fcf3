"""The journey as customers walk it: per stage and touchpoint, paths, and friction.

- Volume: events at the touchpoint and complete customer survey responses about it;
  scores and their trend from the breakdown service; sentiment of customer texts.
- Paths, and detractors' against promoters': see `journey_paths`.
- A unit (with its subtree): its responses are those given at it; its events, and the
  texts they carried, those at the touchpoints it owns, as events carry no unit (see
  `kokemus.insights.scope`). The map keeps every stage and touchpoint, so the unit sees
  where in the whole journey its customers' answers and events fall.
- Friction: a contact within `repeat_days` after the same customer's previous contact
  (contacts at the very same instant are one contact); a delivery followed by a contact
  within `after_delivery_days`; tickets reopened per ticket created.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kokemus.errors import InvalidInput
from kokemus.ingest.models import Event
from kokemus.insights.journey_paths import (
    common_paths,
    customer_walks,
    detractors_vs_promoters,
    nps_classes,
)
from kokemus.insights.moments_service import LABELS, sentiment_counts
from kokemus.insights.scope import UnitScope, unit_scope
from kokemus.insights.survey_data import check_names, customer_events, local_range
from kokemus.journeys.models import Stage, Touchpoint
from kokemus.metrics.breakdown import BreakdownQuery, Filters
from kokemus.metrics.definitions import Estimate, MetricName
from kokemus.metrics.periods import Interval
from kokemus.metrics.service import breakdown, estimate_view
from kokemus.surveys.models import Response, Survey

CONTACT_EVENTS = ("Ticket Created", "Call Completed")
DELIVERY_EVENTS = ("Order Delivered",)
REOPEN_EVENTS = ("Ticket Reopened",)
TICKET_EVENTS = ("Ticket Created",)
METRICS: tuple[MetricName, ...] = ("csat", "nps")
TOP_PATHS = 10
MAX_STEPS = 8
REPEAT_DAYS = 7
AFTER_DELIVERY_DAYS = 7


@dataclass(frozen=True, slots=True)
class JourneyQuery:
    first: date
    last: date
    metrics: tuple[MetricName, ...] = METRICS
    interval: Interval = "month"
    top: int = TOP_PATHS
    max_steps: int = MAX_STEPS
    nps_survey: str | None = None
    contact_events: tuple[str, ...] = CONTACT_EVENTS
    delivery_events: tuple[str, ...] = DELIVERY_EVENTS
    reopen_events: tuple[str, ...] = REOPEN_EVENTS
    ticket_events: tuple[str, ...] = TICKET_EVENTS
    repeat_days: int = REPEAT_DAYS
    after_delivery_days: int = AFTER_DELIVERY_DAYS
    # A unit key: that unit's subtree only.
    unit: str | None = None


def journey(session: Session, query: JourneyQuery) -> dict[str, Any]:
    _check(query)
    start, end = local_range(query.first, query.last)
    scope = unit_scope(session, query.unit)
    stages, touchpoints = _map(session)
    keys = {tp_id: key for tp_id, (key, _, _) in touchpoints.items()}
    if scope is not None:
        keys = {tp_id: key for tp_id, key in keys.items() if tp_id in scope.touchpoint_ids}
    walks = customer_walks(session, keys, start, end)
    classes = nps_classes(session, start, end, query.nps_survey, scope.unit_ids if scope else None)
    return {
        "from": query.first.isoformat(),
        "to": query.last.isoformat(),
        "unit": query.unit,
        "stages": _stages(session, query, stages, touchpoints, start, end, scope),
        "paths": common_paths(walks, query.top, query.max_steps),
        "detractors_vs_promoters": detractors_vs_promoters(
            walks, classes, query.top, query.max_steps
        ),
        "friction": friction(session, query, start, end, scope),
    }


def friction(
    session: Session,
    query: JourneyQuery,
    start: datetime,
    end: datetime,
    scope: UnitScope | None = None,
) -> list[dict[str, Any]]:
    """With a unit: the events at its touchpoints only (a contact at another unit's desk
    is that unit's friction)."""
    repeat = timedelta(days=query.repeat_days)
    after = timedelta(days=query.after_delivery_days)
    at = scope.touchpoint_ids if scope else None
    contacts = customer_events(session, query.contact_events, start, end + after, at)
    # Contacts at one instant are one contact: a call that opens a ticket, say.
    contacts = {c: sorted(set(times)) for c, times in contacts.items()}
    in_range = {c: [t for t in times if t < end] for c, times in contacts.items()}
    repeats = {
        c: sum(
            timedelta(0) < later - earlier <= repeat
            for earlier, later in zip(times, times[1:], strict=False)
        )
        for c, times in in_range.items()
    }
    deliveries = customer_events(session, query.delivery_events, start, end, at)
    followed = {
        c: sum(_contact_within(contacts.get(c, []), moment, after) for moment in times)
        for c, times in deliveries.items()
    }
    reopened = customer_events(session, query.reopen_events, start, end, at)
    tickets = customer_events(session, query.ticket_events, start, end, at)
    return [
        _signal(
            "repeat_contact",
            query.contact_events,
            query.repeat_days,
            repeats,
            sum(len(times) for times in in_range.values()),
            sum(1 for times in in_range.values() if times),
        ),
        _signal(
            "contact_after_delivery",
            query.contact_events,
            query.after_delivery_days,
            followed,
            sum(len(times) for times in deliveries.values()),
            len(deliveries),
            base_events=query.delivery_events,
        ),
        _signal(
            "reopened_ticket",
            query.reopen_events,
            None,
            {c: len(times) for c, times in reopened.items()},
            sum(len(times) for times in tickets.values()),
            len(tickets),
            base_events=query.ticket_events,
        ),
    ]


def _contact_within(contacts: Sequence[datetime], moment: datetime, window: timedelta) -> bool:
    following = bisect.bisect_right(contacts, moment)
    return following < len(contacts) and contacts[following] <= moment + window


def _signal(
    name: str,
    events: Sequence[str],
    within_days: int | None,
    per_customer: Mapping[int, int],
    base: int,
    base_customers: int,
    base_events: Sequence[str] | None = None,
) -> dict[str, Any]:
    count = sum(per_customer.values())
    return {
        "signal": name,
        "events": list(events),
        "base_events": list(base_events or events),
        "within_days": within_days,
        "count": count,
        "base": base,
        "share": 100 * count / base if base else None,
        "customers": sum(1 for n in per_customer.values() if n),
        "base_customers": base_customers,
    }


def _map(session: Session) -> tuple[dict[int, tuple[str, str]], dict[int, tuple[str, str, int]]]:
    """Stages by id: (key, name); touchpoints by id: (key, name, stage id); in map order."""
    stages = {
        row.id: (row.key, row.name)
        for row in session.execute(
            select(Stage.id, Stage.key, Stage.name).order_by(Stage.position, Stage.id)
        )
    }
    touchpoints = {
        row.id: (row.key, row.name, row.stage_id)
        for row in session.execute(
            select(Touchpoint.id, Touchpoint.key, Touchpoint.name, Touchpoint.stage_id).order_by(
                Touchpoint.position, Touchpoint.id
            )
        )
    }
    return stages, touchpoints


def _stages(
    session: Session,
    query: JourneyQuery,
    stages: Mapping[int, tuple[str, str]],
    touchpoints: Mapping[int, tuple[str, str, int]],
    start: datetime,
    end: datetime,
    scope: UnitScope | None = None,
) -> list[dict[str, Any]]:
    counted_events = select(Event.touchpoint_id, func.count()).where(
        Event.occurred_at >= start, Event.occurred_at < end
    )
    counted_responses = (
        select(Response.touchpoint_id, func.count())
        .join(Survey, Survey.id == Response.survey_id)
        .where(
            Survey.kind == "customer",
            Response.complete,
            Response.submitted_at >= start,
            Response.submitted_at < end,
        )
    )
    if scope is not None:
        counted_events = counted_events.where(Event.touchpoint_id.in_(scope.touchpoint_ids))
        counted_responses = counted_responses.where(Response.unit_id.in_(scope.unit_ids))
    events = dict(session.execute(counted_events.group_by(Event.touchpoint_id)).all())
    responses = dict(session.execute(counted_responses.group_by(Response.touchpoint_id)).all())
    sentiment = sentiment_counts(session, start, end, scope)
    scores = {
        dimension: {metric: _scores(session, query, metric, dimension) for metric in query.metrics}
        for dimension in ("stage", "touchpoint")
    }
    views = []
    for stage_id, (stage_key, stage_name) in stages.items():
        members = [tp for tp, (_, _, s) in touchpoints.items() if s == stage_id]
        rows = [
            {
                "touchpoint": key,
                "name": name,
                **_volume_and_feeling(
                    [tp], events, responses, sentiment, scores["touchpoint"], key
                ),
            }
            for tp in members
            for key, name, _ in [touchpoints[tp]]
        ]
        views.append(
            {
                "stage": stage_key,
                "name": stage_name,
                **_volume_and_feeling(
                    members, events, responses, sentiment, scores["stage"], stage_key
                ),
                "touchpoints": rows,
            }
        )
    return views


@dataclass(frozen=True, slots=True)
class _Scores:
    now: Mapping[str, dict[str, Any]]
    trend: Mapping[str, list[dict[str, Any]]]


def _scores(session: Session, query: JourneyQuery, metric: MetricName, dimension: str) -> _Scores:
    filters = Filters(unit=query.unit)
    now = breakdown(
        session,
        BreakdownQuery(metric, query.first, query.last, (dimension,), filters),
        with_previous=True,
    )
    by_period = breakdown(
        session,
        BreakdownQuery(metric, query.first, query.last, (dimension, query.interval), filters),
    )
    views: dict[str, dict[str, Any]] = {}
    for group in now.groups:
        view = _estimate(group.estimate)
        if group.change is not None:
            view["change"] = {"delta": group.change.delta, "p_value": group.change.p_value}
        views[group.key[dimension]] = view
    trend: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for group in by_period.groups:
        trend[group.key[dimension]].append(
            {
                "period": group.key[query.interval],
                "value": group.estimate.value,
                "n": group.estimate.n,
            }
        )
    return _Scores(views, trend)


def _estimate(found: Estimate) -> dict[str, Any]:
    view = estimate_view(found)
    view.pop("shares", None)
    return view


def _volume_and_feeling(
    members: Sequence[int],
    events: Mapping[int | None, int],
    responses: Mapping[int | None, int],
    sentiment: Mapping[int, Mapping[str, int]],
    scores: Mapping[MetricName, _Scores],
    key: str,
) -> dict[str, Any]:
    labels = {label: sum(sentiment.get(tp, {}).get(label, 0) for tp in members) for label in LABELS}
    texts = sum(labels.values())
    return {
        "events": sum(events.get(tp, 0) for tp in members),
        "responses": sum(responses.get(tp, 0) for tp in members),
        "scores": {metric: found.now.get(key) for metric, found in scores.items()},
        "trend": {metric: found.trend.get(key, []) for metric, found in scores.items()},
        "sentiment": {
            "texts": texts,
            **labels,
            # Net sentiment: % positive - % negative of the analysed texts.
            "net": 100 * (labels["positive"] - labels["negative"]) / texts if texts else None,
        },
    }


def _check(query: JourneyQuery) -> None:
    for name, value, low, high in (
        ("top", query.top, 1, 100),
        ("max_steps", query.max_steps, 1, 50),
        ("repeat_days", query.repeat_days, 1, 365),
        ("after_delivery_days", query.after_delivery_days, 1, 365),
    ):
        if not low <= value <= high:
            raise InvalidInput(name, f"between {low} and {high}")
    for name, events in (
        ("contact_event", query.contact_events),
        ("delivery_event", query.delivery_events),
        ("reopen_event", query.reopen_events),
        ("ticket_event", query.ticket_events),
    ):
        if not events:
            raise InvalidInput(name, "name at least one event")
        check_names(name, events)
    if query.nps_survey is not None:
        check_names("nps_survey", [query.nps_survey], 64)
    if not query.metrics:
        raise InvalidInput("metric", "name at least one metric")
