"""A survey's triggers: which events invite a customer to it, when, and how often at most."""

import re
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from kokemus.accounts.sessions import SignedIn
from kokemus.api.deps import AppDatabase, AppSettings, DbSession
from kokemus.errors import InvalidInput, NotFound
from kokemus.journeys.models import Touchpoint
from kokemus.store import Database
from kokemus.surveys import triggers as survey_triggers
from kokemus.surveys.models import Survey, Trigger
from kokemus.surveys.triggers import TRIGGERED_KINDS
from kokemus.web.auth import CurrentUser
from kokemus.web.survey_screens.common import (
    PostedForm,
    Refused,
    SurveyId,
    audit,
    change,
    find,
    page,
    screen_texts,
    touchpoints,
)
from kokemus.web.survey_screens.forms import value

router = APIRouter(include_in_schema=False)

DELAY_UNITS = {"minutes": 1, "hours": 60, "days": 60 * 24}
DEFAULTS = {
    "event_name": "",
    "touchpoint": "",
    "delay": "0",
    "delay_unit": "hours",
    "sample_percent": "100",
    "fatigue_days": "30",
    "quiet_start": "21:00",
    "quiet_end": "08:00",
    "require_consent": "",
    "remind_after_days": "3",
}


@router.get("/surveys/{survey_id}/triggers", response_class=HTMLResponse)
def trigger_list(
    request: Request, survey_id: SurveyId, session: DbSession, user: CurrentUser
) -> Response:
    survey = find(request, session, user, survey_id)
    if isinstance(survey, Response):
        return survey
    return _page(request, session, user, survey)


def _page(
    request: Request,
    session: Session,
    user: SignedIn,
    survey: Survey,
    *,
    draft: dict[str, str] | None = None,
    errors: list[str] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    names = dict(session.execute(select(Touchpoint.id, Touchpoint.name)).all())
    texts = screen_texts(user)
    context: dict[str, Any] = {
        "triggers": survey_triggers.list_triggers(session, survey),
        "touchpoint_names": names,
        "touchpoints": touchpoints(session),
        "triggered": survey.kind in TRIGGERED_KINDS,
        "draft": draft or DEFAULTS,
        "delay_units": list(DELAY_UNITS),
        "delay_text": lambda minutes: delay_text(minutes, texts),
        "errors": errors or [],
        "notice": notice,
    }
    return page(
        request,
        user,
        survey,
        "survey_screens/triggers.html",
        context,
        section="triggers",
        status_code=status,
    )


@router.post("/surveys/{survey_id}/triggers", response_class=HTMLResponse)
def add_trigger(
    request: Request,
    survey_id: SurveyId,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    form: PostedForm,
) -> Response:
    draft = {name: value(form, name) for name in DEFAULTS}

    def apply(session: Session, survey: Survey) -> str:
        trigger = survey_triggers.create_trigger(session, survey, **trigger_fields(form))
        audit(
            session,
            request,
            user,
            settings,
            "survey.trigger_create",
            survey,
            trigger=trigger.id,
            event_name=trigger.event_name,
            touchpoint=draft["touchpoint"] or None,
        )
        return f"/surveys/{survey.id}/triggers#trigger-{trigger.id}"

    refused = _refused(request, database, user, survey_id, draft)
    return change(request, database, user, form, survey_id, apply, refused)


@router.post("/surveys/{survey_id}/triggers/{trigger_id}/disable", response_class=HTMLResponse)
def disable_trigger(
    request: Request,
    survey_id: SurveyId,
    trigger_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    form: PostedForm,
) -> Response:
    def apply(session: Session, survey: Survey) -> str:
        found = session.get(Trigger, trigger_id)
        if found is None or found.survey_id != survey.id:
            raise NotFound(f"survey {survey.key!r} has no trigger {trigger_id}")
        survey_triggers.disable_trigger(session, trigger_id)
        audit(
            session, request, user, settings, "survey.trigger_disable", survey, trigger=trigger_id
        )
        return f"/surveys/{survey.id}/triggers#trigger-{trigger_id}"

    refused = _refused(request, database, user, survey_id, None)
    return change(request, database, user, form, survey_id, apply, refused)


def _refused(
    request: Request,
    database: Database,
    user: SignedIn,
    survey_id: int,
    draft: dict[str, str] | None,
) -> Refused:
    def refused(problems: list[str], status: int) -> Response:
        with database.transaction() as session:
            survey = find(request, session, user, survey_id)
            if isinstance(survey, Response):
                return survey
            return _page(
                request, session, user, survey, draft=draft, errors=problems, status=status
            )

    return refused


def delay_text(minutes: int, texts: dict[str, str]) -> str:
    if minutes and minutes % DELAY_UNITS["days"] == 0:
        return texts["days"].format(n=minutes // DELAY_UNITS["days"])
    if minutes and minutes % DELAY_UNITS["hours"] == 0:
        return texts["hours"].format(n=minutes // DELAY_UNITS["hours"])
    return texts["minutes"].format(n=minutes)


def trigger_fields(form: FormData) -> dict[str, Any]:
    """What `create_trigger` takes, from the form; a number that is not one names its field."""
    unit = DELAY_UNITS.get(value(form, "delay_unit"), 60)
    start, end = value(form, "quiet_start"), value(form, "quiet_end")
    if bool(start) != bool(end):
        raise InvalidInput("quiet_hours", "give both the start and the end, or neither")
    remind = value(form, "remind_after_days")
    return {
        "event_name": value(form, "event_name") or None,
        "touchpoint": value(form, "touchpoint") or None,
        "delay": timedelta(minutes=_whole(form, "delay") * unit),
        "sample_percent": _decimal(form, "sample_percent"),
        "fatigue_days": _whole(form, "fatigue_days"),
        "quiet_hours": (start, end) if start else None,
        "require_consent": bool(value(form, "require_consent")),
        "remind_after_days": _whole(form, "remind_after_days") if remind else None,
    }


def _whole(form: FormData, name: str) -> int:
    text = value(form, name)
    if not re.fullmatch(r"\d{1,6}", text):
        raise InvalidInput(name, f"{text[:20]!r} is not a whole number")
    return int(text)


def _decimal(form: FormData, name: str) -> float:
    text = value(form, name).replace(",", ".")
    if not re.fullmatch(r"\d{1,3}(\.\d{1,4})?", text):
        raise InvalidInput(name, f"{text[:20]!r} is not a number")
    return float(text)
