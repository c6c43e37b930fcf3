"""The journey page: the map as a table for everyone signed in, and loading a new one."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kokemus.app import create_app
from kokemus.audit.models import AuditEntry
from kokemus.config import Settings
from kokemus.journeys.models import JourneyVersion
from kokemus.journeys.service import default_journey_text
from kokemus.store import Database
from tests.accounts.helpers import add_user
from tests.factories import add_source, load_default_journey, send, track
from tests.web.conftest import MakeClient
from tests.web.helpers import csrf_of, sign_in

SMALL = """
name: A small map
units:
  - key: carrier
    name: Delivery partner
    kind: partner
stages:
  - key: delivery
    name: Delivery
    touchpoints:
      - key: home-delivery
        name: Home delivery
        encounter_kind: physical
        channel: delivery
        channel_class: owned
        owner: carrier
        events: [Order Delivered]
      - key: parcel-locker
        name: "<b>Parcel</b> locker"
        encounter_kind: physical
        channel: delivery
        channel_class: paid
        events: [Parcel Picked Up]
"""
BROKEN = """
name: Broken
stages:
  - key: delivery
    name: Delivery
    touchpoints:
      - key: home-delivery
        name: Home delivery
        encounter_kind: telepathic
        channel: delivery
        channel_class: owned
