"""/api/v1/goals over HTTP: scopes, statuses, and bad input refused with the field named."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.store import Database
from tests.factories import add_token, load_default_journey
from tests.reports.helpers import add_survey, day, scores

GOAL = {
    "metric": "nps",
    "target": 40,
    "period_start": "2026-09-01",
    "period_end": "2026-09-30",
    "unit": "carrier",
}


@pytest.fixture
def client(database: Database, database_url: str) -> Iterator[TestClient]:
    load_default_journey(database)
    add_survey(database, "delivery", [("score", "nps")], touchpoint="home-delivery")
    # September at the carrier: 10, 10, 9, 8, 3 -> +40.
    scores(database, "delivery", [10, 10, 9, 8, 3], day(9, 10), unit="carrier")
    with TestClient(create_app(Settings(database_url=database_url), database)) as client:
        client.headers["Authorization"] = f"Bearer {add_token(database, 'w', scope='write')}"
        yield client


@pytest.fixture
def reader(database: Database) -> dict[str, str]:
    return {"Authorization": f"Bearer {add_token(database, 'r', scope='read')}"}


def created(client: TestClient, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/v1/goals", json={**GOAL, **changes})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_goal_with_its_status(client: TestClient, reader: dict[str, str]) -> None:
    body = created(client)
    assert body["status"] == "met"
    assert body["reason"] == "40.0 reached the target 40"
    assert body["current"]["n"] == 5
    assert body["current"]["value"] == pytest.approx(40)
    assert body["current"]["ci_low"] < 40 < body["current"]["ci_high"]
    assert (body["unit"], body["touchpoint"], body["period_end"]) == ("carrier", None, "2026-09-30")
    shown = client.get(f"/api/v1/goals/{body['id']}", headers=reader)
    assert shown.status_code == 200
    assert shown.json() == body


def test_list_filters(client: TestClient, reader: dict[str, str]) -> None:
    september = created(client)
    october = created(client, period_start="2026-10-01", period_end="2026-10-31", unit=None)
    listed = client.get("/api/v1/goals", headers=reader).json()
    assert [goal["id"] for goal in listed] == [september["id"], october["id"]]
    in_logistics = client.get("/api/v1/goals", params={"unit": "logistics"}).json()
    assert [goal["id"] for goal in in_logistics] == [september["id"]]
    in_october = client.get("/api/v1/goals", params={"from": "2026-10-15"}).json()
    assert [goal["id"] for goal in in_october] == [october["id"]]
    by_metric = client.get("/api/v1/goals", params={"metric": "csat"}).json()
    assert by_metric == []


def test_update_and_delete(client: TestClient) -> None:
    goal = created(client)
    changed = client.put(f"/api/v1/goals/{goal['id']}", json={**GOAL, "target": 41})
    assert changed.status_code == 200
    assert (changed.json()["target"], changed.json()["status"]) == (41, "missed")
    assert client.delete(f"/api/v1/goals/{goal['id']}").status_code == 204
    assert client.get(f"/api/v1/goals/{goal['id']}").status_code == 404
    assert client.delete(f"/api/v1/goals/{goal['id']}").status_code == 404
    assert client.put(f"/api/v1/goals/{goal['id']}", json=GOAL).status_code == 404


def test_a_second_goal_for_the_same_scope_conflicts(client: TestClient) -> None:
    first = created(client)
    again = client.post("/api/v1/goals", json={**GOAL, "target": 50})
    assert again.status_code == 409
    assert f"goal {first['id']} already" in again.json()["message"]


def test_reading_tokens_cannot_write(client: TestClient, reader: dict[str, str]) -> None:
    refused = client.post("/api/v1/goals", json=GOAL, headers=reader)
    assert refused.status_code == 403
    assert client.get("/api/v1/goals", headers={"Authorization": ""}).status_code == 401


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"metric": "nsp"}, "metric"),
        ({"target": "40"}, "target"),
        ({"target": 101}, "target"),
        ({"metric": "csat", "target": -1}, "target"),
        ({"period_start": "1.9.2026"}, "period_start"),
        ({"period_start": "2026-13-01"}, "period_start"),
        ({"period_end": "2026-08-31"}, "period_end"),
        ({"period_end": 20260930}, "period_end"),
        ({"unit": "moon"}, "unit"),
        ({"unit": 7}, "unit"),
        ({"touchpoint": "teleport"}, "touchpoint"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_names_the_field(client: TestClient, changes: dict[str, Any], field: str) -> None:
    response = client.post("/api/v1/goals", json={**GOAL, **changes})
    assert response.status_code == 422, response.text
    body = response.json()
    named = body.get("field") or body["problems"][0]["field"]
    assert named == field, body


def test_bad_query_and_path_values_are_named(client: TestClient) -> None:
    for params, field in (
        ({"from": "2026-02-30"}, "from"),
        ({"from": "2026-10-02", "to": "2026-10-01"}, "to"),
        ({"unit": "moon"}, "unit"),
        ({"metirc": "nps"}, "metirc"),
    ):
        response = client.get("/api/v1/goals", params=params)
        assert response.status_code == 422, params
        body = response.json()
        assert (body.get("field") or body["problems"][0]["field"]) == field
    assert client.get("/api/v1/goals/0").status_code == 422
    assert client.get(f"/api/v1/goals/{2**31}").status_code == 422
    assert client.get("/api/v1/goals/12").status_code == 404
