"""The report file opened from disk in a real headless Chromium: every chart drawn under
the file's own policy, no script error, no policy violation, nothing fetched."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Request

from kokemus.reports.context import ReportRequest
from kokemus.reports.period import parse_period
from kokemus.reports.report import build_report
from kokemus.reports.standalone import render_report
from kokemus.store import Database

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"
# Pixels of a drawn chart: axes, labels and bars; an empty canvas has none.
DRAWN = 500


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_chart_is_drawn_offline(
    report_store: Database, browser: Browser, tmp_path: Path
) -> None:
    request = ReportRequest(parse_period("2026-10"), datetime(2026, 11, 3, tzinfo=UTC))
    with report_store.transaction() as session:
        path = tmp_path / "report.html"
        path.write_text(render_report(build_report(session, request)), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    problems: list[str] = []
    fetched: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append(message.text)

    def requested(request: Request) -> None:
        if request.url != path.as_uri():
            fetched.append(request.url)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", requested)
    page.goto(path.as_uri())
    page.wait_for_function("document.querySelectorAll('canvas:not([data-drawn])').length === 0")
    painted = page.evaluate(
        """() => Array.from(document.querySelectorAll('canvas'), canvas => {
            const context = canvas.getContext('2d');
            const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
            let count = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count++;
            return [canvas.id, count];
        })"""
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report.png"), full_page=True)
    for section in page.locator("section").all():
        name = section.get_attribute("id")
        section.screenshot(path=str(SCREENSHOTS / f"report-{name}.png"))
    page.close()
    assert [name for name, _ in painted] == [
        "chart-expectation",
        "chart-stages",
        "chart-touchpoints",
        "chart-trend",
        "chart-drivers",
        "chart-link-enps",
    ]
    assert all(count > DRAWN for _, count in painted), painted
    assert problems == []
    assert fetched == []
