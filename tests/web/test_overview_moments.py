"""The overview's moments of truth for a unit, in the user's language, on both stores."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.store import Database
from tests.accounts.helpers import add_user, cheap_hashing
from tests.insights.test_unit_scope import design, other_units, store_texts, touchpoint_survey
from tests.web.helpers import sign_in


@pytest.fixture
def client(
    settings: Settings, database: Database, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    cheap_hashing(monkeypatch)
    touchpoint_survey(database)
    store_texts(database, design(database, "store", delivery=(1, 2), website=(4, 5)))
    other_units(database)
    add_user(database, "myymala@example.fi", role="manager", units=["store"], language="fi")
    add_user(database, "butik@example.fi", role="manager", units=["store"], language="sv")
    add_user(database, "analyst@example.com", role="analyst", language="en")
    with TestClient(create_app(settings, database)) as client:
        yield client


def moments_rows(html: str) -> str:
    return html.split('<table class="moments">', 1)[1].split("</table>", 1)[0]


def test_a_store_manager_sees_the_stores_moments_in_finnish(client: TestClient) -> None:
    assert sign_in(client, "myymala@example.fi").status_code == 303
    page = client.get("/", params={"period": "2026-10"})
    assert page.status_code == 200, page.text
    rows = moments_rows(page.text)
    # The store's own answers: its delivery falls short (see tests.insights.test_unit_scope).
    assert 'class="moment-improve"><th scope="row">Home delivery' in rows
    assert "kohta on tärkeä mutta jää heikoksi, joten sitä kannattaa parantaa" in rows
    assert "ylittää mediaanin" in rows
    assert "falls short" not in rows
    assert client.get("/", params={"period": "2026-10", "unit": "ecommerce"}).status_code == 403


def test_swedish_and_english_reasons(client: TestClient) -> None:
    assert sign_in(client, "butik@example.fi").status_code == 303
    rows = moments_rows(client.get("/", params={"period": "2026-10"}).text)
    assert "den är viktig men brister, så den bör förbättras" in rows
    client.cookies.clear()
    assert sign_in(client, "analyst@example.com").status_code == 303
    page = client.get("/", params={"period": "2026-10", "unit": "ecommerce"})
    rows = moments_rows(page.text)
    # E-commerce's answers rate the website badly and delivery well.
    assert 'class="moment-improve"><th scope="row">Website' in rows
    assert "it matters and falls short, improve it" in rows
