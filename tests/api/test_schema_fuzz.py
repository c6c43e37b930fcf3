"""Requests generated from our own OpenAPI document: no input makes the API fail or lie."""

import base64
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckFunction
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.store import Database
from tests.factories import add_source, add_token, load_default_journey, send, track
from tests.live_server import serving

# The document does not depend on the store; calls go to a live server on the test's store.
schema = schemathesis.openapi.from_dict(create_app(Settings(database_url="sqlite://")).openapi())


@pytest.fixture
def server(settings: Settings, database: Database) -> Iterator[tuple[str, dict[str, str]]]:
    load_default_journey(database)
    write_key = add_source(database, "shop")
    token = add_token(database, "fuzz", scope="admin")
    order = track("Order Completed", message_id="1", user_id="u", email="a@example.fi")
    send(database, [order], source="shop")
    credentials = {
        "/v1/": "Basic " + base64.b64encode(f"{write_key}:".encode()).decode(),
        "/api/v1/": f"Bearer {token}",
    }
    with serving(create_app(settings, database)) as url:
        yield url, credentials


# A batch is answered 200 with the refused items named one by one, by design: an invalid
# item must not cost the valid ones. The single-message routes refuse with a 4xx.
BATCH_ROUTES = {"/v1/batch", "/api/v1/events"}


@schema.parametrize()
# The NDJSON form of /api/v1/events has no generator here; test_api_v1 covers it.
@pytest.mark.filterwarnings("ignore:Skipped test cases with unsupported payload media types")
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests(
    case: schemathesis.Case[Any], server: tuple[str, dict[str, str]]
) -> None:
    url, credentials = server
    prefix = "/api/v1/" if case.path.startswith("/api/v1/") else "/v1/"
    # Values valid by the schema can name things that do not exist (a source, an email):
    # those are refused with the field named, so accepting them cannot be required.
    excluded: list[CheckFunction] = [positive_data_acceptance]
    if case.path in BATCH_ROUTES:
        excluded.append(negative_data_rejection)
    case.call_and_validate(
        base_url=url, headers={"Authorization": credentials[prefix]}, excluded_checks=excluded
    )
