"""Signing in and out in a real browser: the page works under the app's CSP."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.store import Database
from tests.accounts.helpers import PASSWORD, add_user
from tests.browser.conftest import Watched
from tests.live_server import serving


@pytest.fixture
def site(sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    path = tmp_path / "sign-in.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    database = Database(url)
    add_user(database, "ella@example.com", display_name="Ella Esimerkki", language="fi")
    with serving(create_app(Settings(database_url=url), database)) as base:
        yield base
    database.dispose()


def test_sign_in_see_the_home_page_and_sign_out(
    page: Page, watched: Watched, site: str, screenshots: Path
) -> None:
    page.goto(f"{site}/")
    expect(page).to_have_url(f"{site}/login?next=%2F")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjaudu Kokemukseen")

    page.get_by_label("Sähköposti").fill("ella@example.com")
    page.get_by_label("Salasana").fill("not the password")
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.get_by_role("alert")).to_contain_text("Sähköposti tai salasana on väärin")
    page.screenshot(path=screenshots / "sign-in-refused.png", full_page=True)
    # The refused attempt answers 400, as it should; nothing else went wrong.
    assert watched.errors
    assert all("400" in error and error.endswith("/login") for error in watched.errors)
    watched.errors.clear()

    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page).to_have_url(f"{site}/")
    expect(page.get_by_role("heading", name="Tietovarastossa")).to_be_visible()
    expect(page.get_by_text("Ella Esimerkki")).to_be_visible()
    page.screenshot(path=screenshots / "home-signed-in.png", full_page=True)

    page.get_by_role("button", name="Kirjaudu ulos").click()
    expect(page.get_by_role("status")).to_have_text("Olet kirjautunut ulos.")
    page.goto(f"{site}/")
    expect(page).to_have_url(f"{site}/login?next=%2F")
    assert watched.errors == []
    assert watched.dialogs == []