"""


@pytest.fixture
def admin(make_client: MakeClient, store: Database) -> TestClient:
    load_default_journey(store)
    add_user(store, "admin@example.com", role="admin")
    client = make_client()
    sign_in(client, "admin@example.com")
    return client


def versions(database: Database) -> list[str]:
    with database.transaction() as session:
        return list(session.scalars(select(JourneyVersion.name).order_by(JourneyVersion.id)))


def test_the_map_is_a_table_of_stages_and_touchpoints(admin: TestClient) -> None:
    page = admin.get("/journey")
    assert page.status_code == 200
    text = page.text
    assert '<th scope="rowgroup" colspan="6">4. Delivery' in text
    row = text.split('<th scope="row">Home delivery</th>')[1].split("</tr>")[0]
    assert "physical" in row
    assert "<td>delivery</td>" in row
    assert "owned" in row
    assert "Delivery partner" in row  # the owner unit by its name
    assert "<code>Delivery Damaged</code>" in row
    assert 'enctype="multipart/form-data"' in text


def test_everyone_signed_in_sees_the_map_in_their_language_and_only_admins_the_form(
    make_client: MakeClient, store: Database
) -> None:
    load_default_journey(store)
    add_user(store, "carrier@example.com", role="partner", units=["carrier"], language="fi")
    client = make_client()
    sign_in(client, "carrier@example.com")
    page = client.get("/journey")
    assert page.status_code == 200
    assert "<h1>Asiakaspolku</h1>" in page.text
    assert "fyysinen" in page.text
    assert 'action="/journey"' not in page.text
    refused = client.post("/journey", data={"csrf": csrf_of(page), "text": SMALL})
    assert refused.status_code == 403
    assert versions(store) == ["Online store with home delivery and a physical store"]


def test_an_admin_loads_a_new_map_from_a_file_and_it_is_audited(
    admin: TestClient, store: Database
) -> None:
    form = admin.get("/journey")
    loaded = admin.post(
        "/journey",
        data={"csrf": csrf_of(form)},
        files={"document": ("journey.yaml", SMALL.encode(), "application/yaml")},
    )
    assert loaded.status_code == 200
    assert "Loaded A small map: 1 stages, 2 touchpoints" in loaded.text
    assert "&lt;b&gt;Parcel&lt;/b&gt; locker" in loaded.text
    assert "<b>Parcel</b>" not in loaded.text
    assert "<code>Parcel Picked Up</code>" in loaded.text
    assert "Awareness" not in loaded.text  # stages left out are no longer shown
    assert versions(store)[-1] == "A small map"
    with store.transaction() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        assert (entry.action, entry.target, entry.address) == (
            "journey.load",
            "A small map",
            "testclient",
        )
        assert entry.details["touchpoints"] == 2
        assert entry.user_id is not None


def test_pasted_text_loads_too(admin: TestClient, store: Database) -> None:
    form = admin.get("/journey")
    text = default_journey_text().replace("Home delivery", "Kotiinkuljetus")
    loaded = admin.post("/journey", data={"csrf": csrf_of(form), "text": text})
    assert loaded.status_code == 200
    assert '<th scope="row">Kotiinkuljetus</th>' in loaded.text


def test_upload_errors_name_the_path_and_nothing_is_loaded(
    admin: TestClient, store: Database
) -> None:
    form = admin.get("/journey")
    refused = admin.post(
        "/journey",
        data={"csrf": csrf_of(form)},
        files={"document": ("journey.yaml", BROKEN.encode(), "application/yaml")},
    )
    assert refused.status_code == 422
    assert "The journey map was not loaded:" in refused.text
    assert "stages[0].touchpoints[0].encounter_kind:" in refused.text
    assert "name: Broken" in refused.text  # the text is kept for correcting
    unknown_owner = SMALL.replace("owner: carrier", "owner: nobody")
    owner = admin.post("/journey", data={"csrf": csrf_of(form), "text": unknown_owner})
    assert owner.status_code == 422
    assert "names owner &#39;nobody&#39;, which is not a unit" in owner.text
    not_yaml = admin.post("/journey", data={"csrf": csrf_of(form), "text": "stages: [unclosed"})
    assert not_yaml.status_code == 422
    assert "not valid YAML" in not_yaml.text
    empty = admin.post("/journey", data={"csrf": csrf_of(form), "text": "  "})
    assert empty.status_code == 422
    assert "Choose a file or paste the YAML." in empty.text
    assert versions(store) == ["Online store with home delivery and a physical store"]


def test_loading_without_the_csrf_token_is_refused(admin: TestClient, store: Database) -> None:
    for csrf in ("", "a-guessed-token"):
        refused = admin.post("/journey", data={"csrf": csrf, "text": SMALL})
        assert refused.status_code == 403
        assert "The form has expired" in refused.text
    assert versions(store) == ["Online store with home delivery and a physical store"]


@pytest.fixture
def both(settings: Settings, database: Database) -> Iterator[TestClient]:
    load_default_journey(database)
    add_user(database, "admin@example.com", role="admin")
    with TestClient(create_app(settings, database)) as client:
        sign_in(client, "admin@example.com")
        yield client


def test_loading_a_map_on_both_stores(both: TestClient, database: Database) -> None:
    form = both.get("/journey")
    loaded = both.post("/journey", data={"csrf": csrf_of(form), "text": SMALL})
    assert loaded.status_code == 200
    assert versions(database)[-1] == "A small map"
    again = both.get("/journey")
    assert '<th scope="row">Home delivery</th>' in again.text
    assert "Awareness" not in again.text


def test_admins_see_the_event_names_no_touchpoint_claims(
    admin: TestClient, make_client: MakeClient, store: Database
) -> None:
    add_source(store, "shop")
    messages = [track("Wishlist <Added>", message_id=f"w{n}", user_id="u1") for n in range(3)] + [
        track("Order Delivered", message_id="d1", user_id="u1")
    ]
    assert send(store, messages, source="shop").rejected == []
    page = admin.get("/journey")
    unmapped = page.text.split('id="unmapped-heading"')[1].split("</section>")[0]
    assert "<code>Wishlist &lt;Added&gt;</code>" in unmapped
    assert "<td>3</td>" in unmapped
    assert "Order Delivered" not in unmapped  # it maps to home delivery
    add_user(store, "analyst@example.com", role="analyst")
    analyst = make_client()
    sign_in(analyst, "analyst@example.com")
    assert 'id="unmapped-heading"' not in analyst.get("/journey").text
