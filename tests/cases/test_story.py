"""Seed 000's damaged delivery, end to end: the carrier finds the cause, the customer is
told what happened and why and is compensated, the follow-up survey is answered and the
recovery counted; a second claim to the same address is flagged with its reason."""

import re
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from kokemus.app import create_app
from kokemus.cases.models import Case, CaseClaim
from kokemus.cases.tasks import run_once
from kokemus.config import Settings
from kokemus.ingest.models import Event
from kokemus.store import Database
from kokemus.surveys.models import Invitation
from kokemus.surveys.scheduler import run_due
from tests.accounts.helpers import add_user
from tests.cases.helpers import NOW, ago, event, respond, send_events
from tests.factories import add_token
from tests.surveys.test_email import Inbox, link_in
from tests.web.helpers import csrf_of, sign_in

ADDRESS = "Kotikatu 1 A 2, 00100 Helsinki"


class Person:
    """A signed-in user of the JSON API: the session cookie, and its CSRF token on writes."""

    def __init__(self, client: TestClient, email: str) -> None:
        assert sign_in(client, email).status_code == 303
        self.client = client
        self.csrf = csrf_of(client.get("/account/password"))

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1/cases{path}")

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            f"/api/v1/cases{path}", json=body, headers={"X-CSRF-Token": self.csrf}
        )


def delivered_order(
    database: Database, person: str, order: str, address: str, *, n: int = 0
) -> int:
    send_events(
        database,
        event("Order Completed", person, at=ago(days=4), n=n, order_id=order, total=249.0,
              currency="EUR", shipping_address=address, payment_fingerprint=f"card-{person}"),
        event("Order Delivered", person, at=ago(hours=5), n=n, order_id=order),
    )  # fmt: skip
    with database.transaction() as session:
        found = session.scalar(
            select(Event.id).where(Event.message_id == f"Order Delivered-{person}-{n}")
        )
    assert found is not None
    return found


def answer_follow_up(client: TestClient, link: str) -> None:
    """Answer the first page; the pages after it (shown: a comment) are left empty."""
    answers = {"q.resolved": "yes", "q.treatment": "5", "q.effort": "6"}
    for page in range(5):
        posted = client.post(
            link, data={"p": str(page), "lang": "fi", **answers}, follow_redirects=False
        )
        if posted.status_code == 303:
            return
        assert posted.status_code == 200, posted.text
        answers = {}
    raise AssertionError("the survey did not finish")


