"""Triggers: invite a customer to a survey when an event arrives.

A trigger names an event name or a touchpoint. For each new event it matches, an
invitation is made unless one of the rules says no, checked in this order: the event is
too old (a backfill must not mail customers about last month), sampling (a hash of the
trigger and the event, so evaluating again gives the same answer), no customer, consent
(trait `survey_consent`: false always blocks; a trigger that requires consent needs true),
no email address, and fatigue (any invitation to any survey within the trigger's window).

Evaluating the same events again changes nothing: (trigger, event) is unique.
"""

import hashlib
import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, event, or_, select, update
from sqlalchemy.orm import Session

from kokemus.config import get_settings
from kokemus.customers.models import Customer, Identity
from kokemus.errors import InvalidInput, NotFound
from kokemus.ingest.models import Event
from kokemus.journeys.models import Touchpoint
from kokemus.store import Database
from kokemus.store.base import utcnow
from kokemus.surveys.invitations import (
    HOUR_MINUTE,
    after_quiet_hours,
    consent,
    invitation_language,
    unsent_token_hash,
)
from kokemus.surveys.models import Invitation, Survey, Trigger
from kokemus.surveys.service import published_definition

logger = logging.getLogger(__name__)

TRIGGERED_KINDS = ("customer",)  # employee pulses and audits are not sent on customer events
MAPPED_TYPES = ("track", "page", "screen")
# An event whose invitation would have been due longer ago than this is not invited.
TOO_LATE = timedelta(days=2)
MAX_DELAY = timedelta(days=90)
# How long "no active triggers" is believed without asking the store again. A trigger made
# in this process clears it on commit; one made by another process is seen within this.
NO_TRIGGERS_TTL = 2.0
SKIP_REASONS = ("too_late", "not_sampled", "no_customer", "no_consent", "no_email", "fatigue")


# --- creating, listing, disabling --------------------------------------------------------


