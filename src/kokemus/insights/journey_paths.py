"""Paths through the touchpoints, and where detractors' paths differ from promoters'.

A path is one customer's touchpoints from events in the range, in time order, with a
repeat of the same touchpoint in a row counted once, cut after `max_steps`. Each
customer's latest NPS answer in the range (0-6, 9-10) makes them a detractor or a
promoter, and their path for the comparison is the part up to that answer: what they had
been through when they answered. Only customers with at least one event by then count.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from statistics import NormalDist
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.customers.models import Identity
from kokemus.ingest.models import Event
from kokemus.insights.survey_data import live_customers
from kokemus.surveys.models import Answer, Response, Survey


@dataclass(frozen=True, slots=True)
class Walk:
    """One customer's touchpoint keys in time order, repeats in a row collapsed."""

    steps: tuple[str, ...] = ()
    times: tuple[datetime, ...] = field(default=())

    def until(self, moment: datetime) -> tuple[str, ...]:
        return self.steps[: bisect.bisect_right(self.times, moment)]


def customer_walks(
    session: Session, keys: Mapping[int, str], start: datetime, end: datetime
) -> dict[int, Walk]:
    rows = session.execute(
        select(Identity.customer_id, Event.touchpoint_id, Event.occurred_at)
        .join(Identity, Identity.id == Event.identity_id)
        .where(
            Event.touchpoint_id.is_not(None), Event.occurred_at >= start, Event.occurred_at < end
        )
        .order_by(Identity.customer_id, Event.occurred_at, Event.id)
    )
    steps: defaultdict[int, list[str]] = defaultdict(list)
    times: defaultdict[int, list[datetime]] = defaultdict(list)
    for customer_id, touchpoint_id, occurred_at in rows:
        key = keys.get(touchpoint_id or 0)
        if key is None:
            continue
        if not steps[customer_id] or steps[customer_id][-1] != key:
            steps[customer_id].append(key)
            times[customer_id].append(occurred_at)
    return {c: Walk(tuple(steps[c]), tuple(times[c])) for c in steps}


def common_paths(walks: Mapping[int, Walk], top: int, max_steps: int) -> dict[str, Any]:
    counts = Counter(walk.steps[:max_steps] for walk in walks.values())
    customers = len(walks)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    return {
        "customers": customers,
        "truncated": sum(len(walk.steps) > max_steps for walk in walks.values()),
        "top": [
            {"path": list(path), "customers": n, "share": 100 * n / customers} for path, n in ranked
        ],
    }


def nps_classes(
    session: Session,
    start: datetime,
    end: datetime,
    survey: str | None = None,
    unit_ids: Collection[int] | None = None,
) -> dict[int, tuple[str, datetime]]:
    """Each (live) customer's class by their latest NPS answer in the range (given at one of
    the units, when they are given), and its time."""
    statement = (
        select(Response.customer_id, Answer.number, Response.submitted_at)
        .join(Answer, Answer.response_id == Response.id)
        .join(Survey, Survey.id == Response.survey_id)
        .where(
            Survey.kind == "customer",
            Response.complete,
            Response.customer_id.is_not(None),
            Response.submitted_at >= start,
            Response.submitted_at < end,
            Answer.question_type == "nps",
            Answer.number.is_not(None),
        )
        .order_by(Response.submitted_at, Response.id, Answer.id)
    )
    if survey is not None:
        statement = statement.where(Survey.key == survey)
    if unit_ids is not None:
        statement = statement.where(Response.unit_id.in_(unit_ids))
    rows = session.execute(statement).all()
    live = live_customers(session, {row.customer_id for row in rows})
    latest: dict[int, tuple[str, datetime]] = {}
    for customer_id, number, submitted_at in rows:
        if customer_id is None or number is None or submitted_at is None:
            continue
        label = "promoter" if number >= 9 else "detractor" if number <= 6 else "passive"
        latest[live[customer_id]] = (label, submitted_at)
    return latest


def detractors_vs_promoters(
    walks: Mapping[int, Walk],
    classes: Mapping[int, tuple[str, datetime]],
    top: int,
    max_steps: int,
) -> dict[str, Any]:
    paths: dict[str, list[tuple[str, ...]]] = {"detractor": [], "promoter": []}
    for customer_id, (label, answered_at) in classes.items():
        walk = walks.get(customer_id)
        path = walk.until(answered_at) if walk else ()
        if label in paths and path:
            paths[label].append(path)
    detractors, promoters = paths["detractor"], paths["promoter"]
    touchpoints = sorted({key for path in detractors + promoters for key in path})
    by_touchpoint = [
        _difference(
            {"touchpoint": key},
            sum(key in path for path in detractors),
            len(detractors),
            sum(key in path for path in promoters),
            len(promoters),
        )
        for key in touchpoints
    ]
    cut_detractors = Counter(path[:max_steps] for path in detractors)
    cut_promoters = Counter(path[:max_steps] for path in promoters)
    by_path = [
        _difference(
            {"path": list(path)},
            cut_detractors[path],
            len(detractors),
            cut_promoters[path],
            len(promoters),
        )
        for path in sorted(set(cut_detractors) | set(cut_promoters))
    ]
    return {
        "detractors": len(detractors),
        "promoters": len(promoters),
        "touchpoints": _by_difference(by_touchpoint),
        "paths": _by_difference(by_path)[:top],
    }


def two_proportion_p(hits_a: int, n_a: int, hits_b: int, n_b: int) -> float | None:
    """Two-sided p of a pooled z test that two shares are equal; None without both groups."""
    if not n_a or not n_b:
        return None
    pooled = (hits_a + hits_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:
        return 1.0
    return 2 * NormalDist().cdf(-abs((hits_a / n_a - hits_b / n_b) / se))


def _difference(
    key: dict[str, Any], detractors: int, of_detractors: int, promoters: int, of_promoters: int
) -> dict[str, Any]:
    detractor_share = 100 * detractors / of_detractors if of_detractors else None
    promoter_share = 100 * promoters / of_promoters if of_promoters else None
    return {
        **key,
        "detractors": detractors,
        "promoters": promoters,
        "detractor_share": detractor_share,
        "promoter_share": promoter_share,
        "difference": (
            detractor_share - promoter_share
            if detractor_share is not None and promoter_share is not None
            else None
        ),
        "p_value": two_proportion_p(detractors, of_detractors, promoters, of_promoters),
    }


def _by_difference(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda row: -abs(row["difference"] or 0))
