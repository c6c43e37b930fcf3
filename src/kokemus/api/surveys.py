from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query
from fastapi.responses import JSONResponse
from fastapi.responses import Response as HttpResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kokemus.api.deps import (
    AdminToken,
    AppDatabase,
    AppSettings,
    DbSession,
    ReadToken,
    WriteToken,
    known_query_only,
)
from kokemus.api.schemas import error_responses
from kokemus.api.texts import analysis_view
from kokemus.enrich.models import TextAnalysisRecord
from kokemus.errors import InvalidInput, NotFound
from kokemus.surveys import catalog, service, triggers
from kokemus.surveys.definition import SurveyDefinition, parse_definition
from kokemus.surveys.export import export_responses
from kokemus.surveys.external import ResponseIn, accept_response
from kokemus.surveys.models import Answer, Response, Survey, Trigger
from kokemus.surveys.qr import qr_code, survey_link
from kokemus.surveys.responses import response_document

router = APIRouter(
    prefix="/api/v1/surveys",
    tags=["Surveys"],
    responses=error_responses(400, 401, 403, 404, 409, 422),
    dependencies=[Depends(known_query_only)],
)

SurveyRef = Annotated[
    str, Path(max_length=64, pattern=r"^[a-z0-9][a-z0-9_\-]*$", description="id or key")
]
TemplateName = Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9\-]+$")]
Definition = Annotated[dict[str, Any], Body(description="a survey definition, as exported")]
MAX_PAGE = 500


def survey_view(survey: Survey) -> dict[str, Any]:
    return {
        "id": survey.id,
        "key": survey.key,
        "kind": survey.kind,
        "status": survey.status,
        "public_id": survey.public_id,
        "published_version": survey.published_version,
        "created_at": survey.created_at,
        "updated_at": survey.updated_at,
        "published_at": survey.published_at,
        "closed_at": survey.closed_at,
        "definition": survey.definition,
    }


@router.get("")
def list_surveys(session: DbSession, _token: ReadToken) -> list[dict[str, Any]]:
    """Every survey with its status and counts."""
    return [summary.__dict__ for summary in service.list_surveys(session)]


@router.post("", status_code=201)
def create_survey(session: DbSession, _token: AdminToken, body: Definition) -> dict[str, Any]:
    """A new draft survey from a definition."""
    return survey_view(service.create_survey(session, parse_definition(body)))


@router.get("/templates")
def list_templates(_token: ReadToken) -> list[dict[str, Any]]:
    """The templates shipped with Kokemus."""
    return [_template_view(name, catalog.load_template(name)) for name in catalog.template_names()]


@router.post("/templates/{name}", status_code=201)
def create_from_template(
    session: DbSession, _token: AdminToken, name: TemplateName, key: str | None = None
) -> dict[str, Any]:
    """A new draft survey from a template, under its own key or `key`."""
    definition = catalog.load_template(name)
    if key is not None:
        definition = parse_definition({**definition.model_dump(mode="json"), "key": key})
    return survey_view(service.create_survey(session, definition))


@router.get("/{ref}")
def get_survey(session: DbSession, _token: ReadToken, ref: SurveyRef) -> dict[str, Any]:
    return survey_view(service.get_survey(session, ref))


@router.put("/{ref}")
def update_survey(
    session: DbSession, _token: AdminToken, ref: SurveyRef, body: Definition
) -> dict[str, Any]:
    """Replace the draft definition; publish to make it what respondents see."""
    survey = service.get_survey(session, ref)
    service.update_definition(session, survey, parse_definition(body))
    return survey_view(survey)


@router.post("/{ref}/publish")
def publish_survey(session: DbSession, _token: AdminToken, ref: SurveyRef) -> dict[str, Any]:
    """Publish the draft; 422 lists every missing translation or unknown touchpoint."""
    survey = service.get_survey(session, ref)
    service.publish(session, survey)
    return survey_view(survey)


