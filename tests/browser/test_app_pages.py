"""The signed-in app in a real browser: sign in, find a customer, open their page, look
around; every page readable, named, tappable, and kept as a screenshot."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.enrich.service import analyze_all
from kokemus.store import Database
from tests.accounts.helpers import PASSWORD, add_user
from tests.browser.conftest import Watched
from tests.browser.test_accessibility import page_checks
from tests.factories import add_source, add_token, load_default_journey, send, track
from tests.live_server import serving
from tests.surveys.helpers import publish_template

HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.fixture
def site(sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    path = tmp_path / "app.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    database = Database(url)
    load_default_journey(database)
    add_source(database, "shop", kind="shop")
    messages = [
        {
            "type": "identify",
            "messageId": "i1",
            "userId": "A-1",
            "timestamp": "2026-10-01T09:00:00+03:00",
            "traits": {"email": "anna@example.com", "name": "Anna Asiakas", "note": HOSTILE},
        },
        track("Product Viewed", message_id="v1", user_id="A-1", timestamp="2026-10-01T10:00:00Z"),
        track(HOSTILE, message_id="h1", user_id="A-1", timestamp="2026-10-02T10:00:00Z"),
        track("Order Delivered", message_id="d1", user_id="A-1", timestamp="2026-10-03T10:00:00Z"),
    ]
    assert send(database, messages, source="shop").rejected == []
    publish_template(database, "post-delivery")
    token = add_token(database, "api", scope="admin")
    app = create_app(Settings(database_url=url), database)
    with TestClient(app) as api:
        body = {
            "answers": {
                "delivery-stars": 2,
                "improve": "Paketti myöhästyi viikon, soita 040 123 4567",
            },
            "customer": {"email": "anna@example.com"},
        }
        headers = {"Authorization": f"Bearer {token}"}
        sent = api.post("/api/v1/surveys/post-delivery/responses", json=body, headers=headers)
        assert sent.status_code == 201, sent.text
    analyze_all(database)
    add_user(database, "ella@example.com", display_name="Ella Esimerkki", language="fi")
    with serving(create_app(Settings(database_url=url), database)) as base:
        yield base
    database.dispose()


def look(page: Page, screenshots: Path, name: str) -> list[str]:
    page.screenshot(path=screenshots / f"app-{name}.png", full_page=True)
    problems = page_checks(page)
    # On a phone only a wide table scrolls, inside its own box; the page itself never does.
    width = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    if width > 0:
        problems.append(f"the page is {width} px wider than the screen")
    return [f"{name}: {problem}" for problem in problems]


def test_sign_in_search_a_customer_and_open_their_page(
    page: Page, watched: Watched, site: str, screenshots: Path
) -> None:
    page.goto(f"{site}/customers")
    page.get_by_label("Sähköposti").fill("ella@example.com")
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page).to_have_url(f"{site}/customers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Etsi asiakas")
    problems = look(page, screenshots, "customer-search")

    # The skip link comes first, and takes the keyboard to the page's content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Siirry sisältöön")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # What the keyboard is on is drawn with an outline that shows.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Sähköposti tai puhelinnumero")).to_be_focused()
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    style, width = outline
    assert style != "none"
    assert width >= 2

    page.get_by_label("Sähköposti tai puhelinnumero").fill("anna@example.com")
    page.get_by_role("button", name="Hae").click()
    result = page.get_by_role("link", name="Asiakas 1")
    expect(result).to_be_visible()
    problems += look(page, screenshots, "customer-search-result")

    result.click()
    expect(page).to_have_url(f"{site}/customers/1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Asiakas 1")
    expect(page.get_by_text(HOSTILE).first).to_be_visible()  # drawn as text, not an image
    assert page.locator("main img").count() == 0
    events = page.locator("ol.events > li > strong")
    expect(events).to_have_text(["Order Delivered", HOSTILE, "Product Viewed", "identify"])
    expect(page.get_by_role("heading", name="Miten toimitus onnistui?")).to_be_visible()
    expect(page.locator("blockquote")).to_contain_text("Paketti myöhästyi viikon")
    expect(page.locator("blockquote")).not_to_contain_text("040 123 4567")
    expect(page.get_by_text("Sävy: kielteinen")).to_be_visible()
    current = page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name="Asiakkaat"
    )
    expect(current).to_have_attribute("aria-current", "page")
    problems += look(page, screenshots, "customer")

    page.get_by_role("link", name="Asiakaspolku").click()
    journey = page.get_by_role("table", name="Vaihe × Kosketuspiste")
    expect(journey).to_contain_text("Home delivery")
    expect(
        page.get_by_role("region", name="Tapahtumanimet ilman kosketuspistettä")
    ).to_contain_text(HOSTILE)
    expect(page.get_by_label("Polkutiedosto (YAML)")).to_be_visible()
    problems += look(page, screenshots, "journey")

    for name, path in (("Lähteet", "sources"), ("API-avaimet", "tokens"), ("Käyttäjät", "users")):
        page.get_by_role("link", name=name, exact=True).click()
        expect(page).to_have_url(f"{site}/admin/{path}")
        problems += look(page, screenshots, f"admin-{path}")

    page.get_by_label("Sähköposti").fill("kalle@example.com")
    page.get_by_label("Nimi").fill("Kalle Kuski")
    page.get_by_label("Rooli").select_option(label="kumppani")
    page.get_by_role("group", name="Yksiköt").get_by_label("Delivery partner").check()
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Luo").click()
    expect(page.get_by_role("status")).to_have_text("Käyttäjä kalle@example.com luotu.")
    row = page.get_by_role("row").filter(has_text="kalle@example.com")
    expect(row).to_contain_text("kumppani")
    expect(row).to_contain_text("Delivery partner")
    problems += look(page, screenshots, "admin-user-created")

    page.get_by_role("link", name="Lähteet", exact=True).click()
    page.get_by_label("Nimi").fill("crm")
    page.get_by_role("button", name="Luo").click()
    expect(page.get_by_role("status")).to_contain_text("Kopioi se nyt")
    problems += look(page, screenshots, "admin-sources-key")

    page.get_by_role("link", name="Yleiskuva").click()
    expect(page.get_by_role("heading", name="Tietovarastossa")).to_be_visible()
    problems += look(page, screenshots, "home")
    assert problems == [], "\n".join(problems)
    assert watched.errors == []
    assert watched.dialogs == []
