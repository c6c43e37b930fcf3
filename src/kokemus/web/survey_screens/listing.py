"""The list of surveys, and starting a new one from a template or blank."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from kokemus.accounts.sessions import SignedIn
from kokemus.api.deps import AppDatabase, AppSettings, DbSession
from kokemus.errors import DomainError
from kokemus.journeys.models import Touchpoint
from kokemus.surveys import catalog, service
from kokemus.surveys.definition import SURVEY_KINDS, SURVEY_LANGUAGES, parse_definition
from kokemus.surveys.models import Survey
from kokemus.web import layout
from kokemus.web.auth import CurrentUser
from kokemus.web.survey_screens.access import (
    can_edit,
    complete_counts,
    response_units,
    visible_survey_ids,
)
from kokemus.web.survey_screens.common import (
    PostedForm,
    audit,
    editors_only,
    said,
    screen_texts,
    survey_title,
)
from kokemus.web.survey_screens.forms import FIRST_TYPES, blank_survey, value

router = APIRouter(include_in_schema=False)


@router.get("/surveys", response_class=HTMLResponse)
def survey_list(request: Request, session: DbSession, user: CurrentUser) -> Response:
    sx = screen_texts(user)
    surveys = list(session.scalars(select(Survey).order_by(Survey.id)))
    visible = visible_survey_ids(session, user, surveys)
    shown = [survey for survey in surveys if visible is None or survey.id in visible]
    counts = complete_counts(session, response_units(session, user))
    names_by_id: dict[int, str] = {}
    names_by_key: dict[str, str] = {}
    for touchpoint_id, key, name in session.execute(
        select(Touchpoint.id, Touchpoint.key, Touchpoint.name)
    ):
        names_by_id[touchpoint_id] = names_by_key[key] = name
    rows = [
        {
            "survey": survey,
            "title": survey_title(survey, user.language),
            "touchpoint": names_by_id.get(survey.touchpoint_id or 0)
            or names_by_key.get(str(survey.definition.get("touchpoint")), ""),
            "languages": survey.definition.get("languages", []),
            "responses": counts.get(survey.id, 0),
        }
        for survey in shown
    ]
    context = {"sx": sx, "rows": rows, "can_create": can_edit(user)}
    return layout.render(request, user, "survey_screens/list.html", context, title=sx["title"])


@router.get("/surveys/new", response_class=HTMLResponse)
def new_survey(request: Request, user: CurrentUser) -> Response:
    if denied := editors_only(request, user):
        return denied
    return _new_page(request, user)


@router.post("/surveys/new", response_class=HTMLResponse)
def create_survey(
    request: Request,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    form: PostedForm,
) -> Response:
    if denied := layout.refused_form(request, user, value(form, "csrf")):
        return denied
    if denied := editors_only(request, user):
        return denied
    start = value(form, "start")
    draft: dict[str, Any] = {
        name: value(form, name) for name in ("key", "template", "kind", "question_key")
    }
    draft |= {"start": start, "languages": form.getlist("languages")}
    draft |= {f"title.{lang}": value(form, f"title.{lang}") for lang in SURVEY_LANGUAGES}
    draft["question_type"] = value(form, "question_type")
    try:
        with database.write_transaction() as session:
            survey = _create(session, form, start)
            origin = value(form, "template") if start == "template" else "blank"
            audit(session, request, user, settings, "survey.create", survey, start=origin)
            target = f"/surveys/{survey.id}/edit"
    except DomainError as error:
        problems = getattr(error, "problems", None) or [str(error)]
        return _new_page(request, user, errors=problems, draft=draft, status=error.status_code)
    return RedirectResponse(target, status_code=303)


def _create(session: Session, form: FormData, start: str) -> Survey:
    if start == "template":
        definition = catalog.load_template(value(form, "template"))
        key = value(form, "key")
        if key and key != definition.key:
            definition = parse_definition({**definition.model_dump(mode="json"), "key": key})
        return service.create_survey(session, definition)
    return service.create_survey(session, parse_definition(blank_survey(form)))


def _new_page(
    request: Request,
    user: SignedIn,
    *,
    errors: list[str] | None = None,
    draft: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    sx = screen_texts(user)
    templates = []
    for name in catalog.template_names():
        definition = catalog.load_template(name)
        templates.append(
            {
                "name": name,
                "key": definition.key,
                "title": said(definition.title, user.language, name),
                "kind": definition.kind,
                "languages": definition.languages,
                "questions": len(definition.questions),
            }
        )
    context = {
        "sx": sx,
        "templates": templates,
        "errors": errors or [],
        "draft": draft or {"languages": list(SURVEY_LANGUAGES), "kind": "customer"},
        "kinds": SURVEY_KINDS,
        "all_languages": SURVEY_LANGUAGES,
        "first_types": FIRST_TYPES,
    }
    return layout.render(
        request,
        user,
        "survey_screens/new.html",
        context,
        title=sx["new_title"],
        status_code=status,
    )
