"""The builder: the survey's settings, its questions one form each, and the YAML fallback.

Every save replaces the draft through the survey service; respondents keep answering the
published version until it is published again.
"""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from kokemus.accounts.sessions import SignedIn
from kokemus.api.deps import AppDatabase, AppSettings, DbSession
from kokemus.errors import InvalidInput
from kokemus.store import Database
from kokemus.surveys import service
from kokemus.surveys.definition import (
    QUESTION_TYPES,
    SURVEY_KINDS,
    SURVEY_LANGUAGES,
    dump_definition,
    load_definition_text,
)
from kokemus.surveys.models import Survey
from kokemus.web.auth import CurrentUser
from kokemus.web.survey_screens.common import (
    PostedForm,
    QuestionKey,
    Refused,
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
    Document,
    moved,
    settings_from_form,
    value,
    without_question,
)

router = APIRouter(include_in_schema=False)

YAML_MAX_CHARS = 200_000


# --- the survey and its list of questions ------------------------------------------------


@router.get("/surveys/{survey_id}/edit", response_class=HTMLResponse)
def builder(
    request: Request,
    survey_id: SurveyId,
    session: DbSession,
    user: CurrentUser,
    saved: Annotated[str, Query(max_length=64)] = "",
    dropped: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    if denied := editors_only(request, user):
        return denied
    survey = find(request, session, user, survey_id)
    if isinstance(survey, Response):
        return survey
    sx = screen_texts(user)
    notice = sx["saved"] if saved else None
    gone = [language for language in SURVEY_LANGUAGES if language in dropped.split(",")]
    if gone:
        notice = sx["languages_dropped"].format(languages=", ".join(gone))
    return _builder(request, user, survey, touchpoints(session), notice=notice)


def _builder(
    request: Request,
    user: SignedIn,
    survey: Survey,
    known_touchpoints: list[tuple[str, str]],
    *,
    document: Document | None = None,
    errors: list[str] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    document = document or survey.definition
    context = {
        "document": document,
        "questions": document.get("questions", []),
        "touchpoints": known_touchpoints,
        "touchpoint_names": dict(known_touchpoints),
        "kinds": SURVEY_KINDS,
        "all_languages": SURVEY_LANGUAGES,
        "types": QUESTION_TYPES,
        "closed": survey.status == "closed",
        "errors": errors or [],
        "notice": notice,
    }
    return page(
        request,
        user,
        survey,
        "survey_screens/builder.html",
        context,
        section="build",
        status_code=status,
    )


@router.post("/surveys/{survey_id}/edit", response_class=HTMLResponse)
def save_settings(
    request: Request,
    survey_id: SurveyId,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    form: PostedForm,
) -> Response:
    draft: dict[str, Document] = {}

    def apply(session: Session, survey: Survey) -> str:
        document, dropped = settings_from_form(form, survey.definition)
        draft["document"] = document
        save_document(session, survey, document)
        audit(
            session,
            request,
            user,
            settings,
            "survey.update",
            survey,
            change="settings",
            languages=document.get("languages"),
            dropped=dropped,
        )
        suffix = f"&dropped={','.join(dropped)}" if dropped else ""
        return f"/surveys/{survey.id}/edit?saved=settings{suffix}"

    return change(
        request,
        database,
        user,
        form,
        survey_id,
        apply,
        _again(request, database, user, survey_id, draft),
    )


def _again(
    request: Request, database: Database, user: SignedIn, survey_id: int, draft: dict[str, Document]
) -> Refused:
    """The builder again, with what was refused and the settings as they were sent."""

    def refused(problems: list[str], status: int) -> Response:
        with database.transaction() as session:
            survey = find(request, session, user, survey_id)
            if isinstance(survey, Response):
                return survey
            return _builder(
                request,
                user,
                survey,
                touchpoints(session),
                document=draft.get("document"),
                errors=problems,
                status=status,
            )

    return refused


@router.post("/surveys/{survey_id}/questions/{key}/move", response_class=HTMLResponse)
def move_question(
    request: Request,
    survey_id: SurveyId,
    key: QuestionKey,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    form: PostedForm,
) -> Response:
    step = -1 if value(form, "direction") == "up" else 1

    def apply(session: Session, survey: Survey) -> str:
        save_document(session, survey, moved(survey.definition, key, step))
        audit(
            session,
            request,
            user,
            settings,
            "survey.update",
            survey,
            change="question_move",
            question=key,
            step=step,
        )
        return f"/surveys/{survey.id}/edit#q-{key}"

    return change(
        request,
        database,
        user,
        form,
        survey_id,
        apply,
        _again(request, database, user, survey_id, {}),
    )


@router.post("/surveys/{survey_id}/questions/{key}/delete", response_class=HTMLResponse)
def delete_question(
    request: Request,
    survey_id: SurveyId,
    key: QuestionKey,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    form: PostedForm,
) -> Response:
    def apply(session: Session, survey: Survey) -> str:
        save_document(session, survey, without_question(survey.definition, key))
        audit(
            session,
            request,
            user,
            settings,
            "survey.update",
            survey,
            change="question_remove",
            question=key,
        )
        return f"/surveys/{survey.id}/edit?saved=removed"

    return change(
        request,
        database,
        user,
        form,
        survey_id,
        apply,
        _again(request, database, user, survey_id, {}),
    )


# --- YAML --------------------------------------------------------------------------------


@router.get("/surveys/{survey_id}/yaml", response_class=HTMLResponse)
def yaml_form(
    request: Request,
    survey_id: SurveyId,
    session: DbSession,
    user: CurrentUser,
    saved: Annotated[str, Query(max_length=8)] = "",
) -> Response:
    if denied := editors_only(request, user):
        return denied
    survey = find(request, session, user, survey_id)
    if isinstance(survey, Response):
        return survey
    text = dump_definition(service.draft_definition(survey), "yaml")
    notice = screen_texts(user)["saved"] if saved else None
    return _yaml_page(request, user, survey, text, notice=notice)


@router.post("/surveys/{survey_id}/yaml", response_class=HTMLResponse)
def save_yaml(
    request: Request,
    survey_id: SurveyId,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    form: PostedForm,
) -> Response:
    text = form.get("text")
    text = text if isinstance(text, str) else ""

    def apply(session: Session, survey: Survey) -> str:
        if len(text) > YAML_MAX_CHARS:
            raise InvalidInput("(file)", f"longer than {YAML_MAX_CHARS} characters")
        service.update_definition(session, survey, load_definition_text(text))
        audit(session, request, user, settings, "survey.update", survey, change="yaml")
        return f"/surveys/{survey.id}/yaml?saved=1"

    def refused(problems: list[str], status: int) -> Response:
        with database.transaction() as session:
            survey = find(request, session, user, survey_id)
            if isinstance(survey, Response):
                return survey
            return _yaml_page(request, user, survey, text, errors=problems, status=status)

    return change(request, database, user, form, survey_id, apply, refused)


def _yaml_page(
    request: Request,
    user: SignedIn,
    survey: Survey,
    text: str,
    *,
    errors: list[str] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    context = {
        "text": text,
        "errors": errors or [],
        "notice": notice,
        "closed": survey.status == "closed",
    }
    return page(
        request,
        user,
        survey,
        "survey_screens/yaml.html",
        context,
        section="yaml",
        status_code=status,
    )
