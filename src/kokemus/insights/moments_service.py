"""Moments of truth on the store: which touchpoints to improve, keep, reduce or monitor.

- importance: a touchpoint's share (% of R²) in the driver analysis of a survey whose
  scale questions rate touchpoints; the shares of several questions at one touchpoint add.
- performance: the touchpoint's CSAT over every customer rating at it in the range (the
  breakdown service), or its weak share (1-2 of 5), where lower is better.
- effort: 8 - mean CES at the touchpoint (CES 7 is easy, so 1 is the least effort), or the
  share of its analysed customer texts that are negative.

Evidence: the most frequent themes among the touchpoint's negative texts, and redacted
verbatims, newest first, each bringing a theme not shown yet while such texts remain:
negative ones for improve and reduce, positive for keep, any for monitor.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Literal, TypeVarTuple

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from kokemus.enrich.models import TextAnalysisRecord
from kokemus.errors import InvalidInput
from kokemus.ingest.models import Event
from kokemus.insights.drivers import Method
from kokemus.insights.moments import Action, Moment, TouchpointFigures, classify_moments
from kokemus.insights.scope import UnitScope, unit_scope
from kokemus.insights.survey_data import SurveyDriverQuery, local_range, survey_drivers
from kokemus.metrics.breakdown import BreakdownQuery, Filters
from kokemus.metrics.definitions import Estimate, MetricName
from kokemus.metrics.dimensions import Context, read_context
from kokemus.metrics.service import breakdown
from kokemus.store.base import UtcDateTime
from kokemus.surveys.models import Answer, Response, Survey

Ts = TypeVarTuple("Ts")
Performance = Literal["csat", "weak_share"]
Effort = Literal["ces", "negative_text"]
LABELS = ("positive", "neutral", "negative", "mixed")
MIN_VOLUME = 10
VERBATIMS = 3
TOP_THEMES = 3
# Newest candidates read per touchpoint to pick the verbatims from.
CANDIDATES = 50
NO_THEME = "(none)"
_WANTED: Mapping[Action, tuple[str, ...]] = {
    "improve": ("negative",),
    "reduce": ("negative",),
    "keep": ("positive",),
    "monitor": LABELS,
}


@dataclass(frozen=True, slots=True)
class MomentsQuery:
    drivers: SurveyDriverQuery
    performance: Performance = "csat"
    effort: Effort = "ces"
    min_volume: int = MIN_VOLUME
    method: Method = "lmg"
    resamples: int | None = None
    seed: int = 0
    verbatims: int = VERBATIMS
    themes: int = TOP_THEMES

    @property
    def unit(self) -> str | None:
        """The unit is the driver query's: the moments rank what that unit's answers say."""
        return self.drivers.unit


@dataclass(frozen=True, slots=True)
class Verbatim:
    text: str
    sentiment: str
    score: float
    themes: tuple[str, ...]
    at: datetime


def moments_of_truth(session: Session, query: MomentsQuery) -> dict[str, Any]:
    data, analysis = survey_drivers(
        session,
        replace(query.drivers, themes=False),
        method=query.method,
        resamples=query.resamples,
        seed=query.seed,
    )
    scope = unit_scope(session, query.unit)
    context = read_context(session)
    ids = {info.key: tp for tp, info in context.touchpoints.items()}
    questions: defaultdict[str, list[int]] = defaultdict(list)
    for j, column in enumerate(data.columns):
        if column.touchpoint in ids:
            questions[column.touchpoint].append(j)
    if not questions:
        raise InvalidInput("drivers", "none of the driver questions is at a touchpoint")
    keys = sorted(questions)
    first, last = query.drivers.first, query.drivers.last
    ratings = per_touchpoint(session, "csat", keys, first, last, unit=query.unit)
    effort = _effort(session, query.effort, keys, ids, first, last, scope)
    figures, left_out = [], []
    for key in keys:
        rated = ratings.get(key)
        if rated is None or rated.value is None:
            left_out.append({"touchpoint": key, "reason": "no ratings at it in the range"})
            continue
        figures.append(
            TouchpointFigures(
                name=key,
                importance=sum(analysis.drivers[j].share for j in questions[key]),
                performance=rated.value if query.performance == "csat" else rated.shares["weak"],
                volume=rated.n,
                effort=effort.get(key),
            )
        )
    figures.sort(key=lambda figure: (-figure.importance, figure.name))
    result = classify_moments(
        figures, higher_is_better=query.performance == "csat", min_volume=query.min_volume
    )
    start, end = local_range(first, last)
    negative = negative_themes(session, [ids[f.name] for f in figures], start, end, scope)
    moments = [
        _moment_view(
            moment,
            figure,
            ratings[moment.name],
            [analysis.drivers[j] for j in questions[moment.name]],
            analysis.r2,
            context,
            negative.get(ids[moment.name], NegativeThemes(0, Counter())),
            pick_verbatims(
                _candidates(session, ids[moment.name], _WANTED[moment.action], start, end, scope),
                query.verbatims,
            ),
            query.themes,
        )
        for moment, figure in zip(result.moments, figures, strict=True)
    ]
    return {
        "survey": data.survey,
        "unit": query.unit,
        "outcome": data.outcome,
        "method": analysis.method,
        "r2": analysis.r2,
        "n": analysis.n,
        "warnings": [
            *({"code": w.code, "message": w.message} for w in analysis.warnings),
            *_comparison_warning(len(figures)),
        ],
        "performance": query.performance,
        "effort": query.effort,
        "thresholds": {
            "importance": result.thresholds.importance,
            "performance": result.thresholds.performance,
            "effort": result.thresholds.effort,
        },
        "moments": moments,
        "left_out": left_out,
        "questions_without_touchpoint": [c.name for c in data.columns if c.touchpoint not in ids],
    }


def _comparison_warning(touchpoints: int) -> list[dict[str, str]]:
    # The thresholds are medians across the touchpoints: one touchpoint is its own median.
    if touchpoints >= 2:
        return []
    return [
        {
            "code": "one_touchpoint",
            "message": f"{touchpoints} touchpoint with an importance and a performance: "
            "moments of truth compare touchpoints, so use a survey that rates several",
        }
    ]


def per_touchpoint(
    session: Session,
    metric: MetricName,
    keys: Sequence[str],
    first: date,
    last: date,
    *,
    unit: str | None = None,
) -> dict[str, Estimate]:
    """The metric per touchpoint over customer answers (of the unit's subtree, when one is
    given), from the breakdown service."""
    if not keys:
        return {}
    filters = Filters(touchpoint=tuple(keys), unit=unit)
    query = BreakdownQuery(metric, first, last, ("touchpoint",), filters)
    return {group.key["touchpoint"]: group.estimate for group in breakdown(session, query).groups}


def pick_verbatims(candidates: Sequence[Verbatim], count: int) -> list[Verbatim]:
    """Newest first; a text whose themes are all shown already waits while others remain."""
    chosen: list[Verbatim] = []
    covered: set[str] = set()
    seen_texts: set[str] = set()
    for candidate in candidates:
        themes = set(candidate.themes) or {NO_THEME}
        if len(chosen) < count and candidate.text not in seen_texts and themes - covered:
            chosen.append(candidate)
            covered |= themes
            seen_texts.add(candidate.text)
    for candidate in candidates:
        if len(chosen) < count and candidate.text not in seen_texts:
            chosen.append(candidate)
            seen_texts.add(candidate.text)
    return sorted(chosen, key=lambda verbatim: verbatim.at, reverse=True)


def sentiment_counts(
    session: Session, start: datetime, end: datetime, scope: UnitScope | None = None
) -> dict[int, dict[str, int]]:
    """Customer texts per touchpoint and sentiment label, in the range."""
    rows = session.execute(
        _customer_texts(
            select(TextAnalysisRecord.touchpoint_id, TextAnalysisRecord.sentiment, func.count()),
            start,
            end,
            scope,
        )
        .where(TextAnalysisRecord.touchpoint_id.is_not(None))
        .group_by(TextAnalysisRecord.touchpoint_id, TextAnalysisRecord.sentiment)
    )
    counts: defaultdict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(LABELS, 0))
    for touchpoint_id, label, n in rows:
        if touchpoint_id is None:
            continue
        counts[touchpoint_id][label] = counts[touchpoint_id].get(label, 0) + int(n)
    return counts


@dataclass(frozen=True, slots=True)
class NegativeThemes:
    texts: int
    themes: Counter[str]


def negative_themes(
    session: Session,
    touchpoint_ids: Collection[int],
    start: datetime,
    end: datetime,
    scope: UnitScope | None = None,
) -> dict[int, NegativeThemes]:
    """How many negative texts each touchpoint has, and how many of them name each theme."""
    texts: Counter[int] = Counter()
    themes: defaultdict[int, Counter[str]] = defaultdict(Counter)
    if not touchpoint_ids:
        return {}
    rows = session.execute(
        _customer_texts(
            select(TextAnalysisRecord.touchpoint_id, TextAnalysisRecord.themes), start, end, scope
        ).where(
            TextAnalysisRecord.touchpoint_id.in_(touchpoint_ids),
            TextAnalysisRecord.sentiment == "negative",
        )
    )
    for touchpoint_id, named in rows:
        if touchpoint_id is None:
            continue
        texts[touchpoint_id] += 1
        themes[touchpoint_id].update(set(named or ()))
    return {tp: NegativeThemes(n, themes[tp]) for tp, n in texts.items()}


_WHEN = func.coalesce(Answer.answered_at, Event.occurred_at, type_=UtcDateTime)


def _customer_texts(
    statement: Select[*Ts], start: datetime, end: datetime, scope: UnitScope | None = None
) -> Select[*Ts]:
    """Texts from customer surveys or from events (never employees'), answered in the range."""
    statement = (
        statement.outerjoin(Answer, Answer.id == TextAnalysisRecord.answer_id)
        .outerjoin(Event, Event.id == TextAnalysisRecord.event_id)
        .outerjoin(Survey, Survey.id == TextAnalysisRecord.survey_id)
        .where(
            or_(TextAnalysisRecord.survey_id.is_(None), Survey.kind == "customer"),
            _WHEN >= start,
            _WHEN < end,
        )
    )
    if scope is None:
        return statement
    # A survey text is the unit's when its response was given at the unit; an event's text
    # (no response) when the event's touchpoint is owned by the unit, events carrying no
    # unit of their own (see kokemus.insights.scope).
    return statement.outerjoin(Response, Response.id == TextAnalysisRecord.response_id).where(
        or_(
            Response.unit_id.in_(scope.unit_ids),
            and_(
                TextAnalysisRecord.response_id.is_(None),
                TextAnalysisRecord.event_id.is_not(None),
                Event.touchpoint_id.in_(scope.touchpoint_ids),
            ),
        )
    )


def _candidates(
    session: Session,
    touchpoint_id: int,
    labels: Sequence[str],
    start: datetime,
    end: datetime,
    scope: UnitScope | None = None,
) -> list[Verbatim]:
    rows = session.execute(
        _customer_texts(
            select(
                TextAnalysisRecord.redacted,
                TextAnalysisRecord.sentiment,
                TextAnalysisRecord.score,
                TextAnalysisRecord.themes,
                _WHEN,
            ),
            start,
            end,
            scope,
        )
        .where(
            TextAnalysisRecord.touchpoint_id == touchpoint_id,
            TextAnalysisRecord.sentiment.in_(labels),
        )
        .order_by(_WHEN.desc(), TextAnalysisRecord.id.desc())
        .limit(CANDIDATES)
    )
    return [
        Verbatim(text, label, float(score), tuple(themes or ()), at)
        for text, label, score, themes, at in rows
    ]


def _effort(
    session: Session,
    effort: Effort,
    keys: Sequence[str],
    ids: Mapping[str, int],
    first: date,
    last: date,
    scope: UnitScope | None = None,
) -> dict[str, float]:
    unit = scope.key if scope else None
    if effort == "ces":
        return {
            key: 8 - found.value
            for key, found in per_touchpoint(session, "ces", keys, first, last, unit=unit).items()
            if found.value is not None
        }
    counts = sentiment_counts(session, *local_range(first, last), scope)
    shares = {}
    for key in keys:
        found = counts.get(ids[key])
        if found and sum(found.values()):
            shares[key] = 100 * found["negative"] / sum(found.values())
    return shares


def _moment_view(
    moment: Moment,
    figure: TouchpointFigures,
    rated: Estimate,
    drivers: Sequence[Any],
    r2: float,
    context: Context,
    negative: NegativeThemes,
    verbatims: Sequence[Verbatim],
    top_themes: int,
) -> dict[str, Any]:
    single = drivers[0] if len(drivers) == 1 and r2 > 0 else None
    return {
        "touchpoint": moment.name,
        "stage": next(
            (info.stage for info in context.touchpoints.values() if info.key == moment.name), None
        ),
        "action": moment.action,
        "reason": moment.reason,
        "reason_code": moment.reason_code,
        "reason_params": moment.reason_params,
        "importance": figure.importance,
        "importance_ci": (
            [100 * single.ci_low / r2, 100 * single.ci_high / r2]
            if single is not None and single.ci_low is not None
            else None
        ),
        "drivers": [driver.name for driver in drivers],
        "performance": {
            "metric": "csat",
            "value": rated.value,
            "n": rated.n,
            "ci_low": rated.ci_low,
            "ci_high": rated.ci_high,
        },
        "weak_share": rated.shares.get("weak"),
        "effort": figure.effort,
        "volume": figure.volume,
        "negative_texts": negative.texts,
        "negative_themes": [
            {"theme": theme, "count": n, "share": 100 * n / negative.texts}
            for theme, n in sorted(negative.themes.items(), key=lambda item: (-item[1], item[0]))[
                :top_themes
            ]
        ],
        "verbatims": [
            {
                "text": v.text,
                "sentiment": v.sentiment,
                "score": v.score,
                "themes": list(v.themes),
                "at": v.at.isoformat(),
            }
            for v in verbatims
        ],
    }