@router.post("/{ref}/close")
def close_survey(session: DbSession, _token: AdminToken, ref: SurveyRef) -> dict[str, Any]:
    survey = service.get_survey(session, ref)
    service.close(session, survey)
    return survey_view(survey)


@router.post("/{ref}/responses", status_code=201, responses={200: {"description": "Sent before"}})
async def post_response(
    database: AppDatabase,
    settings: AppSettings,
    _token: WriteToken,
    ref: SurveyRef,
    body: ResponseIn,
) -> JSONResponse:
    """A complete response from another channel; 200 if its external_id was sent before."""
    response, new = await run_in_threadpool(
        accept_response, database, ref, body, settings.default_phone_region
    )
    document = response_document(response)
    return JSONResponse(_jsonable(document), status_code=201 if new else 200)


@router.get("/{ref}/responses")
def list_responses(
    session: DbSession,
    _token: ReadToken,
    ref: SurveyRef,
    limit: int = Query(default=100, ge=1, le=MAX_PAGE),
    after: int = Query(default=0, ge=0, le=2**31 - 1, description="last id of the previous page"),
) -> dict[str, Any]:
    """Complete responses, oldest first; page on with `after`."""
    survey = service.get_survey(session, ref)
    found = list(
        session.scalars(
            select(Response)
            .where(Response.survey_id == survey.id, Response.complete, Response.id > after)
            .order_by(Response.id)
            .limit(limit)
        )
    )
    analyses = texts_of(session, [response.id for response in found])
    return {
        "responses": [
            {**response_document(response), "texts": analyses.get(response.id, {})}
            for response in found
        ],
        "next_after": found[-1].id if len(found) == limit else None,
    }


