"""A customer's survey responses, answer by answer, as staff may see them.

Free text is shown only as text analysis redacted it: the answer rows keep what the
customer wrote, and that never leaves this module.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.enrich.models import TextAnalysisRecord
from kokemus.journeys.models import Touchpoint
from kokemus.surveys.models import Answer, Response, Survey, SurveyVersion

MAX_RESPONSES = 50


@dataclass(frozen=True)
class TextFinding:
    redacted: str
    language: str
    sentiment: str
    score: float
    themes: list[str]


@dataclass
class ShownAnswer:
    question_key: str
    question: str
    question_type: str
    # Scales as numbers, choices by their labels; None for free text, shown as `text`.
    value: str | None
    text: TextFinding | None = None
    # Free text waiting for analysis: nothing of it is shown yet.
    pending: bool = False


@dataclass
class ShownResponse:
    id: int
    survey_key: str
    survey_title: str
    touchpoint: str | None
    channel: str
    language: str
    submitted_at: datetime | None
    answers: list[ShownAnswer] = field(default_factory=list)


def customer_responses(
    session: Session,
    customer_id: int,
    language: str,
    *,
    touchpoint_ids: Collection[int] | None = None,
    limit: int = MAX_RESPONSES,
) -> list[ShownResponse]:
    """Complete responses, newest first; `touchpoint_ids` keeps to responses at those."""
    query = (
        select(Response, Survey.key, Touchpoint.name)
        .join(Survey, Survey.id == Response.survey_id)
        .outerjoin(Touchpoint, Touchpoint.id == Response.touchpoint_id)
        .where(Response.customer_id == customer_id, Response.complete)
        .order_by(Response.submitted_at.desc(), Response.id.desc())
        .limit(limit)
    )
    if touchpoint_ids is not None:
        query = query.where(Response.touchpoint_id.in_(touchpoint_ids))
    rows = session.execute(query).all()
    if not rows:
        return []
    definitions = _definitions(session, {(r.survey_id, r.survey_version) for r, _, _ in rows})
    response_ids = [response.id for response, _, _ in rows]
    answers = _answers(session, response_ids)
    shown = []
    for response, survey_key, touchpoint in rows:
        definition = definitions.get((response.survey_id, response.survey_version), {})
        shown.append(
            ShownResponse(
                id=response.id,
                survey_key=survey_key,
                survey_title=_said(definition.get("title"), language) or survey_key,
                touchpoint=touchpoint,
                channel=response.channel,
                language=response.language,
                submitted_at=response.submitted_at,
                answers=_shown_answers(answers.get(response.id, []), definition, language),
            )
        )
    return shown


def shown_answers(
    session: Session, responses: Sequence[Response], language: str
) -> dict[int, list[ShownAnswer]]:
    """Each response's answers as staff may see them, by response id."""
    if not responses:
        return {}
    wanted = {(response.survey_id, response.survey_version) for response in responses}
    definitions = _definitions(session, wanted)
    answers = _answers(session, [response.id for response in responses])
    return {
        response.id: _shown_answers(
            answers.get(response.id, []),
            definitions.get((response.survey_id, response.survey_version), {}),
            language,
        )
        for response in responses
    }


def _definitions(
    session: Session, wanted: set[tuple[int, int]]
) -> dict[tuple[int, int], dict[str, Any]]:
    survey_ids = {survey_id for survey_id, _ in wanted}
    rows = session.execute(
        select(SurveyVersion.survey_id, SurveyVersion.version, SurveyVersion.definition).where(
            SurveyVersion.survey_id.in_(survey_ids)
        )
    )
    return {(s, v): d for s, v, d in rows if (s, v) in wanted}


def _answers(
    session: Session, response_ids: list[int]
) -> dict[int, list[tuple[Answer, TextAnalysisRecord | None]]]:
    rows = session.execute(
        select(Answer, TextAnalysisRecord)
        .outerjoin(TextAnalysisRecord, TextAnalysisRecord.answer_id == Answer.id)
        .where(Answer.response_id.in_(response_ids))
        .order_by(Answer.id)
    )
    found: dict[int, list[tuple[Answer, TextAnalysisRecord | None]]] = {}
    for answer, analysis in rows:
        found.setdefault(answer.response_id, []).append((answer, analysis))
    return found


def _shown_answers(
    rows: list[tuple[Answer, TextAnalysisRecord | None]],
    definition: dict[str, Any],
    language: str,
) -> list[ShownAnswer]:
    questions = {q.get("key"): q for q in definition.get("questions", [])}
    shown: dict[str, ShownAnswer] = {}
    for answer, analysis in rows:
        question = questions.get(answer.question_key, {})
        entry = shown.get(answer.question_key)
        if entry is None:
            entry = ShownAnswer(
                question_key=answer.question_key,
                question=_said(question.get("text"), language) or answer.question_key,
                question_type=answer.question_type,
                value=None,
            )
            shown[answer.question_key] = entry
        if answer.question_type == "text":
            if analysis is None:
                entry.pending = True
            else:
                entry.text = TextFinding(
                    redacted=analysis.redacted,
                    language=analysis.language,
                    sentiment=analysis.sentiment,
                    score=analysis.score,
                    themes=list(analysis.themes),
                )
            continue
        part = _value(answer, question, language)
        entry.value = part if entry.value is None else f"{entry.value}, {part}"
    return list(shown.values())


def _value(answer: Answer, question: dict[str, Any], language: str) -> str:
    labels = {
        option.get("key"): _said(option.get("text"), language)
        for option in (question.get("options") or question.get("items") or [])
    }
    if answer.item is not None:  # a checklist item observed or not, or one chosen option
        label = labels.get(answer.item) or answer.item
        if answer.question_type == "checklist":
            return f"{label}: {'✓' if answer.number else '✗'}"
        return label
    if answer.number is not None:  # a scale; an expectation carries its band as text
        number = answer.number
        shown = str(int(number)) if number == int(number) else f"{number:g}"
        return f"{shown} ({answer.text})" if answer.text else shown
    if answer.text is not None:  # a single choice: the option's key
        return labels.get(answer.text) or answer.text
    return ""


def _said(texts: Any, language: str) -> str | None:
    if not isinstance(texts, dict) or not texts:
        return None
    value = texts.get(language) or next(iter(texts.values()))
    return str(value) if value is not None else None
