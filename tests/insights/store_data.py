"""Hand-made survey answers, events and text analyses, put in the store for insight tests."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from kokemus.enrich.models import TextAnalysisRecord
from kokemus.ingest.models import Event
from kokemus.journeys.models import Touchpoint
from kokemus.metrics import rollups
from kokemus.store import Database, dialect
from kokemus.surveys.definition import SurveyDefinition
from kokemus.surveys.external import CustomerRef, ResponseIn, accept_response
from kokemus.surveys.models import Answer, Survey
from tests.factories import send, track
from tests.surveys.helpers import publish

# (question key, type, touchpoint key or None)
QuestionSpec = tuple[str, str, str | None]


def texts(value: str) -> dict[str, str]:
    return {"fi": value, "en": value}


def add_survey(
    database: Database,
    key: str,
    questions: Sequence[QuestionSpec],
    *,
    kind: str = "customer",
    touchpoint: str | None = None,
) -> None:
    definition = SurveyDefinition.model_validate(
        {
            "key": key,
            "kind": kind,
            "languages": ["fi", "en"],
            "title": texts(key),
            "touchpoint": touchpoint,
            "questions": [
                {"key": q, "type": kind_, "text": texts(q), "touchpoint": tp}
                for q, kind_, tp in questions
            ],
        }
    )
    publish(database, definition)


def respond(
    database: Database,
    survey: str,
    answers: dict[str, Any],
    when: datetime,
    *,
    email: str | None = None,
    unit: str | None = None,
    touchpoint: str | None = None,
) -> int:
    response, _ = accept_response(
        database,
        survey,
        ResponseIn(
            answers=answers,
            language="fi",
            submitted_at=when,
            customer=CustomerRef(email=email) if email else None,
            unit=unit,
            touchpoint=touchpoint,
        ),
    )
    return response.id


def analysed(
    database: Database,
    *,
    touchpoint: str | None,
    sentiment: str,
    themes: Sequence[str] = (),
    text: str = "",
    response_id: int | None = None,
    question: str = "comment",
    event_id: int | None = None,
) -> None:
    """What text analysis would have stored for a response's text answer or an event's text.

    Written as the enrich service writes it, theme rollups included, but with the sentiment
    and themes given: the tests are about insights, not about the analyser's judgement.
    """
    with database.write_transaction() as session:
        dialect.take_write_lock(session, "surveys")
        answer_id = survey_id = None
        if response_id is not None:
            answer_id, survey_id = session.execute(
                select(Answer.id, Answer.survey_id).where(
                    Answer.response_id == response_id, Answer.question_key == question
                )
            ).one()
        touchpoint_id = None
        if touchpoint is not None:
            touchpoint_id = session.scalar(
                select(Touchpoint.id).where(Touchpoint.key == touchpoint)
            )
        before = rollups.response_themes(session, [response_id] if response_id else [])
        session.add(
            TextAnalysisRecord(
                answer_id=answer_id,
                event_id=event_id,
                property="comment" if event_id else None,
                response_id=response_id,
                survey_id=survey_id,
                touchpoint_id=touchpoint_id,
                language="fi",
                redacted=text,
                pii=[],
                sentiment=sentiment,
                score={"positive": 0.6, "negative": -0.6}.get(sentiment, 0.0),
                emotions=[],
                themes=list(themes),
                aspects=[],
                model="hand-made",
                model_version="1",
            )
        )
        session.flush()
        if response_id is not None:
            after = rollups.response_themes(session, [response_id])
            rollups.add_themes(
                session, {response_id: (before.get(response_id, set()), after[response_id])}
            )


def events(database: Database, happened: Sequence[tuple[str, str, datetime]]) -> None:
    """(event name, customer email, when), from the shop; each email is one customer."""
    send(
        database,
        [
            track(
                name,
                message_id=f"{name}|{email}|{when.isoformat()}",
                user_id=email,
                email=email,
                timestamp=when.isoformat(),
            )
            for name, email, when in happened
        ],
        source="shop",
    )


def event_id(database: Database, name: str, email: str, when: datetime) -> int:
    message_id = f"{name}|{email}|{when.isoformat()}"
    with database.transaction() as session:
        found = session.scalar(select(Event.id).where(Event.message_id == message_id))
        assert found is not None
        return found


def survey_id(database: Database, key: str) -> int:
    with database.transaction() as session:
        found = session.scalar(select(Survey.id).where(Survey.key == key))
        assert found is not None
        return found


def day(month: int, day_: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day_, hour, tzinfo=UTC)
