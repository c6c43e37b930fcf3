from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from kokemus.customers.models import Identity
from kokemus.errors import InvalidInput
from kokemus.ingest.group_writer import GroupWriter
from kokemus.ingest.messages import ParseOptions
from kokemus.ingest.service import parse_all
from kokemus.ingest.sources import source_ids_by_name
from kokemus.journeys.models import Touchpoint, Unit
from kokemus.store import Database
from kokemus.surveys.definition import SurveyDefinition
from kokemus.surveys.invitations import after_quiet_hours
from kokemus.surveys.models import Invitation, Survey
from kokemus.surveys.service import close, create_survey, publish
from kokemus.surveys.triggers import (
    TriggerReport,
    create_trigger,
    disable_trigger,
    evaluate_events,
    list_triggers,
    sampled,
)
from tests.factories import add_source, load_default_journey, send, track

HELSINKI = ZoneInfo("Europe/Helsinki")
# Noon in Helsinki (UTC+2 in November): outside the default quiet hours.
NOW = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)


def definition(
    key: str = "delivery", *, kind: str = "customer", languages: Sequence[str] = ("fi", "sv", "en")
) -> SurveyDefinition:
    texts = {language: f"{key} ({language})" for language in languages}
    return SurveyDefinition.model_validate(
        {
            "key": key,
            "kind": kind,
            "languages": list(languages),
            "title": texts,
            "touchpoint": "home-delivery",
            "questions": [{"key": "stars", "type": "rating", "required": True, "text": texts}],
        }
    )


def add_survey(database: Database, key: str = "delivery", **kwargs: Any) -> Survey:
    with database.transaction() as session:
        survey = create_survey(session, definition(key, **kwargs))
        publish(session, survey)
        return survey


def add_trigger(database: Database, survey: Survey, **kwargs: Any) -> int:
    kwargs.setdefault("touchpoint", "home-delivery")
    with database.transaction() as session:
        return create_trigger(session, survey, **kwargs).id


@pytest.fixture
def store(database: Database) -> Database:
    load_default_journey(database)
    add_source(database, "shop")
    return database


def at(moment: datetime) -> str:
    return moment.isoformat()


def delivered(
    person: str, moment: datetime = NOW - timedelta(hours=1), *, email: bool = True, n: int = 0
) -> dict[str, Any]:
    return track(
        "Order Delivered",
        message_id=f"delivered-{person}-{n}",
        user_id=person,
        email=f"{person}@example.fi" if email else None,
        timestamp=at(moment),
    )


def identify(person: str, **traits: Any) -> dict[str, Any]:
    return {
        "type": "identify",
        "userId": person,
        "messageId": f"identify-{person}",
        "timestamp": at(NOW - timedelta(days=1)),
        "traits": traits,
    }


def stored(database: Database, messages: list[dict[str, Any]]) -> range:
    report = send(database, messages, source="shop")
    assert report.accepted == len(messages)
    return report.new_events


def evaluate(database: Database, events: range, now: datetime = NOW) -> TriggerReport:
    with database.write_transaction() as session:
        return evaluate_events(session, events, now=now, timezone="Europe/Helsinki")


def invitations(database: Database) -> list[Invitation]:
    with database.transaction() as session:
        return list(session.scalars(select(Invitation).order_by(Invitation.id)))


def invited_emails(database: Database) -> set[str | None]:
    return {invitation.email for invitation in invitations(database)}


def test_a_matching_event_makes_one_invitation_with_its_origin(store: Database) -> None:
    survey = add_survey(store)
    events = stored(store, [delivered("anna"), delivered("ben", email=False), identify("anna")])
    other = stored(
        store, [track("Product Viewed", message_id="v1", user_id="carl", email="carl@example.fi")]
    )
    trigger_id = add_trigger(store, survey, delay=timedelta(hours=2))

    report = evaluate(store, range(events.start, other.stop))

    assert report.invited == 1
    assert report.skipped["no_email"] == 1
    [invitation] = invitations(store)
    with store.transaction() as session:
        anna = session.scalar(select(Identity).where(Identity.value == "anna@example.fi"))
        touchpoint = session.scalar(select(Touchpoint).where(Touchpoint.key == "home-delivery"))
        carrier = session.scalar(select(Unit.id).where(Unit.key == "carrier"))
    assert anna is not None
    assert touchpoint is not None
    assert invitation.survey_id == survey.id
    assert invitation.trigger_id == trigger_id
    assert invitation.customer_id == anna.customer_id
    assert invitation.email == "anna@example.fi"
    assert invitation.event_id == events.start
    assert invitation.touchpoint_id == touchpoint.id
    assert invitation.unit_id == carrier
    assert invitation.status == "scheduled"
    assert invitation.language == "fi"
    assert invitation.send_at == NOW + timedelta(hours=1)
    assert invitation.remind_at == NOW + timedelta(days=3, hours=1)
    assert len(invitation.token_hash) == 64


