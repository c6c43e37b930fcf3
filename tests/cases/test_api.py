"""The cases API: tokens by scope, users by role and unit, errors that name the field."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kokemus.app import create_app
from kokemus.cases.tasks import evaluate_pending
from kokemus.config import Settings
from kokemus.store import Database
from tests.accounts.helpers import add_user
from tests.cases.helpers import event, send_events
from tests.cases.test_story import Person
from tests.factories import add_token


@pytest.fixture
def client(store: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store)) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_tokens_by_scope(store: Database, client: TestClient) -> None:
    read, write = add_token(store, "r", scope="read"), add_token(store, "w", scope="write")
    body = {
        "reason": "Asiakas soitti: väärä tuote",
        "priority": "high",
        "owner_unit": "customer-service",
    }
    assert client.post("/api/v1/cases", json=body).status_code == 401
    assert client.post("/api/v1/cases", json=body, headers=bearer(read)).status_code == 403
    made = client.post("/api/v1/cases", json=body, headers=bearer(write))
    assert made.status_code == 201
    case = made.json()
    assert (case["status"], case["owner_unit"], case["timeline"][0]["by"]) == (
        "new",
        "customer-service",
        "API token w",
    )
    listed = client.get("/api/v1/cases", headers=bearer(read)).json()["cases"]
    assert [c["id"] for c in listed] == [case["id"]]
    assert client.get("/api/v1/cases/99", headers=bearer(read)).status_code == 404


def test_errors_name_the_field(store: Database, client: TestClient) -> None:
    token = bearer(add_token(store, "w", scope="admin"))
    send_events(store, event("Ticket Reopened", "aino"))
    evaluate_pending(store)
    path = "/api/v1/cases/1"

    def post(suffix: str, body: object) -> tuple[int, str | None]:
        answer = client.post(path + suffix, json=body, headers=token)
        found = answer.json()
        return answer.status_code, found.get("field") or (found.get("problems") or [{}])[0].get(
            "field"
        )

    assert post("/transitions", {"to": "customer_informed"}) == (409, "contacts")
    assert post("/transitions", {"to": "closed"}) == (409, "note")
    assert post("/transitions", {"to": "waiting_partner"}) == (409, "waiting_unit")
    assert post("/transitions", {"to": "waiting_partner", "waiting_unit": "sales"}) == (
        422,
        "waiting_unit",
    )
    assert post("/transitions", {"to": "done"}) == (422, "to")
    assert post("/root-cause", {"key": "gremlins"}) == (422, "root_cause")
    assert post("/resolution", {"kind": "refund"}) == (422, "amount")
    assert post("/resolution", {"kind": "compensation", "amount": "1.234", "currency": "EUR"}) == (
        422,
        "amount",
    )
    assert (
        post("/resolution", {"kind": "compensation", "amount": "10", "currency": "JPY"})[0] == 200
    )
    assert post("/contacts", {"channel": "phone", "what_happened": "", "why": "x"}) == (
        422,
        "what_happened",
    )
    assert post(
        "/contacts",
        {
            "channel": "phone",
            "what_happened": "x",
            "why": "y",
            "contacted_at": "2026-01-01T10:00:00",
        },
    ) == (422, "contacted_at")
    assert (
        client.patch(path, json={"assignee": "nobody@example.fi"}, headers=token).json()["field"]
        == "assignee"
    )
    opened = client.post("/api/v1/cases", json={"reason": "x", "customer_id": 9999}, headers=token)
    assert (opened.status_code, opened.json()["field"]) == (422, "customer_id")


def test_rules_through_the_api(store: Database, client: TestClient) -> None:
    token = bearer(add_token(store, "a", scope="admin"))
    listed = client.get("/api/v1/alert-rules", headers=token).json()["rules"]
    assert "damaged-delivery" in [rule["key"] for rule in listed]
    rule = {
        "key": "vip-detractor",
        "name": "A detractor",
        "signal": "response",
        "when": [{"detractor": True}],
        "actions": [{"open_case": {"reason": "Detractor", "owner": "sales", "sla": "1d"}}],
    }
    made = client.post("/api/v1/alert-rules", json=rule, headers=token)
    assert made.status_code == 201
    assert made.json()["definition"]["when"] == [{"detractor": True}]
    assert client.post("/api/v1/alert-rules", json=rule, headers=token).status_code == 409
    bad = rule | {"key": "bad", "when": [{"score": {"type": "rating"}}]}
    refused = client.post("/api/v1/alert-rules", json=bad, headers=token)
    assert refused.status_code == 422
    assert refused.json()["field"] == "when[0].score"
    wrong = rule | {"key": "wrong", "actions": [{"open_case": {"reason": "x", "owner": "nowhere"}}]}
    assert (
        client.post("/api/v1/alert-rules", json=wrong, headers=token).json()["field"]
        == "rule.actions[0].open_case.owner"
    )
    off = client.post(
        "/api/v1/alert-rules/vip-detractor/activation", json={"active": False}, headers=token
    )
    assert off.json()["active"] is False


def test_users_by_role_and_csrf(store: Database, client: TestClient) -> None:
    add_user(store, "kuski@carrier.fi", role="partner", units=["carrier"])
    add_user(store, "anna@kauppa.fi", role="analyst")
    send_events(store, event("Delivery Failed", "aino"))
    evaluate_pending(store)
    carrier = Person(client, "kuski@carrier.fi")
    assert [c["id"] for c in carrier.get("").json()["cases"]] == [1]
    assert carrier.post("", {"reason": "x"}).status_code == 403
    no_csrf = client.post("/api/v1/cases/1/notes", json={"text": "hello"})
    assert no_csrf.status_code == 403
    assert carrier.post("/1/notes", {"text": "Kuljettaja soittaa asiakkaalle"}).status_code == 201
    client.cookies.clear()
    analyst = Person(client, "anna@kauppa.fi")
    shown = analyst.get("/1").json()
    assert shown["timeline"][-1]["kind"] == "partner_note"
    assert analyst.post("/1/notes", {"text": "x"}).status_code == 403
    assert analyst.get("/recovery").status_code == 200


def test_a_nul_character_is_refused_naming_the_field(store: Database, client: TestClient) -> None:
    token = bearer(add_token(store, "w", scope="admin"))
    refused = client.post("/api/v1/cases", json={"reason": "bad\u0000reason"}, headers=token)
    assert refused.status_code == 422
    assert "reason" in refused.json()["message"]
    nested = client.post(
        "/api/v1/cases", json={"reason": "ok", "claim": {"order": "\u0000"}}, headers=token
    )
    assert nested.status_code == 422
    assert "claim" in nested.json()["message"]
