"""A case worked through in a real browser, on a phone, in Finnish: sign in, open the list
and the case, move it to investigating, see a guard's refusal beside the form, log how
the customer was told, record the root cause and the compensation, resolve it."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from kokemus.app import create_app
from kokemus.cases import service
from kokemus.config import Settings
from kokemus.journeys.models import Unit
from kokemus.store import Database
from kokemus.surveys.models import Response
from tests.accounts.helpers import PASSWORD, add_user
from tests.browser.conftest import Watched
from tests.browser.test_app_pages import look
from tests.cases.helpers import context, respond
from tests.factories import add_source, load_default_journey
from tests.live_server import serving
from tests.surveys.helpers import publish_template

HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.fixture
def site(sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    """The damaged delivery as a case the carrier owns, from the customer's response."""
    path = tmp_path / "cases.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    database = Database(url)
    load_default_journey(database)
    add_source(database, "shop")
    publish_template(database, "post-delivery")
    comment = f"Tuoli tuli rikki {HOSTILE}, soita 040 123 4567"
    response_id = respond(database, "aino", {"delivery-stars": 2, "improve": comment})
    with database.transaction() as session:
        carrier = session.scalar(select(Unit.id).where(Unit.key == "carrier"))
        customer = session.scalar(select(Response.customer_id).where(Response.id == response_id))
        opening = service.Opening(
            reason="Tilaus tuli rikki",
            priority="high",
            customer_id=customer,
            owner_unit_id=carrier,
            response_id=response_id,
            sla_minutes=48 * 60,
        )
        service.create(context(session), opening)
    add_user(database, "asta@kauppa.fi", role="frontline", units=["logistics"], language="fi")
    with serving(create_app(Settings(database_url=url), database)) as base:
        yield base
    database.dispose()


def test_work_a_case_from_new_to_resolved(
    page: Page, watched: Watched, site: str, screenshots: Path
) -> None:
    page.goto(f"{site}/cases")
    page.get_by_label("Sähköposti").fill("asta@kauppa.fi")
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page).to_have_url(f"{site}/cases")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tapaukset")
    current = page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name="Tapaukset"
    )
    expect(current).to_have_attribute("aria-current", "page")
    row = page.get_by_role("row").filter(has_text="Tilaus tuli rikki")
    expect(row).to_contain_text("Korkea")
    expect(row).to_contain_text("Uusi")
    expect(row).to_contain_text("Delivery partner")
    problems = look(page, screenshots, "cases-list")

    row.get_by_role("link", name="Tapaus 1").click()
    expect(page).to_have_url(f"{site}/cases/1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tapaus 1")
    said = page.locator("blockquote")
    expect(said).to_contain_text(f"Tuoli tuli rikki {HOSTILE}")  # drawn as text
    expect(said).not_to_contain_text("040 123 4567")
    assert page.locator("main img").count() == 0
    problems += look(page, screenshots, "case-new")

    status = page.locator("#status-form")
    status.get_by_label("Uusi tila").select_option(label="Selvityksessä")
    status.get_by_role("button", name="Muuta tila").click()
    expect(page.get_by_role("status")).to_have_text("Tila muutettiin.")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Uusi → Selvityksessä")

    # Resolving now is refused, and the refusal says what is missing and links to it.
    status.get_by_label("Uusi tila").select_option(label="Ratkaistu")
    status.get_by_label("Huomautus").fill("Ratkaistaan heti")
    status.get_by_role("button", name="Muuta tila").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Juurisyy: kirjaa ensin juurisyy")
    expect(status.get_by_label("Huomautus")).to_have_value("Ratkaistaan heti")
    expect(status.get_by_label("Uusi tila")).to_have_value("resolved")
    problems += look(page, screenshots, "case-refused")
    alert.get_by_role("link", name="Juurisyy").click()
    expect(page).to_have_url(f"{site}/cases/1/status#root-cause-form")

    contact = page.locator("#contact-form")
    contact.get_by_label("Kanava").select_option(label="Puhelin")
    contact.get_by_label("Mitä tapahtui").fill("Kuljetusliike pudotti paketin lastauksessa.")
    contact.get_by_label("Miksi").fill("Lastaus tehtiin kiireessä; kuljettajat on ohjeistettu.")
    contact.get_by_role("button", name="Kirjaa yhteydenotto").click()
    expect(page.get_by_role("status")).to_have_text("Yhteydenotto kirjattiin.")
    expect(page.locator("#contacts")).to_contain_text("Kuljetusliike pudotti paketin")
    expect(page.locator("#contacts")).to_contain_text("Puhelin")

    cause = page.locator("#root-cause-form")
    cause.get_by_label("Juurisyy").select_option(label="Kuljetusyhtiön käsittely")
    cause.get_by_role("button", name="Tallenna juurisyy").click()
    expect(page.get_by_role("status")).to_have_text("Juurisyy tallennettiin.")

    resolution = page.locator("#resolution-form")
    resolution.get_by_label("Laji").select_option(label="Hyvitys")
    resolution.get_by_label("Summa").fill("50,00")
    resolution.get_by_role("button", name="Tallenna ratkaisu").click()
    expect(page.get_by_role("status")).to_have_text("Ratkaisu tallennettiin.")

    status.get_by_label("Uusi tila").select_option(label="Ratkaistu")
    status.get_by_role("button", name="Muuta tila").click()
    expect(page.get_by_role("status")).to_have_text("Tila muutettiin.")
    facts = page.get_by_role("region", name="Tapaus", exact=True)
    expect(facts).to_contain_text("Ratkaistu")
    expect(facts).to_contain_text("Hyvitys, 50,00 EUR")
    expect(facts).to_contain_text("Kuljetusyhtiön käsittely")
    expect(timeline).to_contain_text("Selvityksessä → Ratkaistu")
    problems += look(page, screenshots, "case-resolved")

    # Resolved, it leaves the open cases and is found by its status.
    page.get_by_role("link", name="Kaikki tapaukset").click()
    expect(page.get_by_role("status")).to_have_text("Näillä rajauksilla ei löytynyt tapauksia.")
    page.get_by_label("Tila").select_option(label="Ratkaistu")
    page.get_by_role("button", name="Näytä").click()
    expect(page.get_by_role("row").filter(has_text="Tilaus tuli rikki")).to_contain_text(
        "Ratkaistu"
    )
    problems += look(page, screenshots, "cases-resolved")
    assert problems == [], "\n".join(problems)
    # The refusal, and only it, as the response and as the console's note of it.
    assert watched.errors == [
        f"409 {site}/cases/1/status",
        "Failed to load resource: the server responded with a status of 409 (Conflict) "
        f"{site}/cases/1/status",
    ]
    assert watched.dialogs == []
