"""Free-text answers analysed after they are stored, in batches, off the request path."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.enrich.models import JobCursor, TextAnalysisRecord
from kokemus.ingest.models import Event
from kokemus.metrics import rollups
from kokemus.store import Database, dialect
from kokemus.store.base import utcnow
from kokemus.surveys.models import Answer, Response
from kokemus.text.analysis import Analyzer, TextAnalysis, default_analyzer

BATCH = 500
TEXT_LIMIT = 5000  # characters of an event's text that are analysed
# Event properties that carry what a customer wrote: a rating's comment, a ticket's text.
TEXT_PROPERTIES = ("comment", "feedback", "review", "description", "message", "text", "body")
EVENT_CURSOR = "text-events"
EVENT_SCAN = 5000
COLUMNS = (
    "answer_id",
    "event_id",
    "property",
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
    answer_id: int | None
    response_id: int | None
    survey_id: int | None
    touchpoint_id: int | None
    text: str
    language: str | None
    event_id: int | None = None
    property: str | None = None


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
        # The rollups' theme rows change with the analyses: one writer at a time.
        dialect.take_write_lock(session, "surveys")
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
        responses = sorted({item.response_id for item in waiting if item.response_id is not None})
        before = rollups.response_themes(session, responses)
        dialect.bulk_insert(session, "text_analyses", COLUMNS, rows)
        after = rollups.response_themes(session, responses)
        rollups.add_themes(
            session,
            {
                response: (before.get(response, set()), after.get(response, set()))
                for response in responses
                if before.get(response) != after.get(response)
            },
        )
    return len(waiting)


def analyze_event_texts(
    database: Database,
    analyzer: Analyzer | None = None,
    properties: Sequence[str] = TEXT_PROPERTIES,
) -> int:
    """Read on through the events after the cursor; analyse the texts they carry.

    Returns how many events were read (0: none new). Events are append-only, so a cursor
    on their id is enough to visit each once.
    """
    with database.transaction() as session:
        position = session.get(JobCursor, EVENT_CURSOR)
        after = position.position if position is not None else 0
        rows = session.execute(
            select(Event.id, Event.touchpoint_id, Event.properties)
            .where(Event.id > after, Event.type.in_(("track", "page", "screen")))
            .order_by(Event.id)
            .limit(EVENT_SCAN)
        ).all()
        if not rows:
            return 0
    waiting = [
        PendingText(None, None, None, touchpoint, text, None, event_id, key)
        for event_id, touchpoint, props in rows
        for key, text in _first_text(props, properties)
    ]
    results = (
        (analyzer or default_analyzer()).analyze_many([item.text for item in waiting])
        if waiting
        else []
    )
    with database.write_transaction() as session:
        done = (
            set(
                session.scalars(
                    select(TextAnalysisRecord.event_id).where(
                        TextAnalysisRecord.event_id.in_([item.event_id for item in waiting])
                    )
                )
            )
            if waiting
            else set()
        )
        rows_out = [
            _row(session, item, result)
            for item, result in zip(waiting, results, strict=True)
            if item.event_id not in done
        ]
        dialect.bulk_insert(session, "text_analyses", COLUMNS, rows_out)
        cursor = session.get(JobCursor, EVENT_CURSOR)
        if cursor is None:
            session.add(JobCursor(name=EVENT_CURSOR, position=rows[-1][0]))
        else:
            cursor.position = max(cursor.position, rows[-1][0])
            cursor.updated_at = utcnow()
    return len(rows)


def _first_text(props: Any, names: Sequence[str]) -> list[tuple[str, str]]:
    if not isinstance(props, dict):
        return []
    for name in names:
        value = props.get(name)
        if isinstance(value, str) and len(value.strip()) >= 2:
            return [(name, value[:TEXT_LIMIT])]
    return []


def analyze_all(database: Database, analyzer: Analyzer | None = None) -> int:
    """Everything waiting: answers and event texts; how many answers and events were read."""
    total = 0
    while count := analyze_pending(database, analyzer) + analyze_event_texts(database, analyzer):
        total += count
    return total


def _row(session: Session, item: PendingText, result: TextAnalysis) -> Sequence[Any]:
    def json(value: Any) -> str:
        return orjson.dumps(value).decode()

    return (
        item.answer_id,
        item.event_id,
        item.property,
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
