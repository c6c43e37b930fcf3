"""One question of the builder: its form for every question type, new or existing."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from kokemus.accounts.sessions import SignedIn
from kokemus.api.deps import AppDatabase, AppSettings, DbSession
from kokemus.config import Settings
from kokemus.errors import NotFound
from kokemus.store import Database
from kokemus.surveys.definition import QUESTION_TYPES, SCALES
from kokemus.surveys.models import Survey
from kokemus.web import layout
from kokemus.web.auth import CurrentUser
from kokemus.web.survey_screens.common import (
    PostedForm,
    QuestionKey,
    SurveyId,
    audit,
    change,
    editors_only,
    find,
    page,
    save_document,
    screen_texts,
    touchpoints,
)
from kokemus.web.survey_screens.forms import (
    CHOICE_TYPES,
    CONDITIONS,
    Document,
    blank_question,
    earlier_types,
    entry_rows,
    question_from_form,
    show_if_fields,
    suggested_key,
    value,
    with_question,
)

router = APIRouter(include_in_schema=False)

QuestionType = Literal[
    "rating", "nps", "ces", "expectation", "single_choice", "multi_choice", "checklist", "text"
]


@router.get("/surveys/{survey_id}/questions/new", response_class=HTMLResponse)
def new_question(
    request: Request,
    survey_id: SurveyId,
    session: DbSession,
    user: CurrentUser,
    type: Annotated[QuestionType, Query()] = "nps",
) -> Response:
    if denied := editors_only(request, user):
        return denied
    survey = find(request, session, user, survey_id)
    if isinstance(survey, Response):
        return survey
    question = blank_question(type, suggested_key(type, survey.definition))
    return _question_page(request, user, survey, touchpoints(session), question, None)


@router.get("/surveys/{survey_id}/questions/{key}", response_class=HTMLResponse)
def question_form(
    request: Request,
    survey_id: SurveyId,
    key: QuestionKey,
    session: DbSession,
    user: CurrentUser,
    saved: Annotated[str, Query(max_length=8)] = "",
) -> Response:
    if denied := editors_only(request, user):
        return denied
    survey = find(request, session, user, survey_id)
    if isinstance(survey, Response):
        return survey
    question = _question(survey, key)
    if question is None:
        sx = screen_texts(user)
        return layout.message(request, user, "not_found_title", sx["no_question"], 404)
    notice = screen_texts(user)["saved"] if saved else None
    known = touchpoints(session)
    return _question_page(request, user, survey, known, question, key, notice=notice)


@router.post("/surveys/{survey_id}/questions/new", response_class=HTMLResponse)
def add_question(
    request: Request,
    survey_id: SurveyId,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    form: PostedForm,
) -> Response:
    return _save_question(request, survey_id, database, settings, user, form, None)


@router.post("/surveys/{survey_id}/questions/{key}", response_class=HTMLResponse)
def save_question(
    request: Request,
    survey_id: SurveyId,
    key: QuestionKey,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    form: PostedForm,
) -> Response:
    return _save_question(request, survey_id, database, settings, user, form, key)


def _save_question(
    request: Request,
    survey_id: int,
    database: Database,
    settings: Settings,
    user: SignedIn,
    form: FormData,
    replacing: str | None,
) -> Response:
    draft: dict[str, Document] = {}

    def apply(session: Session, survey: Survey) -> str:
        document = survey.definition
        existing = _question(survey, replacing) if replacing else None
        if replacing is not None and existing is None:
            raise NotFound(f"no question {replacing!r}")
        question_type = str(existing["type"]) if existing else value(form, "type")
        if question_type not in QUESTION_TYPES:
            question_type = "text"
        key = value(form, "key") if _key_editable(survey, replacing) else ""
        question = question_from_form(
            form,
            key=key or replacing or suggested_key(question_type, document),
            question_type=question_type,
            languages=list(document.get("languages", [])),
            earlier=earlier_types(document, replacing),
        )
        draft["question"] = question
        save_document(session, survey, with_question(document, question, replacing))
        audit(
            session,
            request,
            user,
            settings,
            "survey.update",
            survey,
            change="question_edit" if replacing else "question_add",
            question=question["key"],
        )
        if value(form, "action") == "stay":
            return f"/surveys/{survey.id}/questions/{question['key']}?saved=1"
        return f"/surveys/{survey.id}/edit?saved=question#q-{question['key']}"

    def refused(problems: list[str], status: int) -> Response:
        with database.transaction() as session:
            survey = find(request, session, user, survey_id)
            if isinstance(survey, Response):
                return survey
            question = draft.get("question") or _question(survey, replacing or "") or {}
            return _question_page(
                request,
                user,
                survey,
                touchpoints(session),
                question,
                replacing,
                errors=problems,
                status=status,
            )

    return change(request, database, user, form, survey_id, apply, refused)


def _question(survey: Survey, key: str | None) -> Document | None:
    for question in survey.definition.get("questions", []):
        if question.get("key") == key:
            return dict(question)
    return None


def _key_editable(survey: Survey, replacing: str | None) -> bool:
    # Answers are stored by question key: once published, a key stays what it is.
    return replacing is None or survey.published_version is None


def _question_page(
    request: Request,
    user: SignedIn,
    survey: Survey,
    known_touchpoints: list[tuple[str, str]],
    question: Document,
    replacing: str | None,
    *,
    errors: list[str] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    document = survey.definition
    earlier = earlier_types(document, replacing)
    question_type = str(question.get("type", "text"))
    condition = show_if_fields(question)
    context = {
        "question": question,
        "question_type": question_type,
        "new": replacing is None,
        "key_editable": _key_editable(survey, replacing),
        "languages": document.get("languages", []),
        "scale": SCALES.get(question_type),
        "has_entries": question_type in (*CHOICE_TYPES, "checklist"),
        "rows": entry_rows(question),
        "earlier": [(key, key) for key in earlier],
        "conditions": CONDITIONS,
        "condition": condition,
        "touchpoints": known_touchpoints,
        "action": f"/surveys/{survey.id}/questions/{replacing or 'new'}",
        "errors": errors or [],
        "notice": notice,
    }
    return page(
        request,
        user,
        survey,
        "survey_screens/question.html",
        context,
        section="build",
        status_code=status,
    )
