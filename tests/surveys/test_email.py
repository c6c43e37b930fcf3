"""The email path end to end: events in, invitations out through a real SMTP server, the
link followed and answered through the real public pages."""

import base64
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi.testclient import TestClient
from sqlalchemy import select

from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.ingest.models import Event
from kokemus.journeys.models import Touchpoint, Unit
from kokemus.store import Database
from kokemus.surveys.invitations import MAX_ATTEMPTS
from kokemus.surveys.models import Invitation, Response
from kokemus.surveys.scheduler import run_due, start_scheduler
from tests.factories import add_source, load_default_journey, send
from tests.live_server import free_port
from tests.surveys.test_triggers import add_survey, add_trigger, delivered, identify

LINK = re.compile(r"http://testserver/i/[A-Za-z0-9_\-]+")


class Inbox:
    """An SMTP handler that keeps what it is sent, and refuses the addresses it is told to."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: dict[str, str] = {}

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def mail_settings(settings: Settings, inbox: tuple[Inbox, int]) -> Settings:
    return settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": inbox[1], "public_url": "http://testserver"}
    )


@pytest.fixture
def store(database: Database) -> Database:
    load_default_journey(database)
    return database


def basic(key: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


def body(message: EmailMessage, kind: str) -> str:
    part = message.get_body(preferencelist=(kind,))
    assert part is not None
    assert part.get_content_type() == f"text/{kind}"
    content = part.get_content()
    assert isinstance(content, str)
    return content


def link_in(message: EmailMessage) -> str:
    text_links = LINK.findall(body(message, "plain"))
    html_links = LINK.findall(body(message, "html"))
    assert text_links
    assert set(html_links) == set(text_links)
    return str(text_links[0]).removeprefix("http://testserver")


def invitation_of(database: Database, email: str) -> Invitation:
    with database.transaction() as session:
        found = session.scalar(select(Invitation).where(Invitation.email == email))
    assert found is not None
    return found


def test_events_to_mail_to_answers_then_one_reminder_for_the_rest(
    store: Database, mail_settings: Settings, inbox: tuple[Inbox, int]
) -> None:
    mailbox = inbox[0]
    now = datetime.now(UTC).replace(microsecond=0)
    key = add_source(store, "shop")
    survey = add_survey(store)
    add_trigger(store, survey, delay=timedelta(hours=1), quiet_hours=None, remind_after_days=3)
    events = [
        identify("anna", language="sv"),
        delivered("anna", now),
        delivered("ben", now),
        delivered("carl", now),
        delivered("dora", now, email=False),
    ]
    for message in events:
        message["timestamp"] = now.isoformat()

    with TestClient(create_app(mail_settings, store)) as client:
        accepted = client.post("/v1/batch", json={"batch": events}, headers=basic(key))
        assert accepted.json()["accepted"] == 5

        assert run_due(store, mail_settings, now + timedelta(minutes=30)).sent == 0
        assert mailbox.messages == []
        assert run_due(store, mail_settings, now + timedelta(hours=2)).sent == 3

        assert {m["To"] for m in mailbox.messages} == {
            "anna@example.fi",
            "ben@example.fi",
            "carl@example.fi",
        }
        [to_anna] = mailbox.to("anna@example.fi")
        assert to_anna["Subject"] == "delivery (sv)"
        assert to_anna["Content-Language"] == "sv"
        assert "Svara på enkäten" in body(to_anna, "html")
        assert "Vill du berätta" in body(to_anna, "plain")
        [to_ben] = mailbox.to("ben@example.fi")
        assert to_ben["Subject"] == "delivery (fi)"
        assert "Vastaa kyselyyn" in body(to_ben, "html")

        anna_link = link_in(to_anna)
        page = client.get(anna_link)
        assert page.status_code == 200
        assert 'lang="sv"' in page.text
        answered = client.post(
            anna_link, data={"p": "0", "lang": "sv", "q.stars": "4"}, follow_redirects=False
        )
        assert answered.status_code == 303
        assert client.get(anna_link).status_code == 409  # one response per link

        anna = invitation_of(store, "anna@example.fi")
        assert anna.status == "responded"
        with store.transaction() as session:
            response = session.scalar(select(Response).where(Response.invitation_id == anna.id))
            event = session.get(Event, anna.event_id or 0)
            touchpoint = session.scalar(select(Touchpoint).where(Touchpoint.key == "home-delivery"))
            carrier = session.scalar(select(Unit.id).where(Unit.key == "carrier"))
        assert response is not None
        assert event is not None
        assert touchpoint is not None
        assert response.complete
        assert response.answers == {"stars": 4}
        assert response.customer_id == anna.customer_id is not None
        assert response.event_id == event.id
        assert event.message_id == "delivered-anna-0"
        assert response.touchpoint_id == touchpoint.id
        assert response.unit_id == carrier
        assert response.language == "sv"

        ben_first_link = link_in(to_ben)
        assert run_due(store, mail_settings, now + timedelta(days=3)).reminded == 0
        reminders = run_due(store, mail_settings, now + timedelta(days=3, hours=2))
        assert (reminders.sent, reminders.reminded) == (0, 2)
        assert len(mailbox.to("anna@example.fi")) == 1
        [_, reminder] = mailbox.to("ben@example.fi")
        assert reminder["Subject"] == "Muistutus: delivery (fi)"
        assert len(mailbox.to("carl@example.fi")) == 2

        # The reminder's fresh link works, and so does the first message's: both lead to
        # the same invitation, and a link that leads nowhere still does not.
        assert client.get(link_in(reminder)).status_code == 200
        assert client.get(ben_first_link).status_code == 200
        assert client.get(ben_first_link + "x").status_code == 404
        assert invitation_of(store, "ben@example.fi").status == "reminded"

        # One reminder only.
        later = run_due(store, mail_settings, now + timedelta(days=30))
        assert (later.sent, later.reminded) == (0, 0)
        assert len(mailbox.messages) == 5


def test_a_refused_address_fails_alone(
    store: Database, mail_settings: Settings, inbox: tuple[Inbox, int]
) -> None:
    mailbox = inbox[0]
    now = datetime.now(UTC)
    add_source(store, "shop")
    add_trigger(store, add_survey(store), quiet_hours=None)
    send(store, [delivered(p, now) for p in ("anna", "ben", "carl", "dora")], source="shop")
    mailbox.refuse["ben@example.fi"] = "550 5.1.1 no such user"
    mailbox.refuse["carl@example.fi"] = "451 4.3.0 try again later"

    first = run_due(store, mail_settings, now + timedelta(minutes=1))

    assert (first.sent, first.failed, first.retried) == (2, 1, 1)
    assert {m["To"] for m in mailbox.messages} == {"anna@example.fi", "dora@example.fi"}
    ben = invitation_of(store, "ben@example.fi")
    assert (ben.status, ben.attempts) == ("failed", 1)
    assert ben.last_error is not None
    assert "550" in ben.last_error
    carl = invitation_of(store, "carl@example.fi")
    assert (carl.status, carl.attempts) == ("scheduled", 1)
    assert carl.send_at > now

    moment = now
    for _ in range(MAX_ATTEMPTS - 1):
        moment += timedelta(hours=2)
        run_due(store, mail_settings, moment)
    carl = invitation_of(store, "carl@example.fi")
    assert (carl.status, carl.attempts) == ("failed", MAX_ATTEMPTS)
    assert len(mailbox.messages) == 2


def test_while_the_server_is_down_nothing_is_lost(
    store: Database, mail_settings: Settings, inbox: tuple[Inbox, int]
) -> None:
    now = datetime.now(UTC)
    add_source(store, "shop")
    add_trigger(store, add_survey(store), quiet_hours=None)
    send(store, [delivered("anna", now), delivered("ben", now)], source="shop")
    down = mail_settings.model_copy(update={"smtp_port": free_port()})

    for hours in range(1, 10, 2):
        outage = run_due(store, down, now + timedelta(hours=hours))
        assert outage.retried == 2

    for email in ("anna@example.fi", "ben@example.fi"):
        invitation = invitation_of(store, email)
        assert (invitation.status, invitation.attempts) == ("scheduled", 0)
        assert invitation.last_error is not None
        assert "SMTP server" in invitation.last_error
    assert run_due(store, mail_settings, now + timedelta(hours=12)).sent == 2
    assert len(inbox[0].messages) == 2


def test_nothing_goes_out_in_quiet_hours(
    store: Database, mail_settings: Settings, inbox: tuple[Inbox, int]
) -> None:
    # Due at 20:00 in Helsinki, but the sender only runs at 23:00 (21:00 UTC).
    due = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
    survey = add_survey(store)
    trigger_id = add_trigger(store, survey, quiet_hours=("21:00", "08:00"))
    with store.write_transaction() as session:
        session.add(
            Invitation(
                survey_id=survey.id,
                token_hash="0" * 64,
                email="anna@example.fi",
                language="en",
                trigger_id=trigger_id,
                send_at=due,
            )
        )

    late = run_due(store, mail_settings, datetime(2026, 11, 30, 21, 0, tzinfo=UTC))

    assert (late.sent, late.postponed) == (0, 1)
    assert invitation_of(store, "anna@example.fi").send_at == datetime(
        2026, 12, 1, 6, 0, tzinfo=UTC
    )
    assert run_due(store, mail_settings, datetime(2026, 12, 1, 6, 0, tzinfo=UTC)).sent == 1
    [message] = inbox[0].messages
    assert message["Subject"] == "delivery (en)"


def test_the_scheduler_sends_on_its_own(
    store: Database, mail_settings: Settings, inbox: tuple[Inbox, int]
) -> None:
    add_source(store, "shop")
    add_trigger(store, add_survey(store), quiet_hours=None)
    send(store, [delivered("anna", datetime.now(UTC))], source="shop")

    scheduler = start_scheduler(store, mail_settings, interval_seconds=0.2)
    try:
        deadline = time.monotonic() + 10
        while not inbox[0].messages and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.shutdown()

    assert [m["To"] for m in inbox[0].messages] == ["anna@example.fi"]
    assert invitation_of(store, "anna@example.fi").status == "sent"
