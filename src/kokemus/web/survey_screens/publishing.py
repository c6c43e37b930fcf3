"""A survey's overview, publishing and closing it, and previewing the draft.

The preview draws the draft with the respondents' own page template, in any of its
languages, page by page with its conditions; the answers given so far travel in the form
itself, so nothing is ever stored.
"""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from kokemus.accounts.sessions import SignedIn
from kokemus.api.deps import AppDatabase, AppSettings, DbSession
from kokemus.config import Settings
from kokemus.errors import InvalidInput
from kokemus.store import Database
from kokemus.surveys import service
from kokemus.surveys.answers import (
    Answers,
    coerce,
    is_shown,
    missing_required,
    pages,
    read_page,
    shown_only,
)
from kokemus.surveys.definition import (
    TEXT_MAX_CHARS,
    DefinitionError,
    Question,
    SurveyDefinition,
    Texts,
    publish_problems,
)
from kokemus.surveys.models import Survey, SurveyVersion
from kokemus.surveys.navigation import bounded_int, page_plan, shown_pages
from kokemus.surveys.qr import survey_link
from kokemus.web import layout
from kokemus.web.auth import CurrentUser
from kokemus.web.languages import LANGUAGE_NAMES
from kokemus.web.survey_screens.access import complete_counts, response_units
from kokemus.web.survey_screens.common import (
    PostedForm,
    Refused,
    SurveyId,
    audit,
    change,
    find,
    page,
    said,
    screen_texts,
    touchpoints,
)
from kokemus.web.survey_texts import UI, choose_language

router = APIRouter(include_in_schema=False)

DONE = ("published", "closed")


