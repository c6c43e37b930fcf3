"""The year's survey invitations, made by the real triggers, and who answered them.

The triggers are evaluated over the stored events month by month, each as if it were the
month's first morning (kokemus.surveys.triggers: sampling, consent, email, fatigue and
quiet hours all apply). Then each invitation is sent, reminded or answered. Nothing is
left waiting to go out: the demo's store must never mail anyone when it is served.
"""

import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from kokemus.demo import answers
from kokemus.demo.answers import Answers
from kokemus.demo.company import TRIGGERS, Company
from kokemus.demo.customers import Person
from kokemus.demo.outbox import Contact, Delivery, Order, Refund, Situation
from kokemus.demo.period import HELSINKI, Period, local
from kokemus.demo.responses import Answered
from kokemus.ingest.models import Event
from kokemus.surveys.models import Invitation
from kokemus.surveys.triggers import evaluate_events

# Who answers: the share of invitations answered, by what happened.
DELIVERY_ANSWERS = 0.26
DAMAGED_ANSWERS = 0.55
LATE_ANSWERS = 0.36
CHECKOUT_ANSWERS = 0.2
SERVICE_ANSWERS = 0.3
REPEAT_ANSWERS = 0.42
REFUND_ANSWERS = 0.35
JOURNEY_ANSWERS = 0.3
RECALL = timedelta(days=60)  # contacts a journey answer still remembers
AFTER_REMINDER = 0.25  # of those who answer, the share who needed the reminder
TIMEZONE = "Europe/Helsinki"


def invite_for_the_year(session: Session, period: Period) -> int:
    """Make the invitations the triggers call for, a month at a time. How many were made."""
    names = [spec.event for spec in TRIGGERS]
    rows = session.execute(
        select(Event.id, Event.occurred_at)
        .where(Event.name.in_(names), Event.type == "track")
        .order_by(Event.id)
    )
    by_month: dict[date, list[int]] = {}
    for event_id, occurred in rows:
        month = occurred.astimezone(HELSINKI).date().replace(day=1)
        by_month.setdefault(month, []).append(event_id)
    made = 0
    for month, event_ids in sorted(by_month.items()):
        # Evaluated as at the month's first moment, every event is due later, so none is
        # too late and each invitation goes out when its trigger says. Intake stored the
        # events in time order, so a month's events are one run of ids.
        span = range(event_ids[0], event_ids[-1] + 1)
        report = evaluate_events(session, span, now=local(month, 0), timezone=TIMEZONE)
        made += report.invited
    # Those due after the year would go out as soon as the demo is served: they are dropped.
    later = session.execute(delete(Invitation).where(Invitation.send_at >= period.closes))
    return made - int(later.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Sent:
    """What answering an invitation needs to know of it."""

    id: int
    survey_id: int
    customer_id: int | None
    event_id: int | None
    touchpoint_id: int | None
    unit_id: int | None
    language: str | None
    send_at: datetime
    remind_at: datetime | None


def answer_invitations(
    session: Session,
    rng: random.Random,
    company: Company,
    situations: Mapping[str, Situation],
    period: Period,
) -> list[Answered]:
    """Send every invitation; some are answered, some after the reminder, most not."""
    key_of = {survey.id: key for key, survey in company.surveys.items()}
    rows = session.execute(
        select(
            Invitation.id,
            Invitation.survey_id,
            Invitation.customer_id,
            Invitation.event_id,
            Invitation.touchpoint_id,
            Invitation.unit_id,
            Invitation.language,
            Invitation.send_at,
            Invitation.remind_at,
            Event.message_id,
        )
        .join(Event, Event.id == Invitation.event_id)
        .order_by(Invitation.id)
    )
    contacts: dict[int, list[Contact]] = defaultdict(list)
    for happened in situations.values():
        if isinstance(happened, Contact):
            contacts[happened.person.number].append(happened)
    answered = []
    changes = []
    for *fields, message_id in rows:
        sent = Sent(*fields)
        happened = situations[message_id]
        person = _person(happened).number
        earlier = [
            c for c in contacts[person] if sent.send_at - RECALL < c.solved_at < sent.send_at
        ]
        response = _response(rng, key_of[sent.survey_id], happened, sent, earlier)
        if response is not None and response.submitted_at < period.closes:
            answered.append(response)
            changes.append(_answered(sent, response.submitted_at))
        else:
            changes.append(_unanswered(sent, period))
    if changes:
        session.execute(update(Invitation), changes)  # by primary key, in one executemany
    return answered


def _answered(sent: Sent, submitted: datetime) -> dict[str, Any]:
    reminded = sent.remind_at is not None and sent.remind_at <= submitted
    return {
        "id": sent.id,
        "status": "responded",
        "sent_at": sent.send_at,
        "reminded_at": sent.remind_at if reminded else None,
        "remind_at": None if reminded else sent.remind_at,
        "responded_at": submitted,
    }


def _unanswered(sent: Sent, period: Period) -> dict[str, Any]:
    reminded = sent.remind_at is not None and sent.remind_at < period.closes
    return {
        "id": sent.id,
        "status": "reminded" if reminded else "sent",
        "sent_at": sent.send_at,
        "reminded_at": sent.remind_at if reminded else None,
        "remind_at": None,  # a reminder after the year is never sent
        "responded_at": None,
    }


def _response(
    rng: random.Random,
    survey: str,
    happened: Situation,
    invitation: Sent,
    contacts: list[Contact],
) -> Answered | None:
    share = JOURNEY_ANSWERS if survey == "purchase-journey" else _answer_share(happened)
    if rng.random() >= share:
        return None
    language = invitation.language or "fi"
    made = _answers(rng, survey, happened, language, contacts)
    sent = invitation.send_at
    if invitation.remind_at is not None and rng.random() < AFTER_REMINDER:
        submitted = invitation.remind_at + timedelta(hours=rng.uniform(0.1, 30))
    else:
        submitted = sent + timedelta(hours=rng.lognormvariate(1.0, 1.1))
    return Answered(
        survey=survey,
        answers=made,
        language=language,
        channel="invitation",
        started_at=submitted - timedelta(seconds=rng.randint(30, 400)),
        submitted_at=submitted,
        unit_id=invitation.unit_id,
        customer_id=invitation.customer_id,
        invitation_id=invitation.id,
        event_id=invitation.event_id,
        touchpoint_id=invitation.touchpoint_id,
    )


def _answer_share(happened: Situation) -> float:
    match happened:
        case Delivery(damaged=True):
            return DAMAGED_ANSWERS
        case Delivery(late_days=late) if late > 0:
            return LATE_ANSWERS
        case Delivery():
            return DELIVERY_ANSWERS
        case Order():
            return CHECKOUT_ANSWERS
        case Contact(repeat=True) | Contact(reopened=True):
            return REPEAT_ANSWERS
        case Contact():
            return SERVICE_ANSWERS
        case Refund():
            return REFUND_ANSWERS


def _answers(
    rng: random.Random, survey: str, happened: Situation, language: str, contacts: list[Contact]
) -> Answers:
    match happened:
        case Delivery() if survey == "purchase-journey":
            return answers.journey(rng, happened, contacts, language)
        case Delivery():
            return answers.delivery(rng, happened, language)
        case Order():
            return answers.checkout(rng, happened, language)
        case Contact():
            return answers.service(rng, happened, language)
        case Refund():
            return answers.complaint(rng, happened, language)


def _person(happened: Situation) -> Person:
    return happened.order.person if isinstance(happened, Delivery) else happened.person
