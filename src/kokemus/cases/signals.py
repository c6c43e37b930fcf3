"""What rules look at: a completed response or an event, read into plain facts, and the
customer's history before it."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from kokemus.cases.follow_up import live_customer
from kokemus.cases.models import Case
from kokemus.customers.models import Identity
from kokemus.enrich.models import TextAnalysisRecord
from kokemus.ingest.models import Event
from kokemus.journeys.models import Touchpoint
from kokemus.surveys.models import Answer, Response, Survey

SCALE_TYPES = ("rating", "nps", "ces", "expectation")
CHOICE_TYPES = ("single_choice", "multi_choice")
# At or below these a scale answer is weak: 1–2 stars, an NPS detractor, a hard CES
# (1 very difficult … 7 very easy), below expectations.
WEAK_AT_MOST = {"rating": 2, "nps": 6, "ces": 3, "expectation": 2}


@dataclass(frozen=True)
class ScaleAnswer:
    question: str
    type: str
    value: float


@dataclass(frozen=True)
class Text:
    sentiment: str
    themes: tuple[str, ...]


@dataclass
class Signal:
    kind: str  # "response" or "event"
    at: datetime
    customer_id: int | None
    touchpoint_id: int | None
    touchpoint: str | None
    response_id: int | None = None
    event_id: int | None = None
    origin_event_id: int | None = None  # the event a response was invited for
    survey: str | None = None
    scales: list[ScaleAnswer] = field(default_factory=list)
    choices: dict[str, set[str]] = field(default_factory=dict)
    texts: list[Text] = field(default_factory=list)
    event_name: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)


def _touchpoints(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Touchpoint.id, Touchpoint.key)).all())


def _live(session: Session, customer_id: int | None, cache: dict[int, int | None]) -> int | None:
    if customer_id is None:
        return None
    if customer_id not in cache:
        found = live_customer(session, customer_id)
        cache[customer_id] = found.id if found else None
    return cache[customer_id]


def load_responses(session: Session, response_ids: Sequence[int]) -> list[Signal]:
    if not response_ids:
        return []
    touchpoints = _touchpoints(session)
    customers: dict[int, int | None] = {}
    found: dict[int, Signal] = {}
    rows = session.execute(
        select(Response, Survey.key)
        .join(Survey, Survey.id == Response.survey_id)
        .where(Response.id.in_(response_ids), Response.complete)
    )
    for response, survey_key in rows:
        found[response.id] = Signal(
            kind="response",
            at=response.submitted_at or response.updated_at,
            customer_id=_live(session, response.customer_id, customers),
            touchpoint_id=response.touchpoint_id,
            touchpoint=touchpoints.get(response.touchpoint_id or 0),
            response_id=response.id,
            origin_event_id=response.event_id,
            survey=survey_key,
        )
    answers = session.execute(
        select(
            Answer.response_id,
            Answer.question_key,
            Answer.question_type,
            Answer.number,
            Answer.text,
            Answer.item,
        )
        .where(Answer.response_id.in_(list(found)))
        .order_by(Answer.id)
    )
    for response_id, key, kind, number, text, item in answers:
        signal = found[response_id]
        if kind in SCALE_TYPES and number is not None:
            signal.scales.append(ScaleAnswer(key, kind, number))
        elif kind in CHOICE_TYPES and (item or text):
            signal.choices.setdefault(key, set()).add(item or text or "")
    analyses = session.execute(
        select(
            TextAnalysisRecord.response_id, TextAnalysisRecord.sentiment, TextAnalysisRecord.themes
        )
        .where(TextAnalysisRecord.response_id.in_(list(found)))
        .order_by(TextAnalysisRecord.id)
    )
    for analysed_id, sentiment, themes in analyses:
        if analysed_id is not None and analysed_id in found:
            found[analysed_id].texts.append(Text(sentiment, tuple(themes or ())))
    return [found[response_id] for response_id in response_ids if response_id in found]


def load_events(session: Session, rows: Sequence[Any]) -> list[Signal]:
    """Rows of (id, name, identity_id, touchpoint_id, occurred_at, properties)."""
    touchpoints = _touchpoints(session)
    customers: dict[int, int | None] = {}
    identities = {row[2] for row in rows}
    owners = dict(
        session.execute(
            select(Identity.id, Identity.customer_id).where(Identity.id.in_(identities))
        ).all()
    )
    analyses: dict[int, list[Text]] = {}
    for analysed_id, sentiment, themes in session.execute(
        select(
            TextAnalysisRecord.event_id, TextAnalysisRecord.sentiment, TextAnalysisRecord.themes
        ).where(TextAnalysisRecord.event_id.in_([row[0] for row in rows]))
    ):
        if analysed_id is not None:
            analyses.setdefault(analysed_id, []).append(Text(sentiment, tuple(themes or ())))
    return [
        Signal(
            kind="event",
            at=occurred_at,
            customer_id=_live(session, owners.get(identity_id), customers),
            touchpoint_id=touchpoint_id,
            touchpoint=touchpoints.get(touchpoint_id or 0),
            event_id=event_id,
            event_name=name,
            properties=properties if isinstance(properties, dict) else {},
            texts=analyses.get(event_id, []),
        )
        for event_id, name, identity_id, touchpoint_id, occurred_at, properties in rows
    ]


class History:
    """The customer's past, asked of the store as a rule needs it."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _identities(self, customer_id: int) -> list[int]:
        merged = [customer_id]
        return list(
            self._session.scalars(select(Identity.id).where(Identity.customer_id.in_(merged)))
        )

    def events(
        self,
        customer_id: int,
        names: list[str],
        since: datetime,
        until: datetime,
        *,
        skip: int | None = None,
    ) -> int:
        identities = self._identities(customer_id)
        if not identities:
            return 0
        conditions: list[ColumnElement[bool]] = [
            Event.identity_id.in_(identities),
            Event.name.in_(names),
            Event.occurred_at >= since,
            Event.occurred_at <= until,
        ]
        if skip is not None:
            conditions.append(Event.id != skip)
        return int(
            self._session.scalar(select(func.count()).select_from(Event).where(*conditions)) or 0
        )

    def cases(self, customer_id: int, since: datetime, until: datetime) -> int:
        query = (
            select(func.count())
            .select_from(Case)
            .where(Case.customer_id == customer_id, Case.opened_at >= since, Case.opened_at < until)
        )
        return int(self._session.scalar(query) or 0)

    def weak_responses(
        self, customer_id: int, since: datetime, until: datetime, skip: int | None
    ) -> int:
        weak = or_(
            *(
                and_(Answer.question_type == kind, Answer.number <= limit)
                for kind, limit in WEAK_AT_MOST.items()
            )
        )
        query = (
            select(func.count(func.distinct(Response.id)))
            .join(Answer, Answer.response_id == Response.id)
            .where(
                Response.customer_id == customer_id,
                Response.complete,
                Response.submitted_at >= since,
                Response.submitted_at < until,
                weak,
            )
        )
        if skip is not None:
            query = query.where(Response.id != skip)
        return int(self._session.scalar(query) or 0)


def days(count: int) -> timedelta:
    return timedelta(days=count)
