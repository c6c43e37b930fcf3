"""Writing the demo's survey responses in bulk, as the survey pages would have stored them.

The rows are the ones a completed response gets on the real path (surveys.responses.complete
for invitations, surveys.submit for anonymous links): the answers read and checked by
surveys.answers, and the flat answer rows from surveys.responses.flat_values. Only the time
differs: each response keeps the moment it was given, over the year.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from kokemus.demo.company import Company, DemoSurvey
from kokemus.errors import InvalidInput
from kokemus.store import dialect
from kokemus.surveys.answers import missing_required, read_all
from kokemus.surveys.responses import flat_values
from kokemus.surveys.submit import ANSWER_COLUMNS

RESPONSE_COLUMNS = (
    "id",
    "survey_id",
    "survey_version",
    "invitation_id",
    "customer_id",
    "event_id",
    "touchpoint_id",
    "unit_id",
    "channel",
    "language",
    "complete",
    "answers",
    "fingerprint",
    "started_at",
    "updated_at",
    "submitted_at",
)


@dataclass(frozen=True, slots=True)
class Answered:
    """One complete response: what was answered, by whom, where and when."""

    survey: str  # key
    answers: dict[str, Any]  # as a respondent sends them
    language: str
    channel: str
    started_at: datetime
    submitted_at: datetime
    unit_id: int | None = None
    customer_id: int | None = None
    invitation_id: int | None = None
    event_id: int | None = None
    touchpoint_id: int | None = None
    fingerprint: str | None = None


def write_responses(session: Session, company: Company, answered: Sequence[Answered]) -> int:
    """Store the responses, oldest first; the caller commits. How many were stored."""
    dialect.take_write_lock(session, "surveys")
    ordered = sorted(answered, key=lambda item: item.submitted_at)
    ids = dialect.allocate_ids(session, "survey_responses", len(ordered))
    truth: Any = True if dialect.name(session) == "postgresql" else 1
    responses: list[tuple[Any, ...]] = []
    answer_rows: list[tuple[Any, ...]] = []
    for response_id, item in zip(ids, ordered, strict=True):
        survey = company.surveys[item.survey]
        answers = _checked(survey, item)
        touchpoint = item.touchpoint_id or survey.touchpoint_id
        submitted = dialect.timestamp(session, item.submitted_at)
        responses.append(
            (
                response_id,
                survey.id,
                survey.version,
                item.invitation_id,
                None if survey.definition.anonymous else item.customer_id,
                item.event_id,
                touchpoint,
                item.unit_id,
                item.channel,
                item.language,
                truth,
                orjson.dumps(answers).decode(),
                item.fingerprint,
                dialect.timestamp(session, item.started_at),
                submitted,
                submitted,
            )
        )
        for question in survey.definition.questions:
            if question.key not in answers:
                continue
            question_touchpoint = company.touchpoints.get(question.touchpoint or "", touchpoint)
            for number, text, option in flat_values(question, answers[question.key]):
                answer_rows.append(
                    (
                        response_id,
                        survey.id,
                        question.key,
                        question.type,
                        question_touchpoint,
                        number,
                        text,
                        option,
                        submitted,
                    )
                )
    dialect.bulk_insert(session, "survey_responses", RESPONSE_COLUMNS, responses)
    dialect.bulk_insert(session, "survey_answers", ANSWER_COLUMNS, answer_rows)
    return len(responses)


def _checked(survey: DemoSurvey, item: Answered) -> dict[str, Any]:
    answers = read_all(survey.definition, item.answers)
    missing = missing_required(survey.definition, answers)
    if missing is not None:
        raise InvalidInput(f"answers.{missing}", f"the demo left {survey.key!r} unanswered")
    return dict(answers)
