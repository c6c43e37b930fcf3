"""Stories for a unit's wall: representative, recent, redacted comments picked from the store."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from kokemus.enrich.models import TextAnalysisRecord
from kokemus.errors import InvalidInput
from kokemus.journeys.models import Touchpoint, Unit
from kokemus.metrics.dimensions import read_context
from kokemus.surveys.models import Response
from kokemus.text.analysis import ModelInfo, SentimentResult, TextAnalysis
from kokemus.text.stories import GroupBy, Story, StoryCandidate, select_stories

MAX_CANDIDATES = 3000


@dataclass(frozen=True)
class WallRequest:
    unit: str | None = None  # with its subtree
    touchpoint: str | None = None
    theme: str | None = None
    days: int = 90
    group_by: GroupBy = "touchpoint"
    per_group: int = 3
    # The most recent comments the stories are chosen from.
    candidates: int = MAX_CANDIDATES


def story_wall(
    session: Session,
    wall: WallRequest,
    *,
    now: datetime,
    visible_touchpoints: frozenset[int] | None = None,
    visible_units: frozenset[int] | None = None,
) -> list[Story]:
    """The stories, grouped, each with the reason it was chosen."""
    since = now - timedelta(days=wall.days)
    query = (
        select(TextAnalysisRecord, Response.submitted_at, Touchpoint.key, Unit.key)
        .join(Response, Response.id == TextAnalysisRecord.response_id)
        .outerjoin(Touchpoint, Touchpoint.id == TextAnalysisRecord.touchpoint_id)
        .outerjoin(Unit, Unit.id == Response.unit_id)
        .where(Response.submitted_at >= since)
    )
    if visible_touchpoints is not None:
        # Told at the user's touchpoints, or answered for the user's units.
        query = query.where(
            or_(
                TextAnalysisRecord.touchpoint_id.in_(visible_touchpoints or {-1}),
                Response.unit_id.in_(visible_units or {-1}),
            )
        )
    if wall.unit:
        context = read_context(session)
        if wall.unit not in context.unit_ids:
            raise InvalidInput("unit", f"no unit {wall.unit!r}")
        query = query.where(Response.unit_id.in_(context.subtree(context.unit_ids[wall.unit])))
    if wall.touchpoint:
        query = query.where(Touchpoint.key == wall.touchpoint)
    if wall.theme:
        query = query.where(
            cast(TextAnalysisRecord.themes, String).contains(f'"{wall.theme}"', autoescape=True)
        )
    rows = session.execute(
        query.order_by(TextAnalysisRecord.id.desc()).limit(wall.candidates)
    ).all()
    candidates = [
        StoryCandidate(
            id=str(record.id),
            analysis=_analysis(record),
            created_at=submitted_at or record.analyzed_at,
            touchpoint=touchpoint,
            unit=unit,
        )
        for record, submitted_at, touchpoint, unit in rows
    ]
    return select_stories(candidates, now=now, group_by=(wall.group_by,), per_group=wall.per_group)


def _analysis(record: TextAnalysisRecord) -> TextAnalysis:
    """The stored analysis in the shape the story picker reads (labels as corrected)."""
    return TextAnalysis(
        lang=record.language,
        redacted=record.redacted,
        pii=(),
        sentiment=SentimentResult(label=record.sentiment, score=record.score),
        sentences=(),
        emotions=tuple(record.emotions),
        themes=tuple(record.themes),
        aspects=(),
        model=ModelInfo(name=record.model, version=record.model_version),
    )
