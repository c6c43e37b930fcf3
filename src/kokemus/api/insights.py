"""/api/v1/insights: key drivers, moments of truth, journeys and the EX-CX link, of the
whole organisation or of one unit (with its subtree). Callers are API tokens, which read
every unit, or signed-in users: a user scoped to units reads only their units' insights,
and must name the unit."""

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.accounts import sessions
from kokemus.accounts.scope import Scoped, can_see_unit, sees_everything
from kokemus.accounts.service import Forbidden, Unauthorized, authenticate, note_use, use_is_stale
from kokemus.api.deps import AppDatabase, AppSettings, Credentials, DbSession, known_query_only
from kokemus.api.schemas import error_responses
from kokemus.errors import InvalidInput
from kokemus.insights.drivers import Method
from kokemus.insights.journeys import (
    AFTER_DELIVERY_DAYS,
    CONTACT_EVENTS,
    DELIVERY_EVENTS,
    MAX_STEPS,
    REOPEN_EVENTS,
    REPEAT_DAYS,
    TICKET_EVENTS,
    TOP_PATHS,
    JourneyQuery,
    journey,
)
from kokemus.insights.link import (
    ENPS_QUESTION,
    MEETING_QUESTION,
    WORKDAY_QUESTION,
    CustomerMetric,
    LinkQuery,
    employee_customer_link,
)
from kokemus.insights.moments_service import (
    MIN_VOLUME,
    Effort,
    MomentsQuery,
    Performance,
    moments_of_truth,
)
from kokemus.insights.survey_data import (
    MAX_THEMES,
    MAX_WINDOW_DAYS,
    EventOutcome,
    SurveyDriverQuery,
    drivers_view,
    survey_drivers,
)
from kokemus.journeys.models import Unit
from kokemus.metrics.definitions import MetricName
from kokemus.metrics.periods import Interval
from kokemus.web.auth import SESSION_COOKIE

DAY = r"^\d{4}-\d{2}-\d{2}$"
KEY = r"^[a-z0-9][a-z0-9_\-]*$"
NAME = r"^[^\x00-\x1f\x7f]+$"
MAX_BOOTSTRAP = 2000
Key = Annotated[str, Field(min_length=1, max_length=64, pattern=KEY)]
EventName = Annotated[str, Field(min_length=1, max_length=200, pattern=NAME)]
FromDay = Annotated[
    str | None, Query(alias="from", pattern=DAY, description="first local day, YYYY-MM-DD")
]
ToDay = Annotated[str | None, Query(pattern=DAY, description="last local day (included)")]
EventNames = Annotated[list[EventName] | None, Query(max_length=20)]
EventList = Annotated[tuple[EventName, ...], Query(min_length=1, max_length=20)]
QuestionKey = Annotated[str, Query(min_length=1, max_length=64, pattern=KEY)]
UnitKey = Annotated[
    str | None,
    Query(min_length=1, max_length=64, pattern=KEY, description="unit key, with its subtree"),
]

router = APIRouter(
    prefix="/api/v1/insights",
    tags=["Insights"],
    responses=error_responses(401, 403, 404, 422),
    dependencies=[Depends(known_query_only)],
)


def reader(
    request: Request, credentials: Credentials, session: DbSession, database: AppDatabase
) -> Scoped | None:
    """None for an API token, which reads every unit; else the signed-in user."""
    if credentials is not None:
        token = authenticate(session, credentials.credentials, "read")
        if use_is_stale(token):
            with database.write_transaction() as written:
                note_use(written, token.id)
        return None
    cookie = request.cookies.get(SESSION_COOKIE)
    user = sessions.lookup(session, cookie) if cookie else None
    if user is None:
        raise Unauthorized("send an API token as 'Authorization: Bearer TOKEN', or sign in")
    if sessions.seen_is_stale(user):
        with database.write_transaction() as written:
            sessions.note_seen(written, user.session_id)
    return user


Reader = Annotated[Scoped | None, Depends(reader)]