def test_evaluating_again_changes_nothing(store: Database) -> None:
    survey = add_survey(store)
    events = stored(store, [delivered("anna"), delivered("ben")])
    add_trigger(store, survey)

    first = evaluate(store, events)
    again = evaluate(store, events)

    assert (first.invited, first.existing) == (2, 0)
    assert (again.invited, again.existing) == (0, 2)
    assert len(invitations(store)) == 2


def test_an_event_name_trigger_matches_that_name_only(store: Database) -> None:
    survey = add_survey(store)
    events = stored(
        store,
        [
            track("Order Completed", message_id="o1", user_id="anna", email="anna@example.fi"),
            delivered("ben"),
        ],
    )
    add_trigger(store, survey, touchpoint=None, event_name="Order Completed")

    # The default timestamp of `track` is weeks old: evaluate as of just after it.
    evaluate(store, events, now=datetime(2026, 10, 1, 9, 30, tzinfo=UTC))

    assert invited_emails(store) == {"anna@example.fi"}


def test_events_too_old_for_their_invitation_are_not_invited(store: Database) -> None:
    survey = add_survey(store)
    events = stored(store, [delivered("anna", NOW - timedelta(days=5)), delivered("ben")])
    add_trigger(store, survey)

    report = evaluate(store, events)

    assert report.skipped["too_late"] == 1
    assert invited_emails(store) == {"ben@example.fi"}


# --- sampling ----------------------------------------------------------------------------


def people(count: int) -> list[dict[str, Any]]:
    return [delivered(f"p{n}") for n in range(count)]


@pytest.mark.parametrize(("percent", "expected"), [(0, 0), (100, 40)])
def test_sampling_none_or_all(store: Database, percent: float, expected: int) -> None:
    survey = add_survey(store)
    events = stored(store, people(40))
    add_trigger(store, survey, sample_percent=percent)

    report = evaluate(store, events)

    assert report.invited == expected
    assert report.skipped["not_sampled"] == 40 - expected


def test_sampling_half_is_about_half_and_the_same_every_time(store: Database) -> None:
    survey = add_survey(store)
    events = stored(store, people(200))
    trigger_id = add_trigger(store, survey, sample_percent=50)

    evaluate(store, events)
    chosen = {invitation.event_id for invitation in invitations(store)}

    assert 70 <= len(chosen) <= 130
    assert chosen == {event for event in events if sampled(trigger_id, event, 50)}
    assert [sampled(trigger_id, event, 50) for event in events] == [
        sampled(trigger_id, event, 50) for event in events
    ]
    # Another trigger draws another sample.
    assert chosen != {event for event in events if sampled(trigger_id + 1, event, 50)}


# --- fatigue -----------------------------------------------------------------------------


def test_fatigue_spans_every_survey(store: Database) -> None:
    orders = add_survey(store, "orders")
    deliveries = add_survey(store, "deliveries")
    add_trigger(store, orders, touchpoint=None, event_name="Order Completed")
    for person, days_ago in (("anna", 10), ("ben", 40)):
        moment = NOW - timedelta(days=days_ago)
        order = track(
            "Order Completed",
            message_id=f"o-{person}",
            user_id=person,
            email=f"{person}@example.fi",
            timestamp=at(moment),
        )
        evaluate(store, stored(store, [order]), now=moment + timedelta(minutes=5))
    assert len(invitations(store)) == 2
    add_trigger(store, deliveries)

    report = evaluate(store, stored(store, [delivered("anna"), delivered("ben")]))

    assert report.invited == 1
    assert report.skipped["fatigue"] == 1
    [latest] = [i for i in invitations(store) if i.survey_id == deliveries.id]
    assert latest.email == "ben@example.fi"


