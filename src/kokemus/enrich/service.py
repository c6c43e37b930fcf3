"""Free-text answers analysed after they are stored, in batches, off the request path."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.enrich.models import TextAnalysisRecord
from kokemus.store import Database, dialect
from kokemus.store.base import utcnow
from kokemus.surveys.models import Answer, Response
from kokemus.text.analysis import Analyzer, TextAnalysis, default_analyzer

BATCH = 500
COLUMNS = (
    "answer_id",
    "response_id",
    "survey_id",
    "touchpoint_id",
    "language",
    "redacted",
    "pii",
    "sentiment",
    "score",
    "emotions",
    "themes",
    "aspects",
    "model",
    "model_version",
    "analyzed_at",
)


@dataclass(frozen=True)
class PendingText:
    answer_id: int
    response_id: int
    survey_id: int
    touchpoint_id: int | None
    text: str
    language: str | None


def pending(session: Session, limit: int = BATCH) -> list[PendingText]:
    """Text answers not analysed yet, oldest first."""
    query = (
        select(
            Answer.id,
            Answer.response_id,
            Answer.survey_id,
            Answer.touchpoint_id,
            Answer.text,
            Response.language,
        )
        .join(Response, Response.id == Answer.response_id)
        .outerjoin(TextAnalysisRecord, TextAnalysisRecord.answer_id == Answer.id)
        .where(
            Answer.question_type == "text",
            Answer.text.is_not(None),
            TextAnalysisRecord.id.is_(None),
        )
        .order_by(Answer.id)
        .limit(limit)
    )
    return [
        PendingText(answer, response, survey, touchpoint, text or "", language)
        for answer, response, survey, touchpoint, text, language in session.execute(query)
    ]


def analyze_pending(database: Database, analyzer: Analyzer | None = None) -> int:
    """Analyse one batch of waiting answers; how many were analysed."""
    with database.transaction() as session:
        waiting = pending(session)
    if not waiting:
        return 0
    analyzer = analyzer or default_analyzer()
    # The respondent's page language is a hint; the detector decides among the configured.
    results = analyzer.analyze_many([item.text for item in waiting])
    with database.write_transaction() as session:
        # Another process may have analysed some meanwhile: keep only what is still missing.
        done = set(
            session.scalars(
                select(TextAnalysisRecord.answer_id).where(
                    TextAnalysisRecord.answer_id.in_([item.answer_id for item in waiting])
                )
            )
        )
        rows = [
            _row(session, item, result)
            for item, result in zip(waiting, results, strict=True)
            if item.answer_id not in done
        ]
        dialect.bulk_insert(session, "text_analyses", COLUMNS, rows)
    return len(waiting)


def analyze_all(database: Database, analyzer: Analyzer | None = None) -> int:
    total = 0
    while count := analyze_pending(database, analyzer):
        total += count
    return total


def _row(session: Session, item: PendingText, result: TextAnalysis) -> Sequence[Any]:
    def json(value: Any) -> str:
        return orjson.dumps(value).decode()

    return (
        item.answer_id,
        item.response_id,
        item.survey_id,
        item.touchpoint_id,
        result.lang,
        result.redacted,
        json([pii.model_dump() for pii in result.pii]),
        result.sentiment.label,
        result.sentiment.score,
        json(list(result.emotions)),
        json(list(result.themes)),
        json([aspect.model_dump() for aspect in result.aspects]),
        result.model.name,
        result.model.version,
        dialect.timestamp(session, utcnow()),
    )