def scoped_unit(session: Session, viewer: Scoped | None, unit: str | None) -> str | None:
    """The unit asked for, once the viewer may read it; an unknown unit is a 422 naming it."""
    if viewer is None or sees_everything(viewer):
        return unit
    if unit is None:
        raise Forbidden("unit: you may read only your own units' insights: name one")
    unit_id = session.scalar(select(Unit.id).where(Unit.key == unit))
    if unit_id is None:
        raise InvalidInput("unit", f"no unit {unit!r}")
    if not can_see_unit(session, viewer, unit_id):
        raise Forbidden(f"unit: {unit!r} is not in your scope")
    return unit


class OutcomeEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    names: list[EventName] = Field(min_length=1, max_length=20, description="event names")
    within_days: int = Field(ge=1, le=MAX_WINDOW_DAYS, description="days after the response")


class DriversRequest(BaseModel):
    """Key drivers of one survey's outcome: a question, or an event after the response."""

    model_config = ConfigDict(extra="forbid", strict=True)

    survey: Key = Field(description="survey key or id")
    outcome: Key | None = Field(
        default=None, description="scale question key; default: the survey's NPS question"
    )
    outcome_event: OutcomeEvent | None = None
    drivers: list[Key] | None = Field(
        default=None, max_length=30, description="question keys; default: every scale question"
    )
    themes: bool = Field(default=False, description="add 0/1 columns of the themes mentioned")
    max_themes: int = Field(default=MAX_THEMES, ge=0, le=30)
    method: Method = "lmg"
    bootstrap: int | None = Field(default=None, ge=0, le=MAX_BOOTSTRAP)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    from_: str | None = Field(default=None, alias="from", pattern=DAY)
    to: str | None = Field(default=None, pattern=DAY)
    unit: Key | None = Field(default=None, description="unit key, with its subtree")


def _day(value: str | None, field_name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field_name, f"{value!r} is not a day (YYYY-MM-DD)") from None


def _range(first: str | None, last: str | None) -> tuple[date, date]:
    end = _day(last, "to") or date.today()
    return _day(first, "from") or (end - timedelta(days=364)), end


def _outcome_event(names: list[str] | None, within_days: int | None) -> EventOutcome | None:
    if not names:
        if within_days is not None:
            raise InvalidInput("within_days", "goes with outcome_event")
        return None
    if within_days is None:
        raise InvalidInput("within_days", "say how many days after the response to look")
    return EventOutcome(tuple(names), within_days)


@router.post("/drivers", responses=error_responses(400))
def drivers(
    session: DbSession, settings: AppSettings, viewer: Reader, body: DriversRequest
) -> dict[str, Any]:
    """Relative importance of a survey's scale questions (and themes) for its outcome."""
    unit = scoped_unit(session, viewer, body.unit)
    first, last = _range(body.from_, body.to)
    event = body.outcome_event
    query = SurveyDriverQuery(
        survey=body.survey,
        first=first,
        last=last,
        outcome=body.outcome,
        outcome_event=EventOutcome(tuple(event.names), event.within_days) if event else None,
        drivers=tuple(body.drivers or ()),
        themes=body.themes,
        max_themes=body.max_themes,
        threshold=settings.anonymity_threshold,
        unit=unit,
    )
    data, analysis = survey_drivers(
        session, query, method=body.method, resamples=body.bootstrap, seed=body.seed
    )
    return drivers_view(data, analysis)


