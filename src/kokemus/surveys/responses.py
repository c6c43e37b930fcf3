"""Storing responses: partial while someone answers, then complete with flat answer rows."""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kokemus.enrich.models import TextAnalysisRecord, TextCorrection
from kokemus.errors import InvalidInput
from kokemus.metrics import rollups
from kokemus.metrics.rollups import ScaleAnswer
from kokemus.store.base import utcnow
from kokemus.surveys.answers import Answers, Value, expectation_band, missing_required
from kokemus.surveys.definition import Question, SurveyDefinition
from kokemus.surveys.models import Answer, Invitation, Response, Survey

DUPLICATE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Origin:
    """Where a response came from, and whom and what it is about."""

    channel: str
    language: str
    customer_id: int | None = None
    invitation_id: int | None = None
    event_id: int | None = None
    touchpoint_id: int | None = None
    unit_id: int | None = None


def start(
    session: Session,
    survey: Survey,
    definition: SurveyDefinition,
    origin: Origin,
    *,
    resume_hash: str | None = None,
) -> Response:
    assert survey.published_version is not None
    now = utcnow()
    response = Response(
        survey_id=survey.id,
        survey_version=survey.published_version,
        invitation_id=origin.invitation_id,
        customer_id=None if definition.anonymous else origin.customer_id,
        event_id=origin.event_id,
        touchpoint_id=origin.touchpoint_id or survey.touchpoint_id,
        unit_id=origin.unit_id,
        channel=origin.channel,
        language=origin.language,
        complete=False,
        answers={},
        resume_hash=resume_hash,
        started_at=now,
        updated_at=now,
    )
    session.add(response)
    return response


def save_partial(response: Response, answers: Answers, language: str) -> None:
    response.answers = dict(answers)
    response.language = language
    response.updated_at = utcnow()


def complete(
    session: Session,
    response: Response,
    definition: SurveyDefinition,
    answers: Answers,
    touchpoints: Mapping[str, int],
    *,
    fingerprint: str | None = None,
    submitted_at: datetime | None = None,
) -> None:
    """Finish a response: every required question answered, answers written out flat."""
    missing = missing_required(definition, answers)
    if missing is not None:
        raise InvalidInput(f"answers.{missing}", "this question needs an answer")
    now = submitted_at or utcnow()
    response.answers = dict(answers)
    response.complete = True
    response.resume_hash = None
    response.fingerprint = fingerprint
    response.submitted_at = response.updated_at = now
    session.flush()
    rows = _answer_rows(response, definition, answers, touchpoints, now)
    session.add_all(rows)
    rollups.add_answers(
        session,
        [
            ScaleAnswer(
                row.survey_id,
                row.question_key,
                row.question_type,
                row.touchpoint_id,
                response.unit_id,
                response.channel,
                response.language,
                int(row.number),
                now,
            )
            for row in rows
            if row.number is not None and rollups.is_scale_answer(row.question_type, row.number)
        ],
    )
    if response.invitation_id is not None:
        invitation = session.get(Invitation, response.invitation_id)
        if invitation is not None:
            invitation.status = "responded"
            invitation.responded_at = now


def _answer_rows(
    response: Response,
    definition: SurveyDefinition,
    answers: Answers,
    touchpoints: Mapping[str, int],
    now: datetime,
) -> list[Answer]:
    return [
        Answer(
            response_id=response.id,
            survey_id=response.survey_id,
            question_key=question.key,
            question_type=question.type,
            touchpoint_id=touchpoints.get(question.touchpoint or "", response.touchpoint_id),
            number=number,
            text=text,
            item=item,
            answered_at=now,
        )
        for question in definition.questions
        if question.key in answers
        for number, text, item in flat_values(question, answers[question.key])
    ]


def flat_values(
    question: Question, value: Value
) -> list[tuple[float | None, str | None, str | None]]:
    """(number, text, item) rows: scales as numbers (expectation with its band), one row per
    chosen option or checklist item (1 yes, 0 no), choices and free text as text."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        band = expectation_band(value) if question.type == "expectation" else None
        return [(value, band, None)]
    if isinstance(value, list):
        return [(1, None, option) for option in value]
    if isinstance(value, dict):
        return [(1 if seen else 0, None, item) for item, seen in value.items()]
    return [(None, value, None)]


def fingerprint(survey_id: int, address: str, agent: str, answers: Answers) -> str:
    # 64 bits are plenty to tell one day's answers to one survey apart, and a short key
    # keeps the index small: its inserts land on random pages, each rewritten at checkpoint.
    material = orjson.dumps([survey_id, address, agent, answers], option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(material, digest_size=8).hexdigest()


def is_duplicate(session: Session, survey_id: int, print_: str, now: datetime) -> bool:
    """The same anonymous answers from the same address and browser within a day."""
    found = session.scalar(
        select(Response.id)
        .where(
            Response.survey_id == survey_id,
            Response.fingerprint == print_,
            Response.submitted_at >= now - DUPLICATE_WINDOW,
        )
        .limit(1)
    )
    return found is not None


def response_document(response: Response) -> dict[str, Any]:
    return {
        "id": response.id,
        "survey_id": response.survey_id,
        "survey_version": response.survey_version,
        "complete": response.complete,
        "channel": response.channel,
        "language": response.language,
        "customer_id": response.customer_id,
        "invitation_id": response.invitation_id,
        "event_id": response.event_id,
        "touchpoint_id": response.touchpoint_id,
        "unit_id": response.unit_id,
        "answers": response.answers,
        "started_at": response.started_at,
        "submitted_at": response.submitted_at,
    }


def delete_responses(session: Session, response_ids: Sequence[int]) -> int:
    """Delete responses with their answers and text analyses; the rollups follow."""
    ids = sorted(set(response_ids))
    if not ids:
        return 0
    rollups.remove_responses(session, ids)
    answer_ids = select(Answer.id).where(Answer.response_id.in_(ids))
    analyses = select(TextAnalysisRecord.id).where(TextAnalysisRecord.answer_id.in_(answer_ids))
    session.execute(delete(TextCorrection).where(TextCorrection.analysis_id.in_(analyses)))
    session.execute(delete(TextAnalysisRecord).where(TextAnalysisRecord.answer_id.in_(answer_ids)))
    session.execute(delete(Answer).where(Answer.response_id.in_(ids)))
    return session.execute(delete(Response).where(Response.id.in_(ids))).rowcount or 0  # type: ignore[attr-defined]
