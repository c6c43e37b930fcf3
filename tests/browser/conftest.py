"""A real headless Chromium (Debian's) against a real server on a SQLite store per test."""

import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Error,
    Page,
    Response,
    ViewportSize,
)
from sqlalchemy import select

from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.store import Database
from kokemus.surveys.catalog import load_template
from kokemus.surveys.definition import SurveyDefinition
from kokemus.surveys.models import Answer
from kokemus.surveys.models import Response as SurveyResponse
from tests.factories import load_default_journey
from tests.live_server import serving
from tests.surveys.helpers import publish

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"


@dataclass
class Site:
    """One published survey served by a real server on its own store."""

    base: str
    public_id: str
    survey_id: int
    definition: SurveyDefinition
    database: Database

    def url(self, query: str = "") -> str:
        return f"{self.base}/s/{self.public_id}" + (f"?{query}" if query else "")

    def responses(self) -> list[SurveyResponse]:
        with self.database.transaction() as session:
            found = session.scalars(
                select(SurveyResponse)
                .where(SurveyResponse.survey_id == self.survey_id)
                .order_by(SurveyResponse.id)
            )
            return list(found)

    def completed(self) -> list[SurveyResponse]:
        return [response for response in self.responses() if response.complete]

    def answer_rows(
        self, response_id: int
    ) -> list[tuple[str, float | None, str | None, str | None]]:
        with self.database.transaction() as session:
            rows = session.execute(
                select(Answer.question_key, Answer.number, Answer.text, Answer.item)
                .where(Answer.response_id == response_id)
                .order_by(Answer.id)
            )
            return [(key, number, text, item) for key, number, text, item in rows]


@pytest.fixture(scope="session")
def journey_store(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated store with the default journey, so the templates' touchpoints exist."""
    path = tmp_path_factory.mktemp("browser") / "journey.sqlite3"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    load_default_journey(database)
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


class Sites:
    """Publishes surveys into fresh stores and serves each one until `close`."""

    def __init__(self, journey_store: Path, directory: Path) -> None:
        self._journey_store = journey_store
        self._directory = directory
        self._stack = ExitStack()

    def __call__(self, survey: str | SurveyDefinition) -> Site:
        definition = load_template(survey) if isinstance(survey, str) else survey
        path = self._directory / f"{definition.key}-{secrets.token_hex(4)}.sqlite3"
        shutil.copy(self._journey_store, path)
        url = f"sqlite:///{path}"
        database = Database(url)
        self._stack.callback(database.dispose)
        published = publish(database, definition)
        app = create_app(Settings(database_url=url), database)
        base = self._stack.enter_context(serving(app))
        return Site(base, published.public_id, published.id, definition, database)

    def close(self) -> None:
        self._stack.close()


MakeSite = Callable[[str | SurveyDefinition], Site]


@pytest.fixture
def make_site(journey_store: Path, tmp_path: Path) -> Iterator[MakeSite]:
    """Publish a template (by name) or a definition into a fresh store and serve it."""
    sites = Sites(journey_store, tmp_path)
    yield sites
    sites.close()


@pytest.fixture(scope="module")
def template_site(
    journey_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str], Site]]:
    """One fresh store and server per template, shared by a module's tests of it."""
    sites = Sites(journey_store, tmp_path_factory.mktemp("templates"))
    made: dict[str, Site] = {}

    def site(name: str) -> Site:
        if name not in made:
            made[name] = sites(name)
        return made[name]

    yield site
    sites.close()


@pytest.fixture(scope="session")
def phone(browser: Browser) -> Iterator[BrowserContext]:
    """A phone: small screen, touch, a Finnish browser."""
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="fi-FI", device_scale_factor=1
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def context(phone: BrowserContext) -> BrowserContext:
    """The phone, with no cookies left by an earlier test."""
    phone.clear_cookies()
    return phone


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    """A staff member's own browser: a desktop, in English, apart from the customer's phone."""
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def phone_page(phone: BrowserContext) -> Page:
    # One page for the whole session: a new page costs Chromium a renderer process.
    return phone.new_page()


@dataclass
class Watched:
    """What a page did that a person would notice or a script should never do."""

    dialogs: list[str]
    errors: list[str]


@pytest.fixture
def page(context: BrowserContext, phone_page: Page) -> Page:
    return phone_page


@pytest.fixture
def watched(page: Page) -> Iterator[Watched]:
    """Every alert or prompt and every console error or uncaught exception on `page`."""
    seen = Watched(dialogs=[], errors=[])

    def on_dialog(dialog: Dialog) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        # Chromium asks every site for an icon; the survey pages name none.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            seen.errors.append(f"{message.text} {message.location.get('url')}")

    def on_error(error: Error) -> None:
        seen.errors.append(str(error))

    def on_response(response: Response) -> None:
        if response.status >= 400:
            seen.errors.append(f"{response.status} {response.url}")

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.on("pageerror", on_error)
    page.on("response", on_response)
    yield seen
    for event, listener in (
        ("dialog", on_dialog),
        ("console", on_console),
        ("pageerror", on_error),
        ("response", on_response),
    ):
        page.remove_listener(event, listener)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
