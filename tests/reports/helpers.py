"""Hand-made survey answers for goal and report tests, through the real services."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from kokemus.store import Database
from kokemus.surveys.definition import SurveyDefinition
from kokemus.surveys.external import ResponseIn, accept_response
from tests.surveys.helpers import publish


def texts(value: str) -> dict[str, str]:
    return {"fi": value, "en": value}


def add_survey(
    database: Database,
    key: str,
    questions: Sequence[tuple[str, str] | tuple[str, str, str]],
    *,
    kind: str = "customer",
    touchpoint: str | None = None,
) -> None:
    """A published survey with (key, type[, touchpoint]) questions, in Finnish and English."""
    definition = SurveyDefinition.model_validate(
        {
            "key": key,
            "kind": kind,
            "languages": ["fi", "en"],
            "title": texts(key),
            "touchpoint": touchpoint,
            "questions": [
                {
                    "key": question[0],
                    "type": question[1],
                    "text": texts(f"{question[0]}?"),
                    "touchpoint": question[2] if len(question) > 2 else None,
                }
                for question in questions
            ],
        }
    )
    publish(database, definition)


def answer(
    database: Database,
    survey: str,
    answers: dict[str, Any],
    when: datetime,
    *,
    unit: str | None = None,
    touchpoint: str | None = None,
) -> None:
    accept_response(
        database,
        survey,
        ResponseIn(
            answers=answers,
            language="fi",
            unit=unit,
            touchpoint=touchpoint,
            submitted_at=when,
        ),
    )


def scores(
    database: Database,
    survey: str,
    values: Sequence[int],
    when: datetime,
    *,
    question: str = "score",
    unit: str | None = None,
    touchpoint: str | None = None,
) -> None:
    for value in values:
        answer(database, survey, {question: value}, when, unit=unit, touchpoint=touchpoint)


def day(month: int, day_: int, hour: int = 9, year: int = 2026) -> datetime:
    return datetime(year, month, day_, hour, tzinfo=UTC)
