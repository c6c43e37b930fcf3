"""Kaari Oy: its units and journey, the systems that send its events, its surveys."""

from dataclasses import dataclass
from datetime import timedelta
from importlib import resources

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.ingest.sources import create_source
from kokemus.journeys.models import Touchpoint, Unit
from kokemus.journeys.service import load_journey, parse_journey
from kokemus.surveys.catalog import load_template
from kokemus.surveys.definition import SurveyDefinition, parse_definition
from kokemus.surveys.models import Survey
from kokemus.surveys.service import create_survey, publish
from kokemus.surveys.triggers import create_trigger

# Source name -> kind. Each is a system of the company (or of its partner) sending events.
SOURCES = {
    "webshop": "shop",
    "crm": "crm",
    "helpdesk": "helpdesk",
    "carrier": "carrier",
    "web-analytics": "web_analytics",
    "store-pos": "pos",
}
TEMPLATES = (
    "complaint-follow-up",
    "relational-nps",
    "five-star-workday",
    "five-star-meeting",
    "courteous-encounter-audit",
)


@dataclass(frozen=True)
class TriggerSpec:
    survey: str
    event: str
    delay: timedelta
    sample_percent: float = 100.0
    fatigue_days: int = 30
    remind_after_days: int | None = 3


# Invitations by email after what happened. The checkout and journey surveys ask a sample;
# delivery and service ask everyone, and the short fatigue windows keep one order from
# sending two at once.
TRIGGERS = (
    TriggerSpec("checkout-feedback", "Order Completed", timedelta(minutes=30), 25.0, 30, None),
    TriggerSpec("delivery-feedback", "Order Delivered", timedelta(hours=2), fatigue_days=2),
    TriggerSpec("purchase-journey", "Order Delivered", timedelta(days=21), 35.0, 7),
    TriggerSpec("service-feedback", "Ticket Solved", timedelta(hours=1), fatigue_days=1),
    TriggerSpec("complaint-follow-up", "Refund Issued", timedelta(days=1), fatigue_days=2),
)


@dataclass(frozen=True)
class DemoSurvey:
    id: int
    key: str
    version: int
    touchpoint_id: int | None
    definition: SurveyDefinition


@dataclass(frozen=True)
class Company:
    sources: dict[str, int]
    units: dict[str, int]
    touchpoints: dict[str, int]
    surveys: dict[str, DemoSurvey]


def _data(name: str) -> str:
    return resources.files("kokemus.demo").joinpath(f"data/{name}").read_text("utf-8")


def journey_text() -> str:
    return _data("journey.yaml")


def survey_definitions() -> list[SurveyDefinition]:
    own = [parse_definition(document) for document in yaml.safe_load(_data("surveys.yaml"))]
    return own + [load_template(name) for name in TEMPLATES]


def set_up(session: Session) -> Company:
    """The journey, the sources and the published surveys; the caller commits."""
    text = journey_text()
    load_journey(session, parse_journey(text), text)
    sources = {name: create_source(session, name, kind).id for name, kind in SOURCES.items()}
    surveys = {}
    for definition in survey_definitions():
        survey = create_survey(session, definition)
        version = publish(session, survey)
        surveys[survey.key] = DemoSurvey(
            survey.id, survey.key, version, survey.touchpoint_id, definition
        )
    units = dict(session.execute(select(Unit.key, Unit.id)).all())
    touchpoints = dict(session.execute(select(Touchpoint.key, Touchpoint.id)).all())
    return Company(sources, units, touchpoints, surveys)


def add_triggers(session: Session, company: Company) -> dict[str, int]:
    """The invitation rules; made after the year's events are in, so that storing them
    sent nothing. Returns the trigger id per survey key."""
    made = {}
    for spec in TRIGGERS:
        trigger = create_trigger(
            session,
            _survey(session, company, spec.survey),
            event_name=spec.event,
            delay=spec.delay,
            sample_percent=spec.sample_percent,
            fatigue_days=spec.fatigue_days,
            remind_after_days=spec.remind_after_days,
        )
        made[spec.survey] = trigger.id
    return made


def _survey(session: Session, company: Company, key: str) -> Survey:
    survey = session.get(Survey, company.surveys[key].id)
    assert survey is not None
    return survey