def create_trigger(
    session: Session,
    survey: Survey,
    *,
    event_name: str | None = None,
    touchpoint: str | None = None,
    delay: timedelta = timedelta(0),
    sample_percent: float = 100.0,
    fatigue_days: int = 30,
    quiet_hours: tuple[str, str] | None = ("21:00", "08:00"),
    require_consent: bool = False,
    remind_after_days: int | None = 3,
) -> Trigger:
    """A trigger for a customer survey; `touchpoint` is a touchpoint key."""
    if survey.kind not in TRIGGERED_KINDS:
        raise InvalidInput("survey", f"{survey.kind} surveys are not sent on customer events")
    if survey.status == "closed":
        raise InvalidInput("survey", f"survey {survey.key!r} is closed")
    name = (event_name or "").strip() or None
    if (name is None) == (touchpoint is None):
        raise InvalidInput("event_name", "name either an event name or a touchpoint, not both")
    if name is not None and len(name) > 200:
        raise InvalidInput("event_name", "at most 200 characters")
    touchpoint_id = None
    if touchpoint is not None:
        touchpoint_id = session.scalar(select(Touchpoint.id).where(Touchpoint.key == touchpoint))
        if touchpoint_id is None:
            raise InvalidInput("touchpoint", f"no touchpoint {touchpoint!r}")
    if delay < timedelta(0) or delay > MAX_DELAY:
        raise InvalidInput("delay", f"must be from 0 to {MAX_DELAY.days} days")
    if not 0 <= sample_percent <= 100:
        raise InvalidInput("sample_percent", "must be from 0 to 100")
    if not 0 <= fatigue_days <= 365:
        raise InvalidInput("fatigue_days", "must be from 0 to 365")
    if remind_after_days is not None and not 1 <= remind_after_days <= 30:
        raise InvalidInput("remind_after_days", "must be from 1 to 30, or None for no reminder")
    quiet_start, quiet_end = _quiet_hours(quiet_hours)
    trigger = Trigger(
        survey_id=survey.id,
        event_name=name,
        touchpoint_id=touchpoint_id,
        delay_minutes=int(delay.total_seconds() // 60),
        sample_percent=float(sample_percent),
        fatigue_days=fatigue_days,
        quiet_start=quiet_start,
        quiet_end=quiet_end,
        require_consent=require_consent,
        remind_after_days=remind_after_days,
        active=True,
    )
    session.add(trigger)
    session.flush()
    _forget_on_commit(session)
    return trigger


def _quiet_hours(value: tuple[str, str] | None) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if len(value) != 2 or not all(isinstance(part, str) for part in value):
        raise InvalidInput("quiet_hours", 'a (start, end) pair such as ("21:00", "08:00")')
    for part in value:
        if not HOUR_MINUTE.match(part):
            raise InvalidInput("quiet_hours", f"{part!r} is not a time as HH:MM")
    if value[0] == value[1]:
        raise InvalidInput("quiet_hours", "start and end are the same; use None for none")
    return value[0], value[1]


def list_triggers(session: Session, survey: Survey | None = None) -> list[Trigger]:
    statement = select(Trigger).order_by(Trigger.id)
    if survey is not None:
        statement = statement.where(Trigger.survey_id == survey.id)
    return list(session.scalars(statement))


def disable_trigger(session: Session, trigger_id: int) -> Trigger:
    """No more invitations from it; those already made still go out."""
    trigger = session.get(Trigger, trigger_id)
    if trigger is None:
        raise NotFound(f"no trigger {trigger_id}")
    trigger.active = False
    session.flush()
    _forget_on_commit(session)
    return trigger


# --- "are there any?", asked cheaply for every intake batch ------------------------------

_no_triggers_until: dict[str, float] = {}


def _forget_on_commit(session: Session) -> None:
    event.listen(session, "after_commit", lambda _: _no_triggers_until.clear(), once=True)


def _maybe_active(database: Database) -> bool:
    key = str(database.engine.url)
    if _no_triggers_until.get(key, 0.0) > time.monotonic():
        return False
    with database.transaction() as session:
        found = session.scalar(select(Trigger.id).where(Trigger.active).limit(1))
    if found is None:
        _no_triggers_until[key] = time.monotonic() + NO_TRIGGERS_TTL
        return False
    return True


def invite_for_new_events(database: Database, event_ids: range) -> None:
    """Evaluate the triggers for events intake has just committed, in a transaction of its
    own. Never fails intake: the events are stored whatever happens here."""
    if not event_ids or not _maybe_active(database):
        return
    try:
        with database.write_transaction() as session:
            evaluate_events(session, event_ids)
    except Exception:
        logger.exception("survey triggers failed for events %s..%s", event_ids[0], event_ids[-1])


# --- evaluating --------------------------------------------------------------------------


@dataclass
class TriggerReport:
    events: int = 0  # events some trigger matched
    invited: int = 0
    existing: int = 0  # (trigger, event) evaluated before
    skipped: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class _Usable:
    trigger: Trigger
    survey: Survey
    languages: list[str]


@dataclass(frozen=True)
class _Found:
    id: int
    name: str | None
    identity_id: int
    touchpoint_id: int | None
    occurred_at: datetime


def evaluate_events(
    session: Session,
    event_ids: Sequence[int],
    *,
    now: datetime | None = None,
    timezone: str | None = None,
) -> TriggerReport:
    """Make the invitations the active triggers call for on these events."""
    report = TriggerReport()
    if not event_ids:
        return report
    # Locks the trigger rows (PostgreSQL) or takes the store's write lock (SQLite) first,
    # so two evaluations cannot both pass the same fatigue check.
    session.execute(
        update(Trigger).where(Trigger.active).values(active=Trigger.active),
        execution_options={"synchronize_session": False},
    )
    triggers = _usable_triggers(session)
    if not triggers:
        return report
    now = now or utcnow()
    zone = ZoneInfo(timezone or get_settings().timezone)
    events = _matching_events(session, event_ids, triggers)
    if not events:
        return report
    people = _People.load(session, events, triggers)
    owners = dict(session.execute(select(Touchpoint.id, Touchpoint.owner_unit_id)).all())
    for found in events:
        matched = [usable for usable in triggers if _matches(usable.trigger, found)]
        if matched:
            report.events += 1
        for usable in matched:
            invitation = _invite(usable, found, people, now, zone, report)
            if invitation is not None:
                touchpoint = found.touchpoint_id or usable.survey.touchpoint_id
                invitation.touchpoint_id = touchpoint
                invitation.unit_id = owners.get(touchpoint) if touchpoint else None
                session.add(invitation)
                people.invited(invitation)
                report.invited += 1
    session.flush()
    return report


def _usable_triggers(session: Session) -> list[_Usable]:
    rows = session.execute(
        select(Trigger, Survey)
        .join(Survey, Survey.id == Trigger.survey_id)
        .where(
            Trigger.active,
            Survey.status == "published",
            Survey.kind.in_(TRIGGERED_KINDS),
        )
        .order_by(Trigger.id)
    )
    return [
        _Usable(trigger, survey, list(published_definition(session, survey).languages))
        for trigger, survey in rows
    ]


def _matching_events(
    session: Session, event_ids: Sequence[int], triggers: list[_Usable]
) -> list[_Found]:
    names = {usable.trigger.event_name for usable in triggers if usable.trigger.event_name}
    touchpoints = {usable.trigger.touchpoint_id for usable in triggers} - {None}
    wanted: list[ColumnElement[bool]] = []
    if names:
        wanted.append(Event.name.in_(names))
    if touchpoints:
        wanted.append(Event.touchpoint_id.in_(touchpoints))
    if isinstance(event_ids, range) and event_ids.step == 1:
        which = and_(Event.id >= event_ids.start, Event.id < event_ids.stop)
    else:
        which = Event.id.in_(list(event_ids))
    rows = session.execute(
        select(Event.id, Event.name, Event.identity_id, Event.touchpoint_id, Event.occurred_at)
        .where(which, Event.type.in_(MAPPED_TYPES), or_(*wanted))
        .order_by(Event.occurred_at, Event.id)
    )
    return [_Found(*row) for row in rows]


def _matches(trigger: Trigger, found: _Found) -> bool:
    if trigger.event_name is not None:
        return found.name == trigger.event_name
    return trigger.touchpoint_id is not None and found.touchpoint_id == trigger.touchpoint_id


def sampled(trigger_id: int, event_id: int, percent: float) -> bool:
    """Whether this event falls in the trigger's sample; always the same answer."""
    if percent >= 100:
        return True
    digest = hashlib.sha256(f"kokemus-sample:{trigger_id}:{event_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 * 100 < percent


def _invite(
    usable: _Usable,
    found: _Found,
    people: "_People",
    now: datetime,
    zone: ZoneInfo,
    report: TriggerReport,
) -> Invitation | None:
    trigger = usable.trigger
    if (trigger.id, found.id) in people.evaluated:
        report.existing += 1
        return None
    due = found.occurred_at + timedelta(minutes=trigger.delay_minutes)
    reason = None
    customer_id = people.customer_of.get(found.identity_id)
    traits = people.traits.get(customer_id, {}) if customer_id is not None else {}
    given = consent(traits)
    if due < now - TOO_LATE:
        reason = "too_late"
    elif not sampled(trigger.id, found.id, trigger.sample_percent):
        reason = "not_sampled"
    elif customer_id is None:
        reason = "no_customer"
    elif given is False or (trigger.require_consent and given is not True):
        reason = "no_consent"
    elif customer_id not in people.email:
        reason = "no_email"
    if reason is not None:
        report.skipped[reason] += 1
        return None
    assert customer_id is not None
    send_at = after_quiet_hours(max(due, now), trigger.quiet_start, trigger.quiet_end, zone)
    if people.tired(customer_id, send_at, timedelta(days=trigger.fatigue_days)):
        report.skipped["fatigue"] += 1
        return None
    remind_at = None
    if trigger.remind_after_days:
        remind_at = after_quiet_hours(
            send_at + timedelta(days=trigger.remind_after_days),
            trigger.quiet_start,
            trigger.quiet_end,
            zone,
        )
    return Invitation(
        survey_id=usable.survey.id,
        token_hash=unsent_token_hash(),
        status="scheduled",
        customer_id=customer_id,
        email=people.email[customer_id],
        language=invitation_language(traits, usable.languages),
        trigger_id=trigger.id,
        event_id=found.id,
        send_at=send_at,
        remind_at=remind_at,
        attempts=0,
        created_at=now,
    )


@dataclass
class _People:
    """What the rules need to know about the customers behind a batch of events."""

    customer_of: dict[int, int]
    traits: dict[int, dict[str, Any]]
    email: dict[int, str]
    # Send times of their invitations (all surveys), and the (trigger, event) pairs done.
    sends: dict[int, list[datetime]]
    evaluated: set[tuple[int, int]]

    @classmethod
    def load(cls, session: Session, events: list[_Found], triggers: list[_Usable]) -> "_People":
        identity_ids = {found.identity_id for found in events}
        customer_of = dict(
            session.execute(
                select(Identity.id, Identity.customer_id).where(Identity.id.in_(identity_ids))
            ).all()
        )
        traits, merged = cls._customers(session, set(customer_of.values()))
        customer_of = {identity: merged.get(c, c) for identity, c in customer_of.items()}
        customers = set(customer_of.values())
        email: dict[int, str] = {}
        # The most recently added address wins.
        for customer_id, value in session.execute(
            select(Identity.customer_id, Identity.value)
            .where(Identity.kind == "email", Identity.customer_id.in_(customers))
            .order_by(Identity.first_seen_at, Identity.id)
        ):
            email[customer_id] = value
        earliest = min(found.occurred_at for found in events)
        longest = max(timedelta(days=usable.trigger.fatigue_days) for usable in triggers)
        sends: dict[int, list[datetime]] = {}
        for invited, send_at in session.execute(
            select(Invitation.customer_id, Invitation.send_at).where(
                Invitation.customer_id.in_(customers),
                Invitation.status != "failed",
                Invitation.send_at > earliest - longest,
            )
        ):
            if invited is not None:
                sends.setdefault(invited, []).append(send_at)
        evaluated = {
            (int(trigger_id), int(event_id))
            for trigger_id, event_id in session.execute(
                select(Invitation.trigger_id, Invitation.event_id).where(
                    Invitation.event_id.in_([found.id for found in events]),
                    Invitation.trigger_id.in_([usable.trigger.id for usable in triggers]),
                )
            )
            if trigger_id is not None and event_id is not None
        }
        return cls(customer_of, traits, email, sends, evaluated)

    @staticmethod
    def _customers(
        session: Session, customer_ids: set[int]
    ) -> tuple[dict[int, dict[str, Any]], dict[int, int]]:
        """Traits by customer, and where merged customers went (followed to the end)."""
        traits: dict[int, dict[str, Any]] = {}
        merged: dict[int, int] = {}
        wanted = set(customer_ids)
        while wanted:
            rows = session.execute(
                select(Customer.id, Customer.traits, Customer.merged_into_id).where(
                    Customer.id.in_(wanted)
                )
            )
            wanted = set()
            for customer_id, customer_traits, merged_into in rows:
                traits[customer_id] = dict(customer_traits or {})
                if merged_into is not None:
                    merged[customer_id] = merged_into
                    if merged_into not in traits:
                        wanted.add(merged_into)
        for start in list(merged):
            end = merged[start]
            while end in merged and merged[end] != start:
                end = merged[end]
            merged[start] = end
        return traits, merged

    def tired(self, customer_id: int, send_at: datetime, window: timedelta) -> bool:
        return any(abs(other - send_at) < window for other in self.sends.get(customer_id, []))

    def invited(self, invitation: Invitation) -> None:
        assert invitation.customer_id is not None
        self.sends.setdefault(invitation.customer_id, []).append(invitation.send_at)
        assert invitation.trigger_id is not None
        assert invitation.event_id is not None
        self.evaluated.add((invitation.trigger_id, invitation.event_id))
