"""What every survey screen shares: finding the survey, its tabs, texts, and saving a change."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from kokemus.accounts.sessions import SignedIn
from kokemus.audit.service import record
from kokemus.config import Settings
from kokemus.errors import DomainError
from kokemus.journeys.models import Touchpoint, Unit
from kokemus.store import Database
from kokemus.surveys import service
from kokemus.surveys.definition import DefinitionError, parse_definition
from kokemus.surveys.models import Survey
from kokemus.web import layout
from kokemus.web.survey_screen_texts import TEXTS
from kokemus.web.survey_screens.access import can_edit, sees_survey
from kokemus.web.survey_screens.forms import Document

SurveyId = Annotated[int, Path(ge=1, le=2**31 - 1)]
QuestionKey = Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9][a-z0-9_\-]*$")]
MAX_FIELDS = 2000


async def read_form(request: Request) -> FormData:
    return await request.form(max_files=0, max_fields=MAX_FIELDS)


PostedForm = Annotated[FormData, Depends(read_form)]


def screen_texts(user: SignedIn) -> dict[str, str]:
    return TEXTS.get(user.language, TEXTS["en"])


def said(texts: Any, language: str, fallback: str = "") -> str:
    """A text in `language`, else in the first language it has."""
    if not isinstance(texts, dict):
        return fallback
    found = texts.get(language) or next((text for text in texts.values() if text), None)
    return str(found) if found else fallback


def survey_title(survey: Survey, language: str) -> str:
    return said(survey.definition.get("title"), language, survey.key)


def find(request: Request, session: Session, user: SignedIn, survey_id: int) -> Survey | Response:
    """The survey, or the page that says it is not there or not the user's to see."""
    survey = session.get(Survey, survey_id)
    if survey is None:
        return layout.message(
            request, user, "not_found_title", screen_texts(user)["no_survey"], 404
        )
    if not sees_survey(session, user, survey):
        return layout.forbidden(request, user)
    return survey


def editors_only(request: Request, user: SignedIn) -> Response | None:
    return None if can_edit(user) else layout.forbidden(request, user)


def tabs(survey: Survey, user: SignedIn, current: str) -> list[tuple[str, str, bool]]:
    sx = screen_texts(user)
    base = f"/surveys/{survey.id}"
    shown = [("overview", base)]
    if can_edit(user):
        shown += [("build", f"{base}/edit"), ("yaml", f"{base}/yaml")]
    shown += [
        ("preview", f"{base}/preview"),
        ("share", f"{base}/share"),
        ("triggers", f"{base}/triggers"),
        ("responses", f"{base}/responses"),
    ]
    return [(path, sx[f"tab_{name}"], name == current) for name, path in shown]


def page(
    request: Request,
    user: SignedIn,
    survey: Survey,
    template: str,
    context: dict[str, Any],
    *,
    section: str,
    status_code: int = 200,
) -> Response:
    sx = screen_texts(user)
    title = f"{sx[f'tab_{section}']}: {survey_title(survey, user.language)}"
    full = {
        "sx": sx,
        "survey": survey,
        "tabs": tabs(survey, user, section),
        "editable": can_edit(user),
        "said": said,
        **context,
    }
    return layout.render(request, user, template, full, title=title, status_code=status_code)


def touchpoints(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(
        select(Touchpoint.key, Touchpoint.name)
        .where(Touchpoint.active)
        .order_by(Touchpoint.position, Touchpoint.id)
    )
    return [(str(key), str(name)) for key, name in rows]


def units(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(select(Unit.key, Unit.name).order_by(Unit.name))
    return [(str(key), str(name)) for key, name in rows]


def audit(
    session: Session,
    request: Request,
    user: SignedIn,
    settings: Settings,
    action: str,
    survey: Survey,
    **details: Any,
) -> None:
    actor = layout.actor(request, user, settings)
    record(session, action, actor=actor, target=survey.key, details=details)


def save_document(session: Session, survey: Survey, document: Document) -> None:
    """Check the document as a definition and make it the survey's draft."""
    service.update_definition(session, survey, parse_definition(document))


Change = Callable[[Session, Survey], str]
Refused = Callable[[list[str], int], Response]


def change(
    request: Request,
    database: Database,
    user: SignedIn,
    form: FormData,
    survey_id: int,
    apply: Change,
    refused: Refused,
) -> Response:
    """An editor's change in one transaction, then on to the address `apply` returns.

    What the service refuses comes back to the same form, with each problem by its path.
    """
    csrf = form.get("csrf")
    if denied := layout.refused_form(request, user, csrf if isinstance(csrf, str) else ""):
        return denied
    if denied := editors_only(request, user):
        return denied
    try:
        with database.write_transaction() as session:
            survey = session.get(Survey, survey_id)
            if survey is None:
                sx = screen_texts(user)
                return layout.message(request, user, "not_found_title", sx["no_survey"], 404)
            target = apply(session, survey)
    except DefinitionError as error:
        return refused(error.problems, 422)
    except DomainError as error:
        return refused([str(error)], error.status_code)
    return RedirectResponse(target, status_code=303)
