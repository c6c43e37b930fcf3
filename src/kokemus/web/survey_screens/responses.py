"""A survey's responses as a table, the latest to arrive first, and their export.

Free text is shown only as text analysis redacted it, never as written; an answer still
waiting for analysis shows nothing of its text. Exports are redacted too, and audited.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from kokemus.api.deps import AppDatabase, AppSettings, DbSession
from kokemus.audit.service import record
from kokemus.customers.feedback import shown_answers
from kokemus.errors import NotFound
from kokemus.journeys.models import Touchpoint, Unit
from kokemus.surveys import service
from kokemus.surveys.export import export_responses
from kokemus.surveys.models import Response as SurveyResponse
from kokemus.web import layout
from kokemus.web.auth import CurrentUser
from kokemus.web.survey_screens.access import (
    can_export,
    complete_counts,
    response_units,
    shows_single_responses,
)
from kokemus.web.survey_screens.common import SurveyId, find, page, screen_texts

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
KINDS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/surveys/{survey_id}/responses", response_class=HTMLResponse)
def response_table(
    request: Request,
    survey_id: SurveyId,
    session: DbSession,
    user: CurrentUser,
    before: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    survey = find(request, session, user, survey_id)
    if isinstance(survey, Response):
        return survey
    units = response_units(session, user)
    total = complete_counts(session, units, [survey.id]).get(survey.id, 0)
    found: list[SurveyResponse] = []
    if shows_single_responses(survey):
        query = (
            select(SurveyResponse)
            .where(SurveyResponse.survey_id == survey.id, SurveyResponse.complete)
            .order_by(SurveyResponse.id.desc())
            .limit(PAGE_SIZE + 1)
        )
        if before is not None:
            query = query.where(SurveyResponse.id < before)
        if units is not None:
            query = query.where(SurveyResponse.unit_id.in_(units))
        found = list(session.scalars(query))
    more = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    context = {
        "responses": found,
        "answers": shown_answers(session, found, user.language),
        "touchpoint_names": dict(session.execute(select(Touchpoint.id, Touchpoint.name)).all()),
        "unit_names": dict(session.execute(select(Unit.id, Unit.name)).all()),
        "total": total,
        "single": shows_single_responses(survey),
        "older": f"?before={found[-1].id}" if more else None,
        "first_page": before is None,
        "can_export": can_export(user) and shows_single_responses(survey),
        "exportable": survey.published_version is not None,
    }
    return page(
        request, user, survey, "survey_screens/responses.html", context, section="responses"
    )


@router.get("/surveys/{survey_id}/export.{form}")
def export(
    request: Request,
    survey_id: SurveyId,
    form: Literal["csv", "xlsx"],
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
) -> Response:
    sx = screen_texts(user)
    # Read first, then record: a long export never holds the writers' turn.
    with database.transaction() as session:
        survey = find(request, session, user, survey_id)
        if isinstance(survey, Response):
            return survey
        if not can_export(user) or not shows_single_responses(survey):
            return layout.forbidden(request, user)
        try:
            definition = service.published_definition(session, survey)
        except NotFound:
            return layout.message(request, user, "not_found_title", sx["export_unpublished"], 404)
        units = response_units(session, user)
        content = export_responses(session, survey, definition, form, unit_ids=units)
        key = survey.key
    with database.write_transaction() as session:
        record(
            session,
            "survey.export",
            actor=layout.actor(request, user, settings),
            target=key,
            details={"format": form, "units": "all" if units is None else sorted(units)},
        )
    disposition = f'attachment; filename="{key}-responses.{form}"'
    return Response(content, media_type=KINDS[form], headers={"Content-Disposition": disposition})
