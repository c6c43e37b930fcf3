"""GET /api/v1/metrics/{metric} on hand-counted responses, and `kokemus metrics show`."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from kokemus.app import create_app
from kokemus.cli.main import cli
from kokemus.config import Settings
from kokemus.store import Database
from kokemus.surveys.definition import SurveyDefinition
from kokemus.surveys.external import ResponseIn, accept_response
from tests.factories import add_token, load_default_journey
from tests.surveys.helpers import publish


def texts(value: str) -> dict[str, str]:
    return {"fi": value, "en": value}


def survey(key: str, kind: str, question_type: str) -> SurveyDefinition:
    return SurveyDefinition.model_validate(
        {
            "key": key,
            "kind": kind,
            "languages": ["fi", "en"],
            "title": texts(key),
            "touchpoint": "home-delivery" if kind == "customer" else None,
            "questions": [{"key": "score", "type": question_type, "text": texts("Score?")}],
        }
    )


def answer(database: Database, key: str, score: int, when: datetime, unit: str) -> None:
    accept_response(
        database,
        key,
        ResponseIn(answers={"score": score}, language="fi", unit=unit, submitted_at=when),
    )


OCTOBER = datetime(2026, 10, 10, 9, tzinfo=UTC)
SEPTEMBER = datetime(2026, 9, 10, 9, tzinfo=UTC)


@pytest.fixture
def store(database: Database) -> Database:
    load_default_journey(database)
    publish(database, survey("delivery", "customer", "nps"))
    publish(database, survey("pulse", "employee", "nps"))
    # October: promoters 10, 9, 9; passive 8; detractors 3, 0 -> NPS (3 - 2) / 6 = 16.7
    for score in (10, 9, 9, 8, 3, 0):
        answer(database, "delivery", score, OCTOBER, "carrier")
    # September: 10, 2, 1, 0 -> (1 - 3) / 4 = -50
    for score in (10, 2, 1, 0):
        answer(database, "delivery", score, SEPTEMBER, "store")
    # Employees: 6 in the store, 2 at the carrier.
    for score in (10, 10, 9, 7, 6, 5):
        answer(database, "pulse", score, OCTOBER, "store")
    for score in (10, 0):
        answer(database, "pulse", score, OCTOBER, "carrier")
    return database


@pytest.fixture
def client(store: Database, database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=database_url), store)) as client:
        client.headers["Authorization"] = f"Bearer {add_token(store, 'reader', scope='read')}"
        yield client


def get(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_nps_by_month_with_counts_and_intervals(client: TestClient) -> None:
    body = get(
        client,
        "/api/v1/metrics/nps",
        group_by="month",
        **{"from": "2026-09-01", "to": "2026-10-31"},
    )
    assert body["source"] == "rollups"
    by_month = {group["key"]["month"]: group for group in body["groups"]}
    assert by_month["2026-10"]["n"] == 6
    assert by_month["2026-10"]["value"] == pytest.approx(100 / 6)
    assert by_month["2026-09"]["value"] == pytest.approx(-50)
    assert (
        by_month["2026-10"]["ci_low"]
        < by_month["2026-10"]["value"]
        < by_month["2026-10"]["ci_high"]
    )
    # Total: promoters 4, detractors 5 of 10.
    assert body["total"]["n"] == 10
    assert body["total"]["value"] == pytest.approx(-10)
    assert body["total"]["shares"]["promoters"] == pytest.approx(40)


def test_comparison_with_the_previous_month(client: TestClient) -> None:
    body = get(
        client, "/api/v1/metrics/nps", compare="true", **{"from": "2026-10-01", "to": "2026-10-31"}
    )
    assert body["previous_range"] == {"from": "2026-09-01", "to": "2026-09-30"}
    total = body["total"]
    assert total["previous"]["value"] == pytest.approx(-50)
    assert total["change"]["delta"] == pytest.approx(100 / 6 + 50)
    assert 0 < total["change"]["p_value"] < 1


def test_employee_groups_under_the_threshold_are_withheld(client: TestClient) -> None:
    body = get(
        client,
        "/api/v1/metrics/enps",
        group_by="unit",
        **{"from": "2026-10-01", "to": "2026-10-31"},
    )
    assert body["kind"] == "employee"
    by_unit = {group["key"]["unit"]: group for group in body["groups"]}
    # The carrier's two are withheld, and so is logistics above it (the same two).
    for unit in ("carrier", "logistics"):
        assert by_unit[unit]["withheld"] is True
        assert by_unit[unit]["value"] is None
        assert by_unit[unit]["n"] is None
    # The company (8) minus the store (6) would reveal the carrier's two: the store is
    # withheld too, and the larger figure, the company's, is kept.
    assert by_unit["store"]["withheld"] is True
    assert by_unit["company"]["n"] == 8
    assert body["total"]["n"] == 8


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "month,colour"}, "group_by"),
        ({"group_by": "month,week"}, "group_by"),
        ({"unit": "nowhere"}, "unit"),
        ({"touchpoint": "nowhere"}, "touchpoint"),
        ({"from": "2026-10-01", "to": "2026-09-01"}, "to"),
        ({"attribute": "segment"}, "attribute"),
        ({"group_by": "attribute:bad name"}, "group_by"),
    ],
)
def test_bad_parameters_name_the_field(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    response = client.get("/api/v1/metrics/nps", params=params)
    assert response.status_code == 422, response.text
    assert field in response.text


def test_unknown_metric_and_missing_token(client: TestClient) -> None:
    assert client.get("/api/v1/metrics/happiness").status_code == 422
    assert client.get("/api/v1/metrics/nps", headers={"Authorization": ""}).status_code == 401


def test_cli_prints_the_same_breakdown(store: Database, database_url: str) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "--database-url",
            database_url,
            "metrics",
            "show",
            "nps",
            "--group-by",
            "month",
            "--from",
            "2026-10-01",
            "--to",
            "2026-10-31",
        ],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["groups"][0]["key"] == {"month": "2026-10"}
    assert body["groups"][0]["value"] == pytest.approx(100 / 6)
    rebuilt = CliRunner().invoke(cli, ["--database-url", database_url, "metrics", "rebuild"])
    assert rebuilt.exit_code == 0
    assert "Rollups rebuilt" in rebuilt.output