def test_fatigue_within_one_batch_and_switched_off(store: Database) -> None:
    survey = add_survey(store)
    twice = [delivered("anna", n=1), delivered("anna", NOW - timedelta(minutes=30), n=2)]
    events = stored(store, twice)
    add_trigger(store, survey)

    assert evaluate(store, events).invited == 1

    with store.write_transaction() as session:
        for invitation in session.scalars(select(Invitation)):
            session.delete(invitation)
    add_trigger(store, survey, fatigue_days=0)
    assert evaluate(store, events).invited == 3  # the second trigger invites both events


# --- quiet hours -------------------------------------------------------------------------


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=HELSINKI)


@pytest.mark.parametrize(
    ("event_at", "delay", "send_at"),
    [
        (local(10, 11), timedelta(0), local(10, 11)),
        (local(10, 21, 30), timedelta(0), local(11, 8)),
        (local(10, 20, 30), timedelta(hours=1), local(11, 8)),
        (local(10, 7, 15), timedelta(0), local(10, 8)),
        (local(10, 20, 59), timedelta(0), local(10, 20, 59)),
    ],
)
def test_an_invitation_due_in_quiet_hours_waits_for_their_end(
    store: Database, event_at: datetime, delay: timedelta, send_at: datetime
) -> None:
    survey = add_survey(store)
    events = stored(store, [delivered("anna", event_at)])
    add_trigger(store, survey, delay=delay, remind_after_days=None)

    evaluate(store, events, now=event_at)

    [invitation] = invitations(store)
    assert invitation.send_at == send_at
    assert invitation.remind_at is None


def test_no_quiet_hours_and_daytime_quiet_hours(store: Database) -> None:
    night = local(10, 23)
    survey = add_survey(store)
    events = stored(store, [delivered("anna", night)])
    add_trigger(store, survey, quiet_hours=None)

    evaluate(store, events, now=night)

    assert [i.send_at for i in invitations(store)] == [night]
    lunch = ("11:30", "12:30")
    assert after_quiet_hours(local(10, 12), *lunch, HELSINKI) == local(10, 12, 30)
    assert after_quiet_hours(local(10, 12, 30), *lunch, HELSINKI) == local(10, 12, 30)
    # Summer time: 23:00 in Helsinki is 20:00 UTC; the end is 08:00 local, 05:00 UTC.
    summer = datetime(2026, 6, 10, 20, 0, tzinfo=UTC)
    assert after_quiet_hours(summer, "21:00", "08:00", HELSINKI) == datetime(
        2026, 6, 11, 5, 0, tzinfo=UTC
    )


def test_an_event_arriving_late_is_sent_from_now_not_from_the_past(store: Database) -> None:
    survey = add_survey(store)
    events = stored(store, [delivered("anna", NOW - timedelta(hours=5))])
    add_trigger(store, survey, delay=timedelta(hours=1))

    evaluate(store, events)

    assert [i.send_at for i in invitations(store)] == [NOW]


# --- consent, email, language ------------------------------------------------------------


@pytest.mark.parametrize(
    ("consent", "required", "invited"),
    [
        (None, False, True),
        (True, False, True),
        (False, False, False),
        ("false", False, False),
        (None, True, False),
        (False, True, False),
        (True, True, True),
        ("yes", True, True),
    ],
)
def test_consent(store: Database, consent: Any, required: bool, invited: bool) -> None:
    survey = add_survey(store)
    traits = {} if consent is None else {"survey_consent": consent}
    events = stored(store, [identify("anna", **traits), delivered("anna")])
    add_trigger(store, survey, require_consent=required)

    report = evaluate(store, events)

    assert report.invited == int(invited)
    assert report.skipped["no_consent"] == int(not invited)


def test_no_email_address_no_invitation(store: Database) -> None:
    survey = add_survey(store)
    events = stored(
        store,
        [
            delivered("anna", email=False),
            {
                "type": "track",
                "event": "Order Delivered",
                "anonymousId": "visitor-1",
                "messageId": "anonymous-delivery",
                "timestamp": at(NOW - timedelta(hours=1)),
            },
            delivered("ben"),
        ],
    )
    add_trigger(store, survey)

    report = evaluate(store, events)

    assert report.skipped["no_email"] == 2
    assert invited_emails(store) == {"ben@example.fi"}