@router.get("/moments")
def moments(
    session: DbSession,
    settings: AppSettings,
    viewer: Reader,
    survey: Annotated[
        str, Query(min_length=1, max_length=64, pattern=KEY, description="survey key or id")
    ],
    outcome: Annotated[
        str | None,
        Query(max_length=64, pattern=KEY, description="question key [the survey's NPS]"),
    ] = None,
    outcome_event: EventNames = None,
    within_days: Annotated[int | None, Query(ge=1, le=MAX_WINDOW_DAYS)] = None,
    drivers: Annotated[list[Key] | None, Query(max_length=30)] = None,
    from_: FromDay = None,
    to: ToDay = None,
    performance: Performance = "csat",
    effort: Effort = "ces",
    min_volume: Annotated[int, Query(ge=1, le=1_000_000)] = MIN_VOLUME,
    method: Method = "lmg",
    bootstrap: Annotated[int | None, Query(ge=0, le=MAX_BOOTSTRAP)] = None,
    seed: Annotated[int, Query(ge=0, le=2**32 - 1)] = 0,
    unit: UnitKey = None,
) -> dict[str, Any]:
    """Per touchpoint: importance × performance → improve, keep, reduce or monitor,
    with volume, weak share, the top negative themes and redacted verbatims."""
    unit = scoped_unit(session, viewer, unit)
    first, last = _range(from_, to)
    query = MomentsQuery(
        drivers=SurveyDriverQuery(
            survey=survey,
            first=first,
            last=last,
            outcome=outcome,
            outcome_event=_outcome_event(outcome_event, within_days),
            drivers=tuple(drivers or ()),
            threshold=settings.anonymity_threshold,
            unit=unit,
        ),
        performance=performance,
        effort=effort,
        min_volume=min_volume,
        method=method,
        resamples=bootstrap,
        seed=seed,
    )
    return moments_of_truth(session, query)


@router.get("/journeys")
def journeys(
    session: DbSession,
    viewer: Reader,
    from_: FromDay = None,
    to: ToDay = None,
    metric: Annotated[list[MetricName] | None, Query(max_length=6)] = None,
    interval: Interval = "month",
    top: Annotated[int, Query(ge=1, le=100)] = TOP_PATHS,
    max_steps: Annotated[int, Query(ge=1, le=50)] = MAX_STEPS,
    nps_survey: Annotated[str | None, Query(max_length=64, pattern=KEY)] = None,
    contact_event: EventList = CONTACT_EVENTS,
    delivery_event: EventList = DELIVERY_EVENTS,
    reopen_event: EventList = REOPEN_EVENTS,
    ticket_event: EventList = TICKET_EVENTS,
    repeat_days: Annotated[int, Query(ge=1, le=365)] = REPEAT_DAYS,
    after_delivery_days: Annotated[int, Query(ge=1, le=365)] = AFTER_DELIVERY_DAYS,
    unit: UnitKey = None,
) -> dict[str, Any]:
    """Per stage and touchpoint: volume, scores, sentiment and trend; the common paths;
    where detractors' paths differ from promoters'; friction signals."""
    unit = scoped_unit(session, viewer, unit)
    first, last = _range(from_, to)
    query = JourneyQuery(
        first=first,
        last=last,
        metrics=tuple(dict.fromkeys(metric)) if metric else ("csat", "nps"),
        interval=interval,
        top=top,
        max_steps=max_steps,
        nps_survey=nps_survey,
        contact_events=tuple(contact_event),
        delivery_events=tuple(delivery_event),
        reopen_events=tuple(reopen_event),
        ticket_events=tuple(ticket_event),
        repeat_days=repeat_days,
        after_delivery_days=after_delivery_days,
        unit=unit,
    )
    return journey(session, query)


@router.get("/link")
def link(
    session: DbSession,
    settings: AppSettings,
    viewer: Reader,
    from_: FromDay = None,
    to: ToDay = None,
    customer_metric: CustomerMetric = "csat",
    enps_question: QuestionKey = ENPS_QUESTION,
    workday_question: QuestionKey = WORKDAY_QUESTION,
    meeting_question: QuestionKey = MEETING_QUESTION,
    unit: UnitKey = None,
    unit_kind: Literal["store", "team", "function", "partner"] | None = None,
) -> dict[str, Any]:
    """Per unit: eNPS, workday and meeting stars against the unit's customer score, with
    Spearman's rho; units under the anonymity threshold are left out."""
    unit = scoped_unit(session, viewer, unit)
    first, last = _range(from_, to)
    query = LinkQuery(
        first=first,
        last=last,
        customer_metric=customer_metric,
        enps_question=enps_question,
        workday_question=workday_question,
        meeting_question=meeting_question,
        unit=unit,
        unit_kind=unit_kind,
        threshold=settings.anonymity_threshold,
    )
    return employee_customer_link(session, query)