@router.get("/surveys/{survey_id}", response_class=HTMLResponse)
def overview(
    request: Request,
    survey_id: SurveyId,
    session: DbSession,
    settings: AppSettings,
    user: CurrentUser,
    done: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    survey = find(request, session, user, survey_id)
    if isinstance(survey, Response):
        return survey
    notice = screen_texts(user)[f"done_{done}"] if done in DONE else None
    return _overview(request, session, settings, user, survey, notice=notice)


def _overview(
    request: Request,
    session: Session,
    settings: Settings,
    user: SignedIn,
    survey: Survey,
    *,
    errors: list[str] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    known = touchpoints(session)
    try:
        problems = publish_problems(service.draft_definition(survey), {key for key, _ in known})
    except DefinitionError as error:
        problems = error.problems
    published = None
    if survey.published_version is not None:
        published = session.scalar(
            select(SurveyVersion.definition).where(
                SurveyVersion.survey_id == survey.id,
                SurveyVersion.version == survey.published_version,
            )
        )
    context = {
        "document": survey.definition,
        "questions": survey.definition.get("questions", []),
        "touchpoint_names": dict(known),
        "problems": problems,
        "changed": published is not None and published != survey.definition,
        "link": survey_link(settings.public_url, survey, via="link")
        if survey.status == "published"
        else None,
        "responses": complete_counts(session, response_units(session, user), [survey.id]).get(
            survey.id, 0
        ),
        "errors": errors or [],
        "notice": notice,
        "language_names": LANGUAGE_NAMES,
    }
    return page(
        request,
        user,
        survey,
        "survey_screens/survey.html",
        context,
        section="overview",
        status_code=status,
    )


@router.post("/surveys/{survey_id}/publish", response_class=HTMLResponse)
def publish(
    request: Request,
    survey_id: SurveyId,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    form: PostedForm,
) -> Response:
    def apply(session: Session, survey: Survey) -> str:
        version = service.publish(session, survey)
        audit(session, request, user, settings, "survey.publish", survey, version=version)
        return f"/surveys/{survey.id}?done=published"

    refused = _refused(request, database, settings, user, survey_id)
    return change(request, database, user, form, survey_id, apply, refused)


@router.post("/surveys/{survey_id}/close", response_class=HTMLResponse)
def close(
    request: Request,
    survey_id: SurveyId,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    form: PostedForm,
) -> Response:
    def apply(session: Session, survey: Survey) -> str:
        service.close(session, survey)
        audit(session, request, user, settings, "survey.close", survey)
        return f"/surveys/{survey.id}?done=closed"

    refused = _refused(request, database, settings, user, survey_id)
    return change(request, database, user, form, survey_id, apply, refused)


def _refused(
    request: Request, database: Database, settings: Settings, user: SignedIn, survey_id: int
) -> Refused:
    def refused(problems: list[str], status: int) -> Response:
        with database.transaction() as session:
            survey = find(request, session, user, survey_id)
            if isinstance(survey, Response):
                return survey
            return _overview(
                request, session, settings, user, survey, errors=problems, status=status
            )

    return refused


# --- preview -----------------------------------------------------------------------------


@router.get("/surveys/{survey_id}/preview", response_class=HTMLResponse)
def preview(
    request: Request,
    survey_id: SurveyId,
    session: DbSession,
    user: CurrentUser,
    lang: Annotated[str, Query(max_length=8)] = "",
) -> Response:
    survey = find(request, session, user, survey_id)
    if isinstance(survey, Response):
        return survey
    definition = service.draft_definition(survey)
    language = _language(definition, lang, user)
    shown = shown_pages(definition, {})
    return _preview_page(request, user, survey, definition, language, shown[0] if shown else 0, {})


@router.post("/surveys/{survey_id}/preview", response_class=HTMLResponse)
def preview_answer(
    request: Request,
    survey_id: SurveyId,
    session: DbSession,
    user: CurrentUser,
    form: PostedForm,
) -> Response:
    survey = find(request, session, user, survey_id)
    if isinstance(survey, Response):
        return survey
    definition = service.draft_definition(survey)
    language = _language(definition, _text(form, "lang"), user)
    all_pages = pages(definition)
    number = bounded_int(_text(form, "p"), 0, len(all_pages) - 1)
    page_questions = all_pages[number]
    answers = _carried(definition, _text(form, "answers"))
    raw = {question.key: _raw(question, form) for question in page_questions}
    errors: dict[str, str] = {}
    ui = UI[language]
    try:
        answers = read_page(definition, page_questions, raw, answers)
    except InvalidInput as error:
        key = error.field.split(".")[1]
        errors[key] = ui["error_invalid"]
        rest = [question for question in page_questions if question.key != key]
        answers = read_page(definition, rest, raw, answers)
    if _text(form, "nav") == "back":
        previous = shown_pages(definition, answers, before=number)
        return _preview_page(
            request, user, survey, definition, language, previous[-1] if previous else 0, answers
        )
    missing = missing_required(definition, answers, upto=number)
    if missing is not None and any(question.key == missing for question in page_questions):
        errors.setdefault(missing, ui["error_required"])
    if errors:
        return _preview_page(
            request, user, survey, definition, language, number, answers, errors, 422
        )
    later = shown_pages(definition, answers, after=number)
    if later:
        return _preview_page(request, user, survey, definition, language, later[0], answers)
    return _preview_done(request, user, survey, definition, language)


def _preview_page(
    request: Request,
    user: SignedIn,
    survey: Survey,
    definition: SurveyDefinition,
    language: str,
    number: int,
    answers: Answers,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The respondents' page template, drawn as /s/ID would draw it, posting back here."""
    shown = shown_pages(definition, answers)
    if number not in shown:
        number = shown[0] if shown else 0
    questions = [q for q in pages(definition)[number] if is_shown(q, answers)]
    plan = page_plan(definition, answers, number)
    base = f"/surveys/{survey.id}/preview"

    def t(texts: Texts | None) -> str:
        return said(texts, language)

    context = {
        "lang": language,
        "languages": definition.languages,
        "language_names": LANGUAGE_NAMES,
        "ui": UI[language],
        "sx": screen_texts(user),
        "staff_lang": user.language,
        "t": t,
        "query": lambda **changes: f"lang={changes.get('lang', language)}",
        "question_text": lambda key: t(definition.question(key).text),
        "title": t(definition.title),
        "intro": t(definition.intro) if definition.intro else "",
        "anonymous": definition.anonymous,
        "base": base,
        "back_to": f"/surveys/{survey.id}",
        "carry": {"answers": json.dumps(answers, ensure_ascii=False)},
        "embed": False,
        "questions": questions,
        "answers": answers,
        "errors": errors or {},
        "page_number": number,
        "position": plan.index(number) + 1,
        "page_count": len(plan),
        "last": number == plan[-1],
        "text_max": TEXT_MAX_CHARS,
    }
    return layout.templates.TemplateResponse(
        request, "survey_screens/preview.html", context, status_code=status_code
    )


def _preview_done(
    request: Request, user: SignedIn, survey: Survey, definition: SurveyDefinition, language: str
) -> Response:
    context = {
        "lang": language,
        "ui": UI[language],
        "sx": screen_texts(user),
        "staff_lang": user.language,
        "title": UI[language]["thanks_title"],
        "thanks": said(definition.thanks, language) if definition.thanks else "",
        "embed": False,
        "back_to": f"/surveys/{survey.id}",
        "again": f"/surveys/{survey.id}/preview?lang={language}",
    }
    return layout.templates.TemplateResponse(request, "survey_screens/preview_done.html", context)


def _language(definition: SurveyDefinition, asked: str, user: SignedIn) -> str:
    languages: list[str] = list(definition.languages)
    return choose_language(languages, asked or None, user.language, None)


def _text(form: FormData, name: str) -> str:
    found = form.get(name)
    return found if isinstance(found, str) else ""


def _raw(question: Question, form: FormData) -> Any:
    name = f"q.{question.key}"
    if question.type == "multi_choice":
        return [item for item in form.getlist(name) if isinstance(item, str)]
    if question.type == "checklist":
        return {item: _text(form, f"{name}.{item}") or None for item in question.option_keys()}
    return _text(form, name) or None


def _carried(definition: SurveyDefinition, text: str) -> Answers:
    """Earlier pages' answers as the form carried them back, checked again like new ones."""
    try:
        document = json.loads(text) if text and len(text) <= 10 * TEXT_MAX_CHARS else {}
    except ValueError:
        return {}
    if not isinstance(document, dict):
        return {}
    answers: Answers = {}
    for question in definition.questions:
        if question.key not in document:
            continue
        try:
            found = coerce(question, document[question.key])
        except InvalidInput:
            continue
        if found is not None:
            answers[question.key] = found
    return shown_only(definition, answers)