@pytest.mark.parametrize(
    ("traits", "languages", "language"),
    [
        ({"language": "sv"}, ("fi", "sv", "en"), "sv"),
        ({"locale": "en-GB"}, ("fi", "sv", "en"), "en"),
        ({"locale": "de-DE"}, ("fi", "sv", "en"), "fi"),
        ({"language": "sv"}, ("en", "fi"), "en"),
        ({}, ("sv", "fi"), "sv"),
    ],
)
def test_language_from_the_customer_if_the_survey_has_it(
    store: Database, traits: dict[str, str], languages: tuple[str, ...], language: str
) -> None:
    survey = add_survey(store, languages=languages)
    events = stored(store, [identify("anna", **traits), delivered("anna")])
    add_trigger(store, survey)

    evaluate(store, events)

    assert [i.language for i in invitations(store)] == [language]


# --- which surveys -----------------------------------------------------------------------


def test_only_published_customer_surveys_are_triggered(store: Database) -> None:
    with store.transaction() as session:
        draft = create_survey(session, definition("draft"))
    closed = add_survey(store, "closed")
    add_trigger(store, draft)
    add_trigger(store, closed)
    with store.transaction() as session:
        close(session, session.get_one(Survey, closed.id))
    events = stored(store, [delivered("anna")])

    assert evaluate(store, events).invited == 0

    with store.transaction() as session:
        publish(session, session.get_one(Survey, draft.id))
    assert evaluate(store, events).invited == 1

    employees = add_survey(store, "pulse", kind="employee")
    with store.transaction() as session, pytest.raises(InvalidInput) as refused:
        create_trigger(session, employees, touchpoint="home-delivery")
    assert refused.value.field == "survey"


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({}, "event_name"),
        ({"event_name": "Order Delivered", "touchpoint": "home-delivery"}, "event_name"),
        ({"event_name": "x" * 201}, "event_name"),
        ({"touchpoint": "nowhere"}, "touchpoint"),
        ({"event_name": "A", "delay": timedelta(minutes=-1)}, "delay"),
        ({"event_name": "A", "delay": timedelta(days=91)}, "delay"),
        ({"event_name": "A", "sample_percent": 101}, "sample_percent"),
        ({"event_name": "A", "sample_percent": -1}, "sample_percent"),
        ({"event_name": "A", "fatigue_days": -1}, "fatigue_days"),
        ({"event_name": "A", "quiet_hours": ("25:00", "08:00")}, "quiet_hours"),
        ({"event_name": "A", "quiet_hours": ("21:00", "21:00")}, "quiet_hours"),
        ({"event_name": "A", "quiet_hours": ("9:00",)}, "quiet_hours"),
        ({"event_name": "A", "remind_after_days": 0}, "remind_after_days"),
    ],
)
def test_bad_trigger_settings_name_the_field(
    store: Database, arguments: dict[str, Any], field: str
) -> None:
    survey = add_survey(store)
    with store.transaction() as session, pytest.raises(InvalidInput) as refused:
        create_trigger(session, survey, **arguments)
    assert refused.value.field == field
    assert str(refused.value).startswith(f"{field}: ")


def test_list_and_disable(store: Database) -> None:
    survey = add_survey(store)
    other = add_survey(store, "other")
    first = add_trigger(store, survey)
    add_trigger(store, other, touchpoint=None, event_name="Order Completed")
    with store.transaction() as session:
        assert [t.id for t in list_triggers(session, survey)] == [first]
        assert len(list_triggers(session)) == 2
        disable_trigger(session, first)
    events = stored(store, [delivered("anna")])

    assert evaluate(store, events).invited == 0


# --- wired into intake -------------------------------------------------------------------


def test_intake_invites_as_events_arrive(store: Database) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    survey = add_survey(store)
    # No triggers yet: intake remembers there are none...
    stored(store, [delivered("early", now)])
    # ...and a trigger made here is seen by the very next batch.
    add_trigger(store, survey, quiet_hours=None, delay=timedelta(minutes=30))
    send(store, [delivered("anna", now), delivered("ben", now, email=False)], source="shop")

    [invitation] = invitations(store)
    assert invitation.email == "anna@example.fi"
    assert invitation.send_at == now + timedelta(minutes=30)


def test_the_group_writer_invites_after_its_commit(store: Database) -> None:
    now = datetime.now(UTC)
    survey = add_survey(store)
    add_trigger(store, survey, quiet_hours=None)
    with store.transaction() as session:
        sources = source_ids_by_name(session)
    options = ParseOptions(sources, sources["shop"], now)
    writer = GroupWriter(store)
    try:
        messages, rejected = parse_all(enumerate([delivered("anna", now)]), options)
        report = writer.store(messages, rejected, now)
    finally:
        writer.close()

    assert report.accepted == 1
    assert invited_emails(store) == {"anna@example.fi"}
