"""Responses from other channels (a kiosk, an SMS service, a partner's app) through the API."""

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.customers.service import find_by_contact, live_customer
from kokemus.errors import Conflict, InvalidInput, NotFound
from kokemus.ingest.intake import store_batch
from kokemus.ingest.messages import ParseOptions
from kokemus.ingest.models import Event, Source
from kokemus.ingest.sources import create_source
from kokemus.store import Database
from kokemus.store.base import utcnow
from kokemus.surveys import responses
from kokemus.surveys.answers import read_all
from kokemus.surveys.models import Response
from kokemus.surveys.service import (
    get_survey,
    published_definition,
    touchpoint_ids,
    touchpoint_owner,
    unit_id,
)

SURVEY_SOURCE = "kokemus-surveys"


class CustomerRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)


class ResponseIn(BaseModel):
    """A complete response answered somewhere else."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Any] = Field(description="question key: answer, as in the definition")
    language: Literal["fi", "sv", "en"] | None = None
    channel: str = Field(default="api", pattern=r"^[a-z][a-z0-9_]*$", max_length=16)
    customer: CustomerRef | None = Field(
        default=None, description="who answered: an id, or an email or phone (created if new)"
    )
    event_id: int | None = Field(default=None, ge=1, description="the event it is about")
    touchpoint: str | None = Field(default=None, max_length=64, description="touchpoint key")
    unit: str | None = Field(default=None, max_length=64, description="unit key")
    submitted_at: datetime | None = None
    external_id: str | None = Field(
        default=None, max_length=200, description="your id: sending it again changes nothing"
    )

    @field_validator("submitted_at")
    @classmethod
    def aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give a time zone (for example 2026-10-01T12:00:00+03:00)")
        return value


def accept_response(
    database: Database, survey_ref: str, body: ResponseIn, phone_region: str = "FI"
) -> tuple[Response, bool]:
    """Store a response sent through the API; (the response, whether it is new)."""
    customer_id = _customer(database, body.customer, phone_region)
    with database.write_transaction() as session:
        survey = get_survey(session, survey_ref)
        if survey.status != "published":
            raise Conflict(f"survey {survey.key!r} is {survey.status}; it takes no responses")
        if body.external_id is not None:
            earlier = session.scalar(
                select(Response).where(
                    Response.survey_id == survey.id, Response.external_id == body.external_id
                )
            )
            if earlier is not None:
                return earlier, False
        definition = published_definition(session, survey)
        language = body.language or definition.languages[0]
        if language not in definition.languages:
            raise InvalidInput("language", f"the survey is in {', '.join(definition.languages)}")
        answers = read_all(definition, body.answers)
        touchpoints = touchpoint_ids(session)
        touchpoint = _touchpoint(body, touchpoints, survey.touchpoint_id)
        origin = responses.Origin(
            channel=body.channel,
            language=language,
            customer_id=customer_id,
            event_id=_event(session, body.event_id),
            touchpoint_id=touchpoint,
            unit_id=_unit(session, body.unit) or touchpoint_owner(session, touchpoint),
        )
        response = responses.start(session, survey, definition, origin)
        response.external_id = body.external_id
        submitted = (body.submitted_at or utcnow()).astimezone(UTC)
        responses.complete(
            session, response, definition, answers, touchpoints, submitted_at=submitted
        )
        return response, True


def _touchpoint(body: ResponseIn, touchpoints: dict[str, int], default: int | None) -> int | None:
    if body.touchpoint is None:
        return default
    if body.touchpoint not in touchpoints:
        raise InvalidInput("touchpoint", f"{body.touchpoint!r} is not a touchpoint of the journey")
    return touchpoints[body.touchpoint]


def _unit(session: Session, key: str | None) -> int | None:
    if key is None:
        return None
    found = unit_id(session, key)
    if found is None:
        raise InvalidInput("unit", f"{key!r} is not a unit")
    return found


def _event(session: Session, event_id: int | None) -> int | None:
    if event_id is not None and session.get(Event, event_id) is None:
        raise InvalidInput("event_id", f"no event {event_id}")
    return event_id


def _customer(database: Database, ref: CustomerRef | None, region: str) -> int | None:
    """The customer who answered; one known by a new email or phone is created by intake."""
    if ref is None:
        return None
    given = [name for name in ("id", "email", "phone") if getattr(ref, name) is not None]
    if len(given) != 1:
        raise InvalidInput("customer", "give exactly one of id, email or phone")
    with database.transaction() as session:
        if ref.id is not None:
            try:
                return live_customer(session, ref.id).id
            except NotFound:
                raise InvalidInput("customer.id", f"no customer {ref.id}") from None
        try:
            return find_by_contact(session, email=ref.email, phone=ref.phone, region=region).id
        except NotFound:
            pass
        except InvalidInput as error:
            raise InvalidInput(f"customer.{error.field}", str(error).split(": ", 1)[1]) from None
        source_id = session.scalar(select(Source.id).where(Source.name == SURVEY_SOURCE))
    if source_id is None:
        with database.write_transaction() as session:
            source_id = create_source(session, SURVEY_SOURCE, "other").id
    contact = {given[0]: getattr(ref, given[0])}
    options = ParseOptions(
        sources={SURVEY_SOURCE: source_id},
        default_source_id=source_id,
        received_at=utcnow(),
        phone_region=region,
    )
    # The survey source knows the person by the contact they gave; intake resolves the rest.
    message = {"type": "identify", "userId": contact[given[0]], "traits": contact}
    report = store_batch(database, [(0, message)], options)
    if report.rejected:
        rejection = report.rejected[0]
        raise InvalidInput(f"customer.{given[0]}", rejection.error)
    with database.transaction() as session:
        return find_by_contact(session, email=ref.email, phone=ref.phone, region=region).id
