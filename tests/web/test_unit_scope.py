"""A unit's people see what was answered for their unit, also at touchpoints a unit above
owns: the stores share the store-visit touchpoint, yet each store's manager sees its own
customers' comments, stories and customer pages, and not another's."""

from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.enrich.service import analyze_all
from kokemus.store import Database
from kokemus.store.base import utcnow
from kokemus.surveys.external import CustomerRef, ResponseIn, accept_response
from kokemus.surveys.models import Response
from tests.accounts.helpers import add_user
from tests.factories import load_default_journey
from tests.surveys.helpers import publish
from tests.web.helpers import sign_in
from tests.web.test_feedback_page import delivery_survey

COMMENT = "Tuoli tuli rikki kuljetuksessa ja jouduin odottamaan vaihtoa kaksi viikkoa."


@pytest.fixture
def clients(settings: Settings, database: Database) -> Iterator[dict[str, TestClient]]:
    load_default_journey(database)
    # Home delivery belongs to the carrier; this answer was given for the store.
    publish(database, delivery_survey("delivery", "home-delivery"))
    body = ResponseIn(
        answers={"recommend": 2, "comment": COMMENT},
        language="fi",
        unit="store",
        customer=CustomerRef(email="aino@example.com"),
        submitted_at=utcnow() - timedelta(days=2),
    )
    accept_response(database, "delivery", body)
    analyze_all(database)
    add_user(database, "store@example.com", role="manager", units=["store"])
    add_user(database, "sales@example.com", role="manager", units=["sales"])
    with ExitStack() as stack:
        found = {}
        for email in ("store@example.com", "sales@example.com"):
            client = stack.enter_context(TestClient(create_app(settings, database)))
            assert sign_in(client, email).status_code == 303
            found[email.split("@")[0]] = client
        yield found


def customer_id(database: Database) -> int:
    with database.transaction() as session:
        found: int | None = session.scalar(select(Response.customer_id))
    assert found is not None
    return found


def test_the_units_manager_sees_its_answers(
    clients: dict[str, TestClient], database: Database
) -> None:
    store = clients["store"]
    assert COMMENT in store.get("/feedback").text
    assert COMMENT in store.get("/stories", params={"days": 30}).text
    assert store.get(f"/customers/{customer_id(database)}").status_code == 200
    overview = store.get("/", params={"unit": "store"})
    assert overview.status_code == 200


def test_another_units_manager_does_not(clients: dict[str, TestClient], database: Database) -> None:
    sales = clients["sales"]
    assert COMMENT not in sales.get("/feedback").text
    assert COMMENT not in sales.get("/stories", params={"days": 30}).text
    assert sales.get(f"/customers/{customer_id(database)}").status_code == 403
