"""Finding feedback: analysed free-text answers filtered, searched and paged, the latest to
arrive first."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, Select, String, and_, cast, exists, or_, select
from sqlalchemy.orm import Session

from kokemus.enrich.models import TextAnalysisRecord, TextCorrection
from kokemus.errors import InvalidInput
from kokemus.journeys.models import Touchpoint, Unit
from kokemus.metrics.dimensions import read_context
from kokemus.metrics.rollups import organisation_zone
from kokemus.surveys.models import Answer, Response

ScoreBand = Literal["low", "middle", "high"]
SCORE_BANDS: dict[str, tuple[tuple[str, float, float], ...]] = {
    # (question type, lowest, highest) that put a response in the band
    "low": (("nps", 0, 6), ("rating", 1, 2)),
    "middle": (("nps", 7, 8), ("rating", 3, 3)),
    "high": (("nps", 9, 10), ("rating", 4, 5)),
}
PAGE = 50


@dataclass(frozen=True)
class FeedbackFilters:
    first: date | None = None
    last: date | None = None
    touchpoint: str | None = None
    unit: str | None = None  # with its subtree
    sentiment: str | None = None
    theme: str | None = None
    language: str | None = None
    score: ScoreBand | None = None
    search: str | None = None


@dataclass(frozen=True)
class FeedbackItem:
    analysis_id: int
    response_id: int | None
    submitted_at: datetime | None
    touchpoint: str | None
    unit: str | None
    language: str
    redacted: str
    sentiment: str
    sentiment_score: float
    themes: list[str]
    emotions: list[str]
    rating: tuple[str, int] | None = None  # (question type, score)
    corrected: bool = False
    customer_id: int | None = None


@dataclass(frozen=True)
class FeedbackPage:
    items: list[FeedbackItem]
    next_before: int | None = None
    filters: FeedbackFilters = field(default_factory=FeedbackFilters)


def search_feedback(
    session: Session,
    filters: FeedbackFilters,
    *,
    visible_touchpoints: frozenset[int] | None = None,
    visible_units: frozenset[int] | None = None,
    before: int | None = None,
    limit: int = PAGE,
) -> FeedbackPage:
    """Free-text answers as analysed (redacted), the latest analysed first; `before` pages on.

    With `visible_touchpoints`, only answers at those touchpoints or, when `visible_units`
    is given, answered for those units."""
    query = _query(session, filters, visible_touchpoints, visible_units)
    if before is not None:
        query = query.where(TextAnalysisRecord.id < before)
    rows = session.execute(query.order_by(TextAnalysisRecord.id.desc()).limit(limit + 1)).all()
    shown = rows[:limit]
    ratings = _ratings(session, [row[0].response_id for row in shown if row[0].response_id])
    corrected = _corrected(session, [row[0].id for row in shown])
    items = [
        FeedbackItem(
            analysis_id=record.id,
            response_id=record.response_id,
            submitted_at=submitted_at,
            touchpoint=touchpoint,
            unit=unit,
            language=record.language,
            redacted=record.redacted,
            sentiment=record.sentiment,
            sentiment_score=record.score,
            themes=list(record.themes),
            emotions=list(record.emotions),
            rating=ratings.get(record.response_id or 0),
            corrected=record.id in corrected,
            customer_id=customer_id,
        )
        for record, submitted_at, touchpoint, unit, customer_id in shown
    ]
    next_before = shown[-1][0].id if len(rows) > limit else None
    return FeedbackPage(items, next_before, filters)


def _query(
    session: Session,
    filters: FeedbackFilters,
    visible: frozenset[int] | None,
    units: frozenset[int] | None = None,
) -> Select[TextAnalysisRecord, datetime | None, str, str, int | None]:
    query = (
        select(
            TextAnalysisRecord,
            Response.submitted_at,
            Touchpoint.key,
            Unit.key,
            Response.customer_id,
        )
        .join(Response, Response.id == TextAnalysisRecord.response_id)
        .outerjoin(Touchpoint, Touchpoint.id == TextAnalysisRecord.touchpoint_id)
        .outerjoin(Unit, Unit.id == Response.unit_id)
    )
    if visible is not None:
        query = query.where(
            or_(
                TextAnalysisRecord.touchpoint_id.in_(visible or {-1}),
                Response.unit_id.in_(units or {-1}),
            )
        )
    zone = organisation_zone()
    if filters.first is not None:
        query = query.where(Response.submitted_at >= datetime.combine(filters.first, time(), zone))
    if filters.last is not None:
        end = datetime.combine(filters.last + timedelta(days=1), time(), zone)
        query = query.where(Response.submitted_at < end)
    if filters.touchpoint:
        query = query.where(Touchpoint.key == filters.touchpoint)
    if filters.unit:
        context = read_context(session)
        if filters.unit not in context.unit_ids:
            raise InvalidInput("unit", f"no unit {filters.unit!r}")
        query = query.where(Response.unit_id.in_(context.subtree(context.unit_ids[filters.unit])))
    if filters.sentiment:
        query = query.where(TextAnalysisRecord.sentiment == filters.sentiment)
    if filters.language:
        query = query.where(TextAnalysisRecord.language == filters.language)
    if filters.theme:
        # The themes are a JSON list of ids: its text holds the id in quotes.
        query = query.where(
            cast(TextAnalysisRecord.themes, String).contains(f'"{filters.theme}"', autoescape=True)
        )
    if filters.search:
        query = query.where(TextAnalysisRecord.redacted.icontains(filters.search, autoescape=True))
    if filters.score:
        query = query.where(_in_band(filters.score))
    return query


def _in_band(band: ScoreBand) -> ColumnElement[bool]:
    return exists().where(
        Answer.response_id == Response.id,
        or_(
            *(
                and_(Answer.question_type == kind, Answer.number.between(low, high))
                for kind, low, high in SCORE_BANDS[band]
            )
        ),
    )


def _ratings(session: Session, response_ids: Sequence[int]) -> dict[int, tuple[str, int]]:
    """Each response's NPS answer, or else its first rating."""
    if not response_ids:
        return {}
    found: dict[int, tuple[str, int]] = {}
    rows = session.execute(
        select(Answer.response_id, Answer.question_type, Answer.number)
        .where(
            Answer.response_id.in_(response_ids),
            Answer.question_type.in_(("nps", "rating")),
            Answer.number.is_not(None),
        )
        .order_by(Answer.id)
    )
    for response_id, kind, number in rows:
        if response_id not in found or (kind == "nps" and found[response_id][0] != "nps"):
            found[response_id] = (kind, int(number or 0))
    return found


def _corrected(session: Session, analysis_ids: Sequence[int]) -> set[int]:
    if not analysis_ids:
        return set()
    return set(
        session.scalars(
            select(TextCorrection.analysis_id).where(TextCorrection.analysis_id.in_(analysis_ids))
        )
    )
