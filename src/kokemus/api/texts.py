from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from kokemus.api.deps import DbSession, ReadToken, known_query_only
from kokemus.api.schemas import error_responses
from kokemus.enrich.models import TextAnalysisRecord
from kokemus.errors import InvalidInput
from kokemus.surveys import service

router = APIRouter(
    prefix="/api/v1/texts",
    tags=["Text analytics"],
    responses=error_responses(401, 403, 404, 422),
    dependencies=[Depends(known_query_only)],
)
MAX_PAGE = 500


def analysis_view(record: TextAnalysisRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "kind": "answer" if record.answer_id is not None else "event",
        "answer_id": record.answer_id,
        "response_id": record.response_id,
        "survey_id": record.survey_id,
        "event_id": record.event_id,
        "property": record.property,
        "touchpoint_id": record.touchpoint_id,
        "language": record.language,
        "redacted": record.redacted,
        "pii": record.pii,
        "sentiment": {"label": record.sentiment, "score": record.score},
        "emotions": record.emotions,
        "themes": record.themes,
        "aspects": record.aspects,
        "model": {"name": record.model, "version": record.model_version},
        "analyzed_at": record.analyzed_at,
    }


@router.get("")
def list_texts(
    session: DbSession,
    _token: ReadToken,
    kind: Literal["answer", "event"] | None = None,
    survey: str | None = Query(default=None, max_length=64, description="survey key or id"),
    touchpoint: str | None = Query(default=None, max_length=64, description="touchpoint key"),
    sentiment: Literal["negative", "neutral", "positive", "mixed"] | None = None,
    theme: str | None = Query(default=None, max_length=64),
    limit: int = Query(default=100, ge=1, le=MAX_PAGE),
    after: int = Query(default=0, ge=0, le=2**62, description="last id of the previous page"),
) -> dict[str, Any]:
    """Analysed free text (redacted) from survey answers and events, oldest first."""
    query = select(TextAnalysisRecord).where(TextAnalysisRecord.id > after)
    if kind == "answer":
        query = query.where(TextAnalysisRecord.answer_id.is_not(None))
    elif kind == "event":
        query = query.where(TextAnalysisRecord.event_id.is_not(None))
    if survey is not None:
        query = query.where(TextAnalysisRecord.survey_id == service.get_survey(session, survey).id)
    if touchpoint is not None:
        touchpoint_id = service.touchpoint_ids(session).get(touchpoint)
        if touchpoint_id is None:
            raise InvalidInput("touchpoint", f"{touchpoint!r} is not a touchpoint of the journey")
        query = query.where(TextAnalysisRecord.touchpoint_id == touchpoint_id)
    if sentiment is not None:
        query = query.where(TextAnalysisRecord.sentiment == sentiment)
    found: list[TextAnalysisRecord] = []
    last = after
    # Themes are a JSON list: read on a bounded number of rows and keep those naming it.
    for record in session.scalars(query.order_by(TextAnalysisRecord.id).limit(limit * 20)):
        last = record.id
        if theme is None or theme in record.themes:
            found.append(record)
            if len(found) == limit:
                break
    return {
        "texts": [analysis_view(record) for record in found],
        "next_after": last if len(found) == limit else None,
    }
