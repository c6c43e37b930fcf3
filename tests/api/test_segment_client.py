"""Segment's own Python library, pointed at Kokemus, as an instrumented app would use it."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from segment.analytics import Client
from segment.analytics.request import APIError
from sqlalchemy import select

from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.customers import service
from kokemus.ingest.models import Event
from kokemus.store import Database
from tests.factories import add_source, load_default_journey
from tests.live_server import serving


@pytest.fixture
def server_url(settings: Settings, database: Database) -> Iterator[str]:
    with serving(create_app(settings, database)) as url:
        yield url


@pytest.mark.parametrize("use_gzip", [False, True], ids=["plain", "gzip"])
def test_segment_library_sends_every_call(
    server_url: str, database: Database, use_gzip: bool
) -> None:
    load_default_journey(database)
    write_key = add_source(database, "webshop", kind="shop")
    errors: list[Exception] = []
    client = Client(
        write_key,
        host=server_url,
        gzip=use_gzip,
        max_retries=0,
        upload_interval=0.05,
        on_error=lambda error, _batch: errors.append(error),
    )
    when = datetime(2026, 6, 1, 12, tzinfo=UTC)

    client.page(anonymous_id="anon-42", name="Home", timestamp=when)
    client.identify(
        "C-42",
        {"email": "Helmi@Example.fi", "name": "Helmi"},
        anonymous_id="anon-42",
        timestamp=when,
    )
    client.track(
        "C-42",
        "Order Completed",
        {"order_id": "O-1", "total": 389.0},
        timestamp=when,
        message_id="order-O-1",
    )
    client.track(
        "C-42",
        "Order Completed",
        {"order_id": "O-1", "total": 389.0},
        timestamp=when,
        message_id="order-O-1",
    )
    client.screen("C-42", name="Cart", timestamp=when)
    client.alias("anon-42", "C-42", timestamp=when)
    client.flush()
    client.shutdown()

    assert errors == []
    with database.transaction() as session:
        stored = session.scalars(select(Event.type)).all()
        customer = service.find_by_contact(session, email="helmi@example.fi")
        profile = service.profile(session, customer)
    assert sorted(stored) == ["alias", "identify", "page", "screen", "track"]
    assert customer.traits["name"] == "Helmi"
    order = next(e for e in profile["timeline"]["events"] if e["name"] == "Order Completed")
    assert order["properties"] == {"order_id": "O-1", "total": 389.0}
    assert order["touchpoint"]["key"] == "checkout"
    assert order["context"]["library"]["name"] == "analytics-python"


def test_segment_library_reports_a_wrong_write_key(server_url: str, database: Database) -> None:
    add_source(database, "webshop")
    client = Client("src_not_a_key", host=server_url, sync_mode=True, max_retries=0)

    with pytest.raises(APIError, match="unknown write key"):
        client.track("u", "Order Completed")

    with database.transaction() as session:
        assert session.scalars(select(Event)).first() is None
