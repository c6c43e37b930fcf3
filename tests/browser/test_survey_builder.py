"""The survey screens in a real browser: an admin builds a survey with an NPS and a text
question, previews and publishes it; a customer answers it on a phone; the admin sees the
response counted. Every screen is checked for names, contrast and targets, and kept as a
screenshot."""

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    ConsoleMessage,
    Dialog,
    Error,
    Locator,
    Page,
    Response,
    expect,
)
from sqlalchemy import select

from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.enrich.service import analyze_all
from kokemus.store import Database
from kokemus.surveys.definition import SurveyDefinition
from kokemus.surveys.models import Survey
from tests.accounts.helpers import PASSWORD, add_user
from tests.browser.answering import answer, submit
from tests.browser.conftest import PHONE, Watched
from tests.browser.test_accessibility import page_checks
from tests.factories import load_default_journey
from tests.live_server import serving

HOSTILE = '<img src=x onerror="alert(1)">'


@dataclass
class App:
    base: str
    database: Database

    def survey(self, key: str) -> Survey:
        with self.database.transaction() as session:
            found = session.scalar(select(Survey).where(Survey.key == key))
            assert found is not None
            return found


@pytest.fixture
def app(sqlite_template: Path, tmp_path: Path) -> Iterator[App]:
    path = tmp_path / "builder.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    database = Database(url)
    load_default_journey(database)
    add_user(database, "admin@example.com", role="admin", language="en")
    with serving(create_app(Settings(database_url=url), database)) as base:
        yield App(base, database)
    database.dispose()


def watch(page: Page) -> list[str]:
    """Every dialog, script error, console error and failed request on `page`."""
    seen: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        seen.append(f"dialog {dialog.message}")
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.append(message.text)

    def on_error(error: Error) -> None:
        seen.append(str(error))

    def on_response(response: Response) -> None:
        if response.status >= 400:
            seen.append(f"{response.status} {response.url}")

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.on("pageerror", on_error)
    page.on("response", on_response)
    return seen