def test_the_damaged_delivery(
    store: Database, mail_settings: Settings, inbox: tuple[Inbox, int]
) -> None:
    add_user(store, "kuski@carrier.fi", role="partner", units=["carrier"])
    add_user(store, "asta@kauppa.fi", role="frontline", units=["logistics"])
    admin = add_token(store, "ops", scope="admin")
    delivery = delivered_order(store, "aino", "A-100", ADDRESS)
    send_events(store, event("Ticket Reopened", "ben"))  # someone else's case, not the carrier's
    respond(store, "aino", {"delivery-stars": 2, "improve": "Tuoli tuli rikki"}, event_id=delivery)
    run_once(store, mail_settings)

    with store.transaction() as session:
        case = session.scalar(select(Case).where(Case.rule_key == "damaged-delivery"))
        other = session.scalar(select(Case).where(Case.rule_key == "ticket-reopened"))
    assert case is not None
    assert other is not None

    with TestClient(create_app(mail_settings, store)) as client:
        staff = Person(client, "asta@kauppa.fi")
        shown = staff.get(f"/{case.id}").json()
        assert (shown["owner_unit"], shown["status"], shown["priority"]) == (
            "carrier",
            "new",
            "high",
        )
        assert shown["claim"]["order"] == "A-100"
        assert shown["claim"]["risk"]["level"] == "low"
        assert (
            staff.post(f"/{case.id}/transitions", {"to": "waiting_partner"}).json()["waiting_unit"]
            == "carrier"
        )
        client.cookies.clear()

        # The carrier's user sees that case only, and only what it needs to act.
        carrier = Person(client, "kuski@carrier.fi")
        listed = carrier.get("").json()["cases"]
        assert [c["id"] for c in listed] == [case.id]
        seen = carrier.get(f"/{case.id}").json()
        assert seen["order"] == "A-100"
        [words] = seen["feedback"]
        assert words["text"] == "Tuoli tuli rikki"
        assert "delivery_damage" in words["themes"]
        for private in ("customer_id", "claim", "contacts", "signals", "resolution", "assignee"):
            assert private not in seen
        assert "aino" not in str(seen)
        assert carrier.get(f"/{other.id}").status_code == 404
        assert carrier.get("/recovery").status_code == 403
        cause = {"key": "carrier_handling", "note": "Paketti pudotettiin lastauksessa"}
        assert carrier.post(f"/{case.id}/root-cause", cause).status_code == 200
        refused = carrier.post(f"/{case.id}/resolution", {"kind": "apology"})
        assert refused.status_code == 403
        assert carrier.post(f"/{case.id}/transitions", {"to": "investigating"}).status_code == 200
        assert carrier.get(f"/{case.id}").json()["allowed_transitions"] == []  # handed back
        client.cookies.clear()

        staff = Person(client, "asta@kauppa.fi")
        early = staff.post(f"/{case.id}/transitions", {"to": "resolved"})
        assert (early.status_code, early.json()["field"]) == (409, "resolution")
        told = {
            "channel": "phone",
            "what_happened": "Kuljetusliike pudotti paketin lastauksessa ja tuolin jalka murtui.",
            "why": "Lastaus tehtiin kiireessä; kuljetusliike on ohjeistanut kuljettajat uudelleen.",
        }
        assert staff.post(f"/{case.id}/contacts", told).status_code == 201
        assert staff.post(f"/{case.id}/transitions", {"to": "customer_informed"}).status_code == 200
        paid = {
            "kind": "compensation",
            "amount": "50.00",
            "currency": "EUR",
            "note": "Hyvitys ja uusi jalka",
        }
        assert staff.post(f"/{case.id}/resolution", paid).status_code == 200
        resolved = staff.post(f"/{case.id}/transitions", {"to": "resolved"}).json()
        assert resolved["root_cause"]["key"] == "carrier_handling"
        assert resolved["resolution"]["compensation"] == {"amount": "50.00", "currency": "EUR"}
        assert resolved["contacts"][0]["why"].startswith("Lastaus")
        assert resolved["follow_up"]["invitation_status"] == "scheduled"
        kinds = [entry["kind"] for entry in resolved["timeline"]]
        assert kinds[0] == "opened"
        assert {"claim", "status", "root_cause", "contact", "resolution", "follow_up"} <= set(kinds)

        # The follow-up goes out a day later through the real SMTP server, and is answered.
        assert run_due(store, mail_settings, NOW + timedelta(days=1, hours=1)).sent == 1
        [letter] = inbox[0].to("aino@example.fi")
        client.cookies.clear()
        answer_follow_up(client, link_in(letter))
        with store.transaction() as session:
            invitation = session.get(Invitation, resolved["follow_up"]["invitation_id"])
        assert invitation is not None
        assert invitation.status == "responded"

        headers = {"Authorization": f"Bearer {admin}"}
        closed = client.post(
            f"/api/v1/cases/{case.id}/transitions", json={"to": "closed"}, headers=headers
        )
        assert closed.json()["status"] == "closed"
        recovered = client.get("/api/v1/cases/recovery", headers=headers).json()
        assert (recovered["resolved_customers"], recovered["n"], recovered["recovered"]) == (
            1,
            1,
            1,
        )
        assert recovered["share"] == 1.0
        assert recovered["interval_95"][0] < 1.0

        # Another customer claims damage for an order to the same address, written otherwise.
        delivered_order(store, "bea", "A-200", "kotikatu 1 a 2 00100 HELSINKI", n=1)
        send_events(store, event("Delivery Damaged", "bea", at=ago(minutes=10), order_id="A-200"))
        run_once(store, mail_settings)
        with store.transaction() as session:
            second = session.scalar(select(CaseClaim).where(CaseClaim.order_ref == "A-200"))
        assert second is not None
        second_case = client.get(f"/api/v1/cases/{second.case_id}", headers=headers).json()
        risk = second_case["claim"]["risk"]
        assert risk["level"] == "medium"
        [reason] = risk["reasons"]
        assert (reason["signal"], reason["cases"]) == ("same_address", [case.id])
        assert "same address" in reason["detail"]
        assert second_case["status"] == "new"  # flagged for a person; nothing denied
        assert re.search(r"never decides", risk["note"])
