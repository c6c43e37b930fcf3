"""The insights API and the `kokemus insights` commands on the same hand-made stores."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from kokemus.app import create_app
from kokemus.cli.main import cli
from kokemus.config import Settings
from kokemus.store import Database
from tests.factories import add_token, load_default_journey
from tests.insights.store_data import add_survey
from tests.insights.test_journeys import journey_store
from tests.insights.test_link import link_store
from tests.insights.test_moments_service import moments_store
from tests.insights.test_survey_drivers import event_store, relational_store

OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


@pytest.fixture
def client(database: Database, database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=database_url), database)) as client:
        client.headers["Authorization"] = f"Bearer {add_token(database, 'reader', scope='read')}"
        yield client


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def cli_json(database_url: str, *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["--database-url", database_url, "insights", *args])
    assert result.exit_code == 0, result.output
    body: dict[str, Any] = json.loads(result.output)
    return body


def test_drivers_of_a_survey_question(
    client: TestClient, database: Database, database_url: str
) -> None:
    relational_store(database)
    body = ok(
        client.post(
            "/api/v1/insights/drivers",
            json={"survey": "relational", "outcome": "recommend", "bootstrap": 0, **OCTOBER},
        )
    )
    assert body["method"] == "lmg"
    assert body["n"] == 40
    # 1/6 and 4/6 of the variance (see relational_store).
    assert [d["importance"] for d in body["drivers"]] == pytest.approx([1 / 6, 4 / 6])
    assert body["r2"] == pytest.approx(5 / 6)
    assert body["warnings"] == []
    printed = cli_json(
        database_url,
        "drivers",
        "--survey",
        "relational",
        "--outcome",
        "recommend",
        "--bootstrap",
        "0",
        "--from",
        OCTOBER["from"],
        "--to",
        OCTOBER["to"],
    )
    assert printed == body


def test_drivers_with_themes_and_intervals(client: TestClient, database: Database) -> None:
    relational_store(database)
    body = ok(
        client.post(
            "/api/v1/insights/drivers",
            json={
                "survey": "relational",
                "outcome": "recommend",
                "themes": True,
                "bootstrap": 50,
                **OCTOBER,
            },
        )
    )
    assert [d["name"] for d in body["drivers"]] == ["delivery", "website", "theme:delivery-time"]
    for driver in body["drivers"]:
        assert driver["ci_low"] <= driver["importance"] <= driver["ci_high"]


def test_drivers_of_a_repurchase(client: TestClient, database: Database) -> None:
    event_store(database)
    body = ok(
        client.post(
            "/api/v1/insights/drivers",
            json={
                "survey": "after-order",
                "outcome_event": {"names": ["Order Completed"], "within_days": 30},
                "bootstrap": 0,
                **OCTOBER,
            },
        )
    )
    # The answer without a customer has no outcome; the rest are long closed.
    assert (body["n"], body["rows_dropped"], body["unknown_outcome"]) == (8, 1, 1)
    assert body["drivers"][1]["importance"] == pytest.approx(1)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"survey": "nothing", "outcome": "x"}, 404, None),
        ({"survey": "relational", "outcome": "comment"}, 422, "outcome"),
        # The outcome defaults to the NPS question, which leaves nothing to drive it.
        ({"survey": "relational"}, 422, "drivers"),
        ({"survey": "relational", "outcome": "recommend", "colour": 1}, 422, "colour"),
        ({"survey": "relational", "outcome": "recommend", "bootstrap": 99999}, 422, "bootstrap"),
        ({"survey": "relational", "outcome": "recommend", "from": "2026-13-01"}, 422, "from"),
        ({"survey": "relational", "outcome": "recommend", "themes": "yes"}, 422, "themes"),
        (
            {"survey": "relational", "outcome_event": {"names": [], "within_days": 3}},
            422,
            "outcome_event.names",
        ),
    ],
)
def test_bad_driver_requests_name_the_field(
    client: TestClient, database: Database, body: dict[str, Any], status: int, field: str | None
) -> None:
    load_default_journey(database)
    add_survey(database, "relational", [("recommend", "nps", None), ("comment", "text", None)])
    response = client.post("/api/v1/insights/drivers", json=body)
    assert response.status_code == status, response.text
    if field is not None:
        assert field in response.text


def test_moments(client: TestClient, database: Database, database_url: str) -> None:
    moments_store(database)
    params = {
        "survey": "touchpoints",
        "outcome": "recommend",
        "drivers": ["delivery", "website", "service", "newsletter"],
        "bootstrap": "0",
        **OCTOBER,
    }
    body = ok(client.get("/api/v1/insights/moments", params=params))
    actions = {m["touchpoint"]: m["action"] for m in body["moments"]}
    assert actions == {
        "home-delivery": "improve",
        "website": "keep",
        "customer-service-contact": "reduce",
        "newsletter": "monitor",
    }
    printed = cli_json(
        database_url,
        "moments",
        "--survey",
        "touchpoints",
        "--outcome",
        "recommend",
        "--drivers",
        "delivery,website,service,newsletter",
        "--bootstrap",
        "0",
        "--from",
        OCTOBER["from"],
        "--to",
        OCTOBER["to"],
    )
    assert printed == body


def test_journeys(client: TestClient, database: Database, database_url: str) -> None:
    journey_store(database)
    body = ok(client.get("/api/v1/insights/journeys", params={**OCTOBER, "metric": "csat"}))
    assert body["paths"]["customers"] == 6
    assert {s["signal"]: s["count"] for s in body["friction"]} == {
        "repeat_contact": 1,
        "contact_after_delivery": 1,
        "reopened_ticket": 1,
    }
    assert set(body["stages"][0]["scores"]) == {"csat"}
    printed = cli_json(
        database_url,
        "journeys",
        "--metric",
        "csat",
        "--from",
        OCTOBER["from"],
        "--to",
        OCTOBER["to"],
    )
    assert printed == body
    custom = ok(
        client.get(
            "/api/v1/insights/journeys",
            params={**OCTOBER, "contact_event": "Call Completed", "repeat_days": "2"},
        )
    )
    assert {s["signal"]: s["base"] for s in custom["friction"]}["repeat_contact"] == 1


def test_link(client: TestClient, database: Database, database_url: str) -> None:
    link_store(database)
    body = ok(client.get("/api/v1/insights/link", params=OCTOBER))
    enps = body["measures"][0]
    assert enps["measure"] == "enps"
    assert enps["correlation"]["rho"] == pytest.approx(0.8)
    assert "carrier" not in json.dumps(body)
    printed = cli_json(database_url, "link", "--from", OCTOBER["from"], "--to", OCTOBER["to"])
    assert printed == body


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/insights/moments", {}, "survey"),
        ("/api/v1/insights/moments", {"survey": "s", "within_days": "3"}, "within_days"),
        ("/api/v1/insights/journeys", {"metric": "happiness"}, "metric"),
        ("/api/v1/insights/journeys", {"top": "0"}, "top"),
        ("/api/v1/insights/journeys", {"from": "2026-10-31", "to": "2026-10-01"}, "to"),
        ("/api/v1/insights/journeys", {"from": "0001-01-01"}, "from"),
        ("/api/v1/insights/link", {"unit": "nowhere"}, "unit"),
        ("/api/v1/insights/link", {"unit_kind": "shop"}, "unit_kind"),
        ("/api/v1/insights/link", {"colour": "red"}, "colour"),
    ],
)
def test_bad_parameters_name_the_field(
    client: TestClient, database: Database, path: str, params: dict[str, str], field: str
) -> None:
    load_default_journey(database)
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    assert field in response.text


def test_a_token_is_needed(client: TestClient) -> None:
    response = client.get("/api/v1/insights/link", headers={"Authorization": ""})
    assert response.status_code == 401


def test_the_drivers_command_takes_a_file_or_a_survey(database_url: str) -> None:
    neither = CliRunner().invoke(
        cli, ["--database-url", database_url, "insights", "drivers", "--outcome", "x"]
    )
    assert neither.exit_code == 2
    assert "give either --csv FILE or --survey KEY" in neither.output
    unknown = CliRunner().invoke(
        cli,
        ["--database-url", database_url, "insights", "drivers", "--survey", "x", "--outcome", "y"],
    )
    assert unknown.exit_code == 1
    assert "no survey 'x'" in unknown.output
    open_window = CliRunner().invoke(
        cli,
        [
            "--database-url",
            database_url,
            "insights",
            "drivers",
            "--survey",
            "x",
            "--outcome-event",
            "Order Completed",
        ],
    )
    assert open_window.exit_code == 2
    assert "--within-days" in open_window.output