def tab(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Survey").get_by_role("link", name=name)


def look(page: Page, screenshots: Path, name: str) -> list[str]:
    page.screenshot(path=screenshots / f"survey-{name}.png", full_page=True)
    return [f"{name}: {problem}" for problem in page_checks(page)]


def test_build_publish_answer_as_a_customer_and_see_it_counted(
    app: App,
    desk: Page,
    page: Page,
    watched: Watched,
    screenshots: Path,
) -> None:
    admin_seen = watch(desk)
    desk.goto(f"{app.base}/surveys")
    desk.get_by_label("Email").fill("admin@example.com")
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Sign in").click()
    expect(desk).to_have_url(f"{app.base}/surveys")
    expect(desk.get_by_role("heading", level=1)).to_have_text("Surveys")
    problems = look(desk, screenshots, "list-empty")

    # A blank survey, its first question an NPS question.
    desk.get_by_role("link", name="New survey").click()
    problems += look(desk, screenshots, "new")
    blank = desk.locator("form:has(input[name=start][value=blank])")
    blank.get_by_label("Key", exact=True).fill("browser-nps")
    blank.get_by_label("Title (Suomeksi)").fill("Miten onnistuimme?")
    blank.get_by_label("Title (På svenska)").fill("Hur lyckades vi?")
    blank.get_by_label("Title (In English)").fill(f"How did we do? {HOSTILE}")
    blank.get_by_label("First question", exact=True).select_option(
        label="Recommendation, NPS (0–10)"
    )
    blank.get_by_label("First question's key").fill("recommend")
    blank.get_by_role("button", name="Create").click()
    expect(desk).to_have_url(f"{app.base}/surveys/1/edit")
    expect(desk.get_by_role("heading", level=1)).to_contain_text(HOSTILE)  # as text
    assert desk.locator("main img").count() == 0

    desk.get_by_role("link", name="Edit: recommend").click()
    texts = desk.get_by_role("group", name="Question", exact=True)
    texts.get_by_label("Suomeksi").fill("Suosittelisitko meitä ystävällesi?")
    texts.get_by_label("På svenska").fill("Skulle du rekommendera oss till en vän?")
    texts.get_by_label("In English").fill("Would you recommend us to a friend?")
    desk.get_by_label("An answer is required").check()
    problems += look(desk, screenshots, "question-nps")
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(desk.get_by_role("status")).to_have_text("Saved.")

    # A free-text question, shown only to those who would not recommend us.
    desk.get_by_label("Type of the new question").select_option(label="Free text")
    desk.get_by_role("button", name="Add a question").click()
    desk.get_by_label("Question key").fill("why")
    texts = desk.get_by_role("group", name="Question", exact=True)
    texts.get_by_label("Suomeksi").fill("Mitä voisimme tehdä paremmin?")
    texts.get_by_label("På svenska").fill("Vad kunde vi göra bättre?")
    texts.get_by_label("In English").fill("What could we do better?")
    desk.get_by_label("Only if the answer to").select_option("recommend")
    desk.get_by_label("is", exact=True).select_option(label="at most")
    desk.get_by_label("Value").fill("8")
    problems += look(desk, screenshots, "question-text")
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(desk.locator("ol.builder-questions > li")).to_have_count(2)
    expect(desk.locator("#q-why")).to_contain_text("shown if recommend")
    problems += look(desk, screenshots, "builder")

    tab(desk, "Edit as YAML").click()
    expect(desk.get_by_label("The survey definition (YAML or JSON)")).to_contain_text(
        "key: browser-nps"
    )
    problems += look(desk, screenshots, "yaml")

    # The preview in Swedish, page by page, as the customer will see it.
    tab(desk, "Overview").click()
    expect(desk.get_by_text("The draft is complete")).to_be_visible()
    desk.get_by_role("link", name="På svenska").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Hur lyckades vi?")
    expect(desk.get_by_text("Skulle du rekommendera oss till en vän?")).to_be_visible()
    problems += look(desk, screenshots, "preview-sv")
    desk.locator('label:has(input[value="4"]) .choice').click()
    with desk.expect_navigation():
        desk.get_by_role("button", name="Nästa").click()
    expect(desk.get_by_label("Vad kunde vi göra bättre?")).to_be_visible()
    with desk.expect_navigation():
        desk.get_by_role("button", name="Skicka").click()
    expect(desk.get_by_text("Nothing was stored.")).to_be_visible()
    desk.get_by_role("link", name="Back to the survey").click()

    desk.get_by_role("button", name="Publish").click()
    expect(desk.get_by_role("status")).to_have_text(
        "Published: respondents now answer this version."
    )
    link = desk.locator("a.public-link").get_attribute("href")
    assert link is not None
    problems += look(desk, screenshots, "published")

    tab(desk, "QR code and widget").click()
    desk.get_by_label("Touchpoint").select_option(label="Home delivery")
    desk.get_by_role("button", name="Show").click()
    qr = desk.get_by_role("img", name="QR code for")
    expect(qr).to_be_visible()
    desk.wait_for_function("() => document.querySelector('.qr img').naturalWidth > 100")
    public_id = app.survey("browser-nps").public_id
    expect(desk.get_by_label("Snippet to copy into the page")).to_have_value(
        f'<script src="http://127.0.0.1:8000/static/widget.js" data-survey="{public_id}" '
        'data-touchpoint="home-delivery" data-lang="fi" async></script>'
    )
    problems += look(desk, screenshots, "share")

    tab(desk, "Triggers").click()
    desk.get_by_label("Event name").fill("Order Delivered")
    desk.get_by_label("Delay", exact=True).fill("2")
    desk.get_by_label("Sample (%)").fill("50")
    desk.get_by_role("button", name="Add the trigger").click()
    expect(desk.get_by_role("row").filter(has_text="Order Delivered")).to_contain_text("2 h")
    problems += look(desk, screenshots, "triggers")

    # The customer, on a phone of their own, answers through the public link.
    parts = urlsplit(link)
    page.goto(f"{app.base}{parts.path}?{parts.query}")
    definition = SurveyDefinition.model_validate(app.survey("browser-nps").definition)
    expect(page.get_by_role("heading", level=1)).to_have_text("Miten onnistuimme?")
    answer(page, definition.question("recommend"), 6)
    problems += look(page, screenshots, "answer")
    submit(page)
    answer(page, definition.question("why"), "Toimitus kesti liian kauan, soita 040 123 4567.")
    submit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiitos vastauksestasi!")
    page.screenshot(path=screenshots / "survey-answered.png", full_page=True)

    # The admin sees it counted, then read as analysed: redacted.
    desk.get_by_role("link", name="All surveys").click()
    row = desk.get_by_role("row").filter(has_text="browser-nps")
    expect(row.get_by_role("link", name="Responses to")).to_have_text("1")
    expect(row).to_contain_text("Published")
    problems += look(desk, screenshots, "list-counted")
    analyze_all(app.database)
    row.get_by_role("link", name="Responses to").click()
    expect(desk.get_by_text("Complete responses: 1")).to_be_visible()
    answers = desk.locator("table.responses dl.answers")
    expect(answers).to_contain_text("6")
    expect(answers.locator("blockquote")).to_contain_text("Toimitus kesti liian kauan")
    expect(answers).not_to_contain_text("040 123 4567")
    problems += look(desk, screenshots, "responses")

    # On a phone, only a wide table scrolls, inside its own box; no screen is wider.
    desk.set_viewport_size(PHONE)
    for path in (
        "",
        "/new",
        "/1",
        "/1/edit",
        "/1/questions/recommend",
        "/1/share",
        "/1/triggers",
        "/1/responses",
    ):
        desk.goto(f"{app.base}/surveys{path}")
        wider = desk.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wider > 0:
            problems.append(f"/surveys{path} is {wider} px wider than a phone")
    desk.goto(f"{app.base}/surveys/1/edit")
    problems += look(desk, screenshots, "builder-phone")

    assert problems == [], "\n".join(problems)
    assert admin_seen == []
    assert watched.errors == []
    assert watched.dialogs == []