@router.get(
    "/{ref}/export",
    response_class=HttpResponse,
    responses={200: {"content": {"text/csv": {}, "application/vnd.ms-excel": {}}}},
)
def export(
    session: DbSession,
    _token: ReadToken,
    ref: SurveyRef,
    format: Literal["csv", "xlsx"] = "csv",
) -> HttpResponse:
    """Complete responses as CSV or XLSX, free text redacted."""
    survey = service.get_survey(session, ref)
    definition = service.published_definition(session, survey)
    content = export_responses(session, survey, definition, format)
    kind = (
        "text/csv; charset=utf-8"
        if format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = f'attachment; filename="{survey.key}-responses.{format}"'
    return HttpResponse(content, media_type=kind, headers={"Content-Disposition": disposition})


@router.get(
    "/{ref}/qr",
    response_class=HttpResponse,
    responses={200: {"content": {"image/svg+xml": {}, "image/png": {}}}},
)
def qr(
    session: DbSession,
    settings: AppSettings,
    _token: ReadToken,
    ref: SurveyRef,
    touchpoint: str | None = Query(default=None, max_length=64),
    unit: str | None = Query(default=None, max_length=64),
    format: Literal["svg", "png"] = "svg",
) -> HttpResponse:
    """A QR code for the survey's anonymous link at a touchpoint (and unit)."""
    survey = service.get_survey(session, ref)
    if touchpoint is not None and touchpoint not in service.touchpoint_ids(session):
        raise InvalidInput("touchpoint", f"{touchpoint!r} is not a touchpoint of the journey")
    if unit is not None and service.unit_id(session, unit) is None:
        raise InvalidInput("unit", f"{unit!r} is not a unit")
    link = survey_link(settings.public_url, survey, touchpoint=touchpoint, unit=unit)
    kind = "image/svg+xml" if format == "svg" else "image/png"
    return HttpResponse(qr_code(link, format), media_type=kind, headers={"X-Survey-Link": link})


@router.get("/{ref}/widget")
def widget(
    session: DbSession, settings: AppSettings, _token: ReadToken, ref: SurveyRef
) -> dict[str, str]:
    """The script tag that opens this survey on your own site."""
    survey = service.get_survey(session, ref)
    base = settings.public_url.rstrip("/")
    return {
        "snippet": f'<script src="{base}/static/widget.js" data-survey="{survey.public_id}" '
        'data-lang="fi" async></script>',
        "link": survey_link(settings.public_url, survey, via="widget"),
    }


class TriggerIn(BaseModel):
    """Invite to this survey when an event arrives (exactly one of event_name, touchpoint)."""

    model_config = ConfigDict(extra="forbid")

    event_name: str | None = Field(default=None, max_length=200)
    touchpoint: str | None = Field(default=None, max_length=64, description="touchpoint key")
    delay_minutes: int = Field(default=0, ge=0, le=60 * 24 * 60)
    sample_percent: float = Field(default=100.0, ge=0, le=100)
    fatigue_days: int = Field(default=30, ge=0, le=3650)
    quiet_hours: tuple[str, str] | None = Field(
        default=("21:00", "08:00"), description="local start and end, HH:MM; null for none"
    )
    require_consent: bool = False
    remind_after_days: int | None = Field(default=3, ge=1, le=60)


def trigger_view(trigger: Trigger) -> dict[str, Any]:
    return {
        "id": trigger.id,
        "survey_id": trigger.survey_id,
        "event_name": trigger.event_name,
        "touchpoint_id": trigger.touchpoint_id,
        "delay_minutes": trigger.delay_minutes,
        "sample_percent": trigger.sample_percent,
        "fatigue_days": trigger.fatigue_days,
        "quiet_hours": [trigger.quiet_start, trigger.quiet_end] if trigger.quiet_start else None,
        "require_consent": trigger.require_consent,
        "remind_after_days": trigger.remind_after_days,
        "active": trigger.active,
    }


@router.get("/{ref}/triggers")
def list_triggers(session: DbSession, _token: ReadToken, ref: SurveyRef) -> list[dict[str, Any]]:
    survey = service.get_survey(session, ref)
    return [trigger_view(trigger) for trigger in triggers.list_triggers(session, survey)]


@router.post("/{ref}/triggers", status_code=201)
def create_trigger(
    session: DbSession, _token: AdminToken, ref: SurveyRef, body: TriggerIn
) -> dict[str, Any]:
    """A trigger; fatigue counts invitations to every survey, not only this one."""
    trigger = triggers.create_trigger(
        session,
        service.get_survey(session, ref),
        event_name=body.event_name,
        touchpoint=body.touchpoint,
        delay=timedelta(minutes=body.delay_minutes),
        sample_percent=body.sample_percent,
        fatigue_days=body.fatigue_days,
        quiet_hours=body.quiet_hours,
        require_consent=body.require_consent,
        remind_after_days=body.remind_after_days,
    )
    return trigger_view(trigger)


@router.post("/{ref}/triggers/{trigger_id}/disable")
def disable_trigger(
    session: DbSession,
    _token: AdminToken,
    ref: SurveyRef,
    trigger_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> dict[str, Any]:
    survey = service.get_survey(session, ref)
    known = {trigger.id for trigger in triggers.list_triggers(session, survey)}
    if trigger_id not in known:
        raise NotFound(f"survey {survey.key!r} has no trigger {trigger_id}")
    return trigger_view(triggers.disable_trigger(session, trigger_id))


def texts_of(session: Session, response_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per response, per question key: the analysis of its free-text answer."""
    if not response_ids:
        return {}
    rows = session.execute(
        select(TextAnalysisRecord, Answer.question_key)
        .join(Answer, Answer.id == TextAnalysisRecord.answer_id)
        .where(TextAnalysisRecord.response_id.in_(response_ids))
    )
    found: dict[int, dict[str, Any]] = {}
    for record, key in rows:
        found.setdefault(record.response_id or 0, {})[key] = analysis_view(record)
    return found


def _template_view(name: str, definition: SurveyDefinition) -> dict[str, Any]:
    return {
        "name": name,
        "kind": definition.kind,
        "languages": definition.languages,
        "title": definition.title,
        "questions": len(definition.questions),
    }


def _jsonable(document: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in document.items()
    }
