"""The demo company in a real browser: an analyst signs in, sees the overview's charts
drawn from the demo's answers, drills down, filters the feedback, corrects a label and
opens the customer behind a comment; a partner is refused another unit's customer.
Every page is checked for names, contrast and targets, and kept as a screenshot."""

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.customers.models import Customer, Identity
from kokemus.demo.generate import build_demo
from kokemus.enrich.models import TextAnalysisRecord, TextCorrection
from kokemus.ingest.models import Event
from kokemus.journeys.models import Touchpoint, Unit
from kokemus.store import Database
from tests.accounts.helpers import PASSWORD, add_user
from tests.browser.test_accessibility import page_checks
from tests.browser.test_survey_builder import watch
from tests.live_server import serving

# A year that is over whatever day the tests run; small enough to build in seconds.
END = date(2026, 6, 30)
CUSTOMERS = 1500
ANALYST = "aino@example.com"
PARTNER = "kalle@vauhti.example"


@dataclass
class Demo:
    base: str
    database: Database


@pytest.fixture(scope="module")
def demo(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    path = tmp_path_factory.mktemp("demo-company") / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    database = Database(url)
    build_demo(database, customers=CUSTOMERS, end=END)
    add_user(database, ANALYST, role="analyst", language="en", display_name="Aino Analyst")
    add_user(database, PARTNER, role="partner", units=("carrier",), language="fi")
    with serving(create_app(Settings(database_url=url), database)) as base:
        yield Demo(base, database)
    database.dispose()


def look(page: Page, screenshots: Path, name: str) -> list[str]:
    page.screenshot(path=screenshots / f"demo-{name}.png", full_page=True)
    problems = page_checks(page)
    # A template that reads a text key named like a dict method prints the method.
    if "built-in method" in page.locator("body").inner_text():
        problems.append("a Python object's repr is on the page")
    return [f"{name}: {problem}" for problem in problems]


def sign_in(page: Page, base: str, email: str, labels: tuple[str, str, str]) -> None:
    page.goto(f"{base}/login")
    email_label, password_label, button = labels
    page.get_by_label(email_label).fill(email)
    page.get_by_label(password_label).fill(PASSWORD)
    page.get_by_role("button", name=button).click()


def drawn_points(page: Page) -> list[int]:
    """For each drawn chart on the page, how many numbers its datasets hold."""
    counted: list[int] = page.evaluate(
        """() => Array.from(document.querySelectorAll('canvas[data-drawn="true"]')).map(
            (canvas) => window.Chart.getChart(canvas).data.datasets.reduce(
                (sum, set) => sum + set.data.filter((v) => typeof v === "number").length, 0))"""
    )
    return counted


def headline_n(page: Page) -> int:
    text = page.locator(".headline-card .interval").first.inner_text()
    return int(text.rsplit("n", 1)[1].strip())


def test_the_analyst_explores_the_demo_company(demo: Demo, desk: Page, screenshots: Path) -> None:
    seen = watch(desk)
    sign_in(desk, demo.base, ANALYST, ("Email", "Password", "Sign in"))
    expect(desk).to_have_url(f"{demo.base}/")
    expect(desk.get_by_role("heading", name="Headline scores · 2026-06")).to_be_visible()

    # The charts are drawn by Chart.js from the page's data, each beside its table.
    expect(desk.locator('canvas[data-drawn="true"]').first).to_be_visible()
    points = drawn_points(desk)
    assert len(points) >= 2, points
    assert all(count > 0 for count in points), points
    for canvas in desk.locator("canvas").all():
        table = desk.locator(f"#{canvas.get_attribute('aria-describedby')}")
        assert table.locator("tbody tr").count() > 0
    heatmap = desk.get_by_role("table").filter(has=desk.get_by_role("link", name="Home delivery"))
    expect(heatmap).to_be_visible()
    # Each touchpoint's action, with the reason for it.
    moments = desk.get_by_role("region", name="Moments of truth").locator("tbody tr")
    expect(moments.first).to_be_visible()
    reasons = moments.locator("td:last-child").all_inner_texts()
    assert reasons
    assert all(reason.strip() for reason in reasons)
    organisation_n = headline_n(desk)
    problems = look(desk, screenshots, "overview")

    # Drill down: one touchpoint from the heatmap, then a unit and a quarter from the filters.
    heatmap.get_by_role("link", name="Home delivery").click()
    expect(desk).to_have_url(f"{demo.base}/?period=2026-06&touchpoint=home-delivery")
    expect(desk.get_by_label("Touchpoint", exact=True)).to_have_value("home-delivery")
    assert 0 < headline_n(desk) < organisation_n
    problems += look(desk, screenshots, "overview-home-delivery")
    desk.get_by_label("Touchpoint", exact=True).select_option("")
    desk.get_by_label("Period", exact=True).select_option("2026-Q2")
    desk.get_by_role("button", name="Show").click()
    expect(desk.get_by_role("heading", name="Headline scores · 2026-Q2")).to_be_visible()
    assert drawn_points(desk)
    quarter_n = headline_n(desk)
    problems += look(desk, screenshots, "overview-quarter")
    desk.get_by_label("Unit", exact=True).select_option("store-jyvaskyla")
    desk.get_by_role("button", name="Show").click()
    expect(desk.get_by_label("Unit", exact=True)).to_have_value("store-jyvaskyla")
    # The moments of truth are the store's own, ranked over its answers alone.
    moments = desk.get_by_role("region", name="Moments of truth").locator("tbody tr")
    expect(moments.first).to_be_visible()
    assert 0 < headline_n(desk) < quarter_n
    problems += look(desk, screenshots, "overview-store-quarter")

    # The feedback explorer: the negative comments about damaged deliveries.
    desk.get_by_role("navigation", name="Main").get_by_role("link", name="Feedback").click()
    filters = desk.get_by_role("search", name="Filters")
    filters.get_by_label("Theme").select_option("delivery_damage")
    filters.get_by_label("Sentiment").select_option("negative")
    filters.get_by_role("button", name="Show").click()
    items = desk.locator("li.feedback-item")
    expect(items.first).to_be_visible()
    count = items.count()
    assert count > 0
    expect(items.locator(".tag", has_text="Damaged delivery")).to_have_count(count)
    expect(items.locator(".sentiment-negative")).to_have_count(count)
    problems += look(desk, screenshots, "feedback-filtered")

    # Correct the first one's labels: the sentiment is mixed, and the courier is a theme too.
    item = items.first
    analysis_id = int((item.get_attribute("id") or "").removeprefix("text-"))
    item.get_by_text("Correct the labels").click()
    item.get_by_label("Sentiment").select_option("mixed")
    item.get_by_role("group", name="Theme").get_by_label("Courier").check()
    item.get_by_role("button", name="Save labels").click()
    expect(desk.get_by_role("status")).to_have_text("Labels saved.")
    # It is negative no more, so the same filters leave it out; mixed ones show it, corrected.
    expect(desk.locator(f"#text-{analysis_id}")).to_have_count(0)
    filters.get_by_label("Sentiment").select_option("mixed")
    filters.get_by_role("button", name="Show").click()
    corrected = desk.locator(f"#text-{analysis_id}")
    expect(corrected.locator(".sentiment-mixed")).to_be_visible()
    expect(corrected.get_by_text("Corrected by an analyst")).to_be_visible()
    expect(corrected.locator(".tag", has_text="Courier")).to_be_visible()
    problems += look(desk, screenshots, "feedback-corrected")
    with demo.database.transaction() as session:
        record = session.get(TextAnalysisRecord, analysis_id)
        assert record is not None
        assert record.sentiment == "mixed"
        assert "courier" in record.themes
        assert session.scalar(
            select(TextCorrection.id).where(TextCorrection.analysis_id == analysis_id)
        )

    # The customer behind the comment, across the systems that know them.
    corrected.get_by_role("link", name="Open the customer").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Customer")
    expect(desk.locator("blockquote").first).to_be_visible()
    sources = {
        line.rsplit("Source:", 1)[1].strip()
        for line in desk.locator("ol.events > li").all_inner_texts()
        if "Source:" in line
    }
    assert len(sources) >= 2, sources
    problems += look(desk, screenshots, "customer")

    # The demo's year ended in June: the story wall looks back a year, grouped by theme.
    desk.get_by_role("navigation", name="Main").get_by_role("link", name="Stories").click()
    desk.locator("#days").select_option("365")
    desk.locator("#group_by").select_option("theme")
    desk.locator("form.filters").get_by_role("button").click()
    expect(desk.get_by_role("heading", name="Damaged delivery")).to_be_visible()
    expect(desk.locator(".story-card").first).to_be_visible()
    problems += look(desk, screenshots, "stories")
    assert problems == [], "\n".join(problems)
    assert seen == []


def test_a_partner_is_refused_a_customer_met_only_at_other_units(
    demo: Demo, desk: Page, screenshots: Path
) -> None:
    with demo.database.transaction() as session:
        carrier = select(Unit.id).where(Unit.key == "carrier").scalar_subquery()
        at_carrier = select(Touchpoint.id).where(Touchpoint.owner_unit_id == carrier)
        met_by_carrier = (
            select(Identity.customer_id)
            .join(Event, Event.identity_id == Identity.id)
            .where(Event.touchpoint_id.in_(at_carrier))
        )
        theirs = session.scalar(select(Customer.id).where(Customer.id.in_(met_by_carrier)))
        other = session.scalar(
            select(Customer.id)
            .where(Customer.id.not_in(met_by_carrier), Customer.merged_into_id.is_(None))
            .order_by(Customer.id)
        )
    assert theirs is not None
    assert other is not None
    sign_in(desk, demo.base, PARTNER, ("Email", "Password", "Sign in"))
    expect(desk.get_by_role("heading", level=1)).to_be_visible()

    shown = desk.goto(f"{demo.base}/customers/{theirs}")
    assert shown is not None
    assert shown.status == 200
    refused = desk.goto(f"{demo.base}/customers/{other}")
    assert refused is not None
    assert refused.status == 403
    expect(desk.get_by_role("heading", level=1)).to_be_visible()
    problems = look(desk, screenshots, "partner-refused")
    assert problems == [], "\n".join(problems)
