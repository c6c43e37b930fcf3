"""The conditions and actions the shipped rules do not use, each on data that meets it
and data that does not."""

from datetime import datetime, timedelta

from sqlalchemy import select

from kokemus.cases.models import AlertRule
from kokemus.cases.notify import send_due
from kokemus.cases.rule_store import ensure_defaults
from kokemus.cases.tasks import evaluate_pending
from kokemus.config import Settings
from kokemus.store import Database
from kokemus.surveys.models import Invitation
from tests.cases.helpers import ago, event, firings, load_rules, respond, send_events
from tests.surveys.test_email import Inbox, body

ONLY = """
rules:
  - key: {key}
    name: Test
    signal: {signal}
    when: {when}
    actions: [{actions}]
"""


def only(
    database: Database,
    key: str,
    signal: str,
    when: str,
    actions: str = "{open_case: {reason: Test}}",
) -> None:
    """This rule alone: the shipped ones are turned off."""
    with database.write_transaction() as session:
        ensure_defaults(session)
        for rule in session.scalars(select(AlertRule)):
            rule.active = False
    load_rules(database, ONLY.format(key=key, signal=signal, when=when, actions=actions))


def fired(database: Database, now: datetime | None = None) -> list[str]:
    evaluate_pending(database, now=now)
    return [rule for rule, _ in firings(database)]


def test_choice_survey_and_touchpoint(store: Database) -> None:
    when = (
        "[{choice: {question: arrived-intact, any_of: [damaged]}},"
        " {survey: post-delivery}, {touchpoint: home-delivery}]"
    )
    only(store, "said-damaged", "response", when)
    respond(store, "aino", {"delivery-stars": 4, "arrived-intact": "damaged"})
    respond(store, "ben", {"delivery-stars": 4, "arrived-intact": "intact"})
    assert fired(store) == ["said-damaged"]


def test_score_by_question_and_at_least(store: Database) -> None:
    only(store, "delighted", "response", "[{score: {question: delivery-stars, at_least: 5}}]")
    respond(store, "cai", {"delivery-stars": 5})
    respond(store, "dan", {"delivery-stars": 4})
    assert fired(store) == ["delighted"]


def test_sentiment_alone(store: Database) -> None:
    only(store, "unhappy-words", "response", "[{sentiment: negative}]")
    respond(store, "eve", {"delivery-stars": 4, "improve": "Kuljettaja oli tosi töykeä ja huono"})
    respond(store, "fay", {"delivery-stars": 4, "improve": "Kiitos, kaikki meni hienosti"})
    assert fired(store) == ["unhappy-words"]


def test_event_property(store: Database) -> None:
    only(
        store,
        "vip-failed",
        "event",
        "[{event: Delivery Failed}, {property: {name: customer.tier, any_of: [gold]}}]",
    )
    send_events(
        store,
        event("Delivery Failed", "gus", customer={"tier": "gold"}),
        event("Delivery Failed", "hal", customer={"tier": "basic"}),
    )
    assert fired(store) == ["vip-failed"]


def test_history_of_events_and_of_cases(store: Database) -> None:
    when = (
        "[{event: Delivery Failed},"
        " {history: {of: events, events: [Delivery Failed], within_days: 30}}]"
    )
    only(store, "failed-again", "event", when)
    send_events(
        store,
        event("Delivery Failed", "ida", at=ago(days=10)),
        event("Delivery Failed", "ida", at=ago(hours=3), n=1),
        event("Delivery Failed", "jon", at=ago(hours=3)),
    )
    assert fired(store, now=ago(hours=1)) == ["failed-again"]  # ida's case, an hour ago

    only(
        store,
        "after-a-case",
        "event",
        "[{event: Ticket Created}, {history: {of: cases, within_days: 30}}]",
    )
    soon = ago(minutes=30)
    send_events(
        store, event("Ticket Created", "ida", at=soon), event("Ticket Created", "kai", at=soon)
    )
    assert fired(store)[-1:] == ["after-a-case"]
    assert fired(store).count("after-a-case") == 1


def test_notify_by_email_through_smtp(
    store: Database, mail_settings: Settings, inbox: tuple[Inbox, int]
) -> None:
    only(
        store,
        "tell-ops",
        "event",
        "[{event: Delivery Failed}]",
        "{open_case: {reason: Failed}}, {notify_email: {to: [ops@example.fi]}}",
    )
    send_events(store, event("Delivery Failed", "lea"), event("Order Delivered", "mia"))
    evaluate_pending(store, public_url="http://testserver")
    assert send_due(store, mail_settings) == 1
    [message] = inbox[0].to("ops@example.fi")
    assert message["Subject"] == "[Kokemus] Test: case #1"
    assert "http://testserver/cases/1" in body(message, "plain")
    assert send_due(store, mail_settings) == 0


def test_invite_a_follow_up_survey(store: Database) -> None:
    only(
        store,
        "ask-again",
        "event",
        "[{event: Ticket Solved}]",
        "{invite_survey: {survey: complaint-follow-up, after: 2h}}",
    )
    send_events(store, event("Ticket Solved", "noa"))
    assert fired(store) == ["ask-again"]
    with store.transaction() as session:
        invitation = session.scalar(select(Invitation))
    assert invitation is not None
    assert invitation.email == "noa@example.fi"
    assert timedelta(minutes=119) < invitation.send_at - invitation.created_at <= timedelta(hours=2)
