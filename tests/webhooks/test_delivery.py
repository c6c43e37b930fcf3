"""Webhooks to a real local HTTP receiver: signed, retried with backoff, logged."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from kokemus.cases.tasks import evaluate_pending
from kokemus.store import Database
from kokemus.store.base import utcnow
from kokemus.webhooks import service
from kokemus.webhooks.delivery import MAX_ATTEMPTS, deliver_due
from kokemus.webhooks.models import WebhookDelivery, WebhookEndpoint
from kokemus.webhooks.signing import verify
from tests.cases.helpers import event, send_events
from tests.live_server import free_port
from tests.webhooks.receiver import Receiver, receiving


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as found:
        yield found


def add_endpoint(database: Database, name: str, url: str, **kwargs: object) -> str:
    with database.transaction() as session:
        return service.create_endpoint(session, name, url, **kwargs).secret  # type: ignore[arg-type]


def log(database: Database, name: str) -> list[dict[str, Any]]:
    with database.transaction() as session:
        return [
            service.delivery_view(d, service.attempts(session, d.id))
            for d in service.deliveries(session, name)
        ]


def test_a_failed_delivery_opens_a_case_and_tells_the_webhook(
    store: Database, receiver: Receiver
) -> None:
    secret = add_endpoint(store, "ops", receiver.url)
    send_events(store, event("Delivery Failed", "aino", order_id="A-9"))
    evaluate_pending(store, public_url="https://kokemus.example")
    receiver.answers = [500]
    now = utcnow()

    first = deliver_due(store, now)
    assert (first.delivered, first.retried) == (1, 1)
    [failed] = [d for d in log(store, "ops") if d["status"] == "pending"]
    assert failed["next_attempt_at"] == now + timedelta(seconds=30)
    assert deliver_due(store, now + timedelta(seconds=29)).delivered == 0
    assert deliver_due(store, now + timedelta(seconds=31)).delivered == 1

    types = sorted(orjson.loads(r.body)["type"] for r in receiver.received)
    assert types == ["alert.fired", "case.opened", "case.opened"]
    for request in receiver.received:
        verify([secret], request.headers, request.body, utcnow())
        assert request.headers["content-type"] == "application/json"
    retried = [r for r in receiver.received if orjson.loads(r.body)["type"] == "case.opened"]
    assert retried[0].headers["webhook-id"] == retried[1].headers["webhook-id"]
    body = orjson.loads(retried[1].body)
    assert body["data"]["case"]["owner_unit"] == "carrier"
    assert body["data"]["url"] == f"https://kokemus.example/cases/{body['data']['case']['id']}"
    assert "aino" not in retried[1].body.decode()  # no customer details leave
    logged = {d["event_type"]: d for d in log(store, "ops")}
    assert [a["status_code"] for a in logged["case.opened"]["log"]] == [500, 200]
    assert logged["case.opened"]["status"] == "delivered"


def test_slack_and_teams_bodies(store: Database, receiver: Receiver) -> None:
    add_endpoint(store, "slack", receiver.url, format_="slack", event_types=["case.opened"])
    add_endpoint(store, "teams", receiver.url, format_="teams", event_types=["case.opened"])
    send_events(store, event("Ticket Reopened", "ben"))
    evaluate_pending(store)
    assert deliver_due(store).delivered == 2
    bodies = [orjson.loads(r.body) for r in receiver.received]
    slack = next(b for b in bodies if "blocks" in b)
    teams = next(b for b in bodies if b.get("type") == "message")
    assert slack["text"].startswith("New case #")
    assert slack["blocks"][0]["type"] == "section"
    assert {"type": "mrkdwn", "text": "*Owner*\ncustomer-service"} in slack["blocks"][1]["fields"]
    card = teams["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard"
    facts = {f["title"]: f["value"] for f in card["content"]["body"][1]["facts"]}
    assert facts["Priority"] == "high"


def test_backoff_doubles_until_given_up(store: Database) -> None:
    dead = f"http://127.0.0.1:{free_port()}/nobody"
    add_endpoint(store, "gone", dead, event_types=["case.opened"])
    send_events(store, event("Ticket Reopened", "cai"))
    evaluate_pending(store)
    now = utcnow()
    waits = []
    for _ in range(MAX_ATTEMPTS):
        deliver_due(store, now)
        with store.transaction() as session:
            delivery = session.scalar(select(WebhookDelivery))
        assert delivery is not None
        waits.append(delivery.next_attempt_at - now)
        now = delivery.next_attempt_at
    assert [w.total_seconds() for w in waits[:4]] == [30, 60, 120, 240]
    [given_up] = log(store, "gone")
    assert given_up["status"] == "failed"
    assert given_up["attempts"] == MAX_ATTEMPTS
    assert "Connection refused" in str(given_up["last_error"]) or "URLError" in str(
        given_up["last_error"]
    )


def test_gone_disables_the_endpoint_and_retry_after_is_heeded(
    store: Database, receiver: Receiver
) -> None:
    add_endpoint(store, "busy", receiver.url, event_types=["case.opened"])
    send_events(store, event("Ticket Reopened", "dan"))
    evaluate_pending(store)
    receiver.answers, receiver.retry_after = [503, 410], "600"
    now = utcnow()
    deliver_due(store, now)
    with store.transaction() as session:
        delivery = session.scalar(select(WebhookDelivery))
    assert delivery is not None
    assert delivery.next_attempt_at == now + timedelta(seconds=600)
    deliver_due(store, now + timedelta(seconds=600))
    with store.transaction() as session:
        endpoint = session.scalar(select(WebhookEndpoint))
        delivery = session.scalar(select(WebhookDelivery))
    assert endpoint is not None
    assert delivery is not None
    assert (endpoint.active, delivery.status) == (False, "failed")
    assert endpoint.disabled_reason == "the receiver answered 410 Gone"
