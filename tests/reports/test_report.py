"""The standalone report from hand-counted answers, read back as HTML: its sections, its
figures against the breakdown's, every chart's JSON and table, escaping, and that it needs
nothing from anywhere."""

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from kokemus.insights.survey_data import SurveyDriverQuery, survey_drivers
from kokemus.metrics.breakdown import BreakdownQuery
from kokemus.metrics.definitions import MetricName
from kokemus.metrics.service import breakdown
from kokemus.reports.analyses import driver_survey
from kokemus.reports.charts import figure, interval
from kokemus.reports.context import ReportRequest
from kokemus.reports.period import parse_period
from kokemus.reports.report import build_report
from kokemus.reports.standalone import content_hash, render_report
from kokemus.store import Database
from tests.reports.conftest import HOSTILE_COMMENT, HOSTILE_NAME
from tests.reports.dom import Node, parse
from tests.reports.helpers import add_survey, answer, day

NOW = datetime(2026, 11, 3, 8, tzinfo=UTC)
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


def report_html(database: Database, period: str = "2026-10", **options: Any) -> str:
    request = ReportRequest(period=parse_period(period), now=NOW, **options)
    with database.transaction() as session:
        return render_report(build_report(session, request))


@pytest.fixture
def html(report_store: Database) -> str:
    return report_html(report_store)


@pytest.fixture
def document(html: str) -> Node:
    return parse(html)


def table_of(section: Node, caption: str | None = None) -> list[list[str]]:
    for table in section.all("table"):
        if caption is None or table.all("caption")[0].text == caption:
            return table.rows()
    raise AssertionError(f"no table {caption!r}")


def charts(document: Node) -> dict[str, dict[str, Any]]:
    found = {}
    for block in document.all("script", type="application/json"):
        assert block.attrs["class"] == "chart-data"
        spec = json.loads(block.text)
        found[spec["canvas"]] = spec
    return found


def test_the_sections(document: Node) -> None:
    sections = [node.attrs["id"] for node in document.all("section")]
    assert sections == [
        "headline",
        "expectation",
        "stages",
        "touchpoints",
        "trend",
        "drivers",
        "moments",
        "journeys",
        "link",
        "goals",
        "comments",
    ]
    links = [a.attrs["href"] for a in document.all("nav")[0].all("a")]
    assert links == [f"#{section}" for section in sections]
    assert document.all("h1")[0].text == "Customer experience 2026-10"


def test_headline_figures_are_the_breakdowns(report_store: Database, document: Node) -> None:
    rows = {row[0]: row for row in table_of(document.by_id("headline"))[1:]}
    assert set(rows) == {"NPS", "CSAT", "Average stars", "CES", "Expectation net", "eNPS"}
    named: tuple[tuple[MetricName, str], ...] = (
        ("nps", "NPS"),
        ("csat", "CSAT"),
        ("ces", "CES"),
        ("enps", "eNPS"),
    )
    with report_store.transaction() as session:
        for metric, name in named:
            result = breakdown(session, BreakdownQuery(metric, *OCTOBER), with_previous=True)
            total = result.total.estimate
            assert rows[name][1:4] == [figure(metric, total.value), interval(total), str(total.n)]
    # By hand: promoters 10, 9, 9, 10 (comment), 10, 10 (advice); detractors 3, 0, 1 of 11.
    assert rows["NPS"][1:4] == [f"{100 * 3 / 11:+.1f}", rows["NPS"][2], "11"]
    # September had 10, 2, 1, 0: -50, so the change is +77.3.
    assert rows["NPS"][5] == "-50.0"
    assert rows["NPS"][6].startswith(f"{100 * 3 / 11 + 50:+.1f} (p = ")
    assert rows["CES"][1] == "6.00"


def test_chart_data_is_the_breakdowns(report_store: Database, document: Node) -> None:
    specs = charts(document)
    assert set(specs) == {
        "chart-expectation",
        "chart-stages",
        "chart-touchpoints",
        "chart-trend",
        "chart-drivers",
        "chart-link-enps",
    }
    with report_store.transaction() as session:
        result = breakdown(
            session, BreakdownQuery("nps", *OCTOBER, ("stage", "touchpoint")), with_previous=True
        )
    by_touchpoint = {group.key["touchpoint"]: group.estimate for group in result.groups}
    spec = specs["chart-touchpoints"]
    # In journey order: advice by phone (consideration) before home delivery.
    assert spec["labels"] == ["Advice by phone or chat", HOSTILE_NAME]
    (series,) = spec["series"]
    for position, key in enumerate(("advice-call", "home-delivery")):
        estimate = by_touchpoint[key]
        assert estimate.value is not None
        assert estimate.ci_low is not None
        assert series["values"][position] == round(estimate.value, 3)
        assert series["ci_low"][position] == round(estimate.ci_low, 3)
        assert series["n"][position] == estimate.n
    assert spec["y_range"] == [-100, 100]
    shares = specs["chart-expectation"]
    assert [s["label"] for s in shares["series"]] == ["weak", "good", "excellent"]
    # Home delivery: weak 2, good 1, excellent 3 of 6.
    assert [s["values"][0] for s in shares["series"]] == [33.333, 16.667, 50.0]


def test_the_trend_has_every_month_with_gaps(document: Node) -> None:
    spec = charts(document)["chart-trend"]
    assert spec["kind"] == "line"
    assert spec["labels"] == [f"2025-{m:02d}" for m in (11, 12)] + [
        f"2026-{m:02d}" for m in range(1, 11)
    ]
    values = dict(zip(spec["labels"], spec["series"][0]["values"], strict=True))
    assert values["2026-05"] == 100
    assert values["2026-09"] == -50
    assert values["2026-10"] == round(100 * 3 / 11, 3)
    assert values["2026-06"] is None
    rows = table_of(document.by_id("trend"))
    assert len(rows) == 1 + 12
    assert rows[-1][:4] == ["2026-10", "+27.3", rows[-1][2], "11"]
    assert rows[-1][-1].startswith("+77.3 (p = ")
    # September follows a gap since May: its change would not be against the month before.
    assert rows[-2][:4] == ["2026-09", "-50.0", rows[-2][2], "4"]
    assert rows[-2][-1] == "–"


def test_every_chart_has_its_table(document: Node) -> None:
    for canvas in document.all("canvas"):
        spec = charts(document)[canvas.attrs["id"]]
        assert canvas.attrs["role"] == "img"
        alternative = document.by_id(canvas.attrs["aria-describedby"])
        rows = alternative.all("table")[0].rows()
        assert len(rows) == 1 + len(spec["labels"])
        assert [row[-len(spec["labels"][0]) :] for row in rows[1:]]  # every row has cells
        shown = [row[1] if "Touchpoint" in rows[0] else row[0] for row in rows[1:]]
        assert shown == spec["labels"]


def test_goals_with_their_status(document: Node) -> None:
    rows = table_of(document.by_id("goals"))
    assert rows[0][:4] == ["Metric", "For", "Period", "Target"]
    organisation, sales = rows[1:]
    # October has ended by the report: +27.3 met the target of +10.
    assert organisation[:5] == ["NPS", "Organisation", "2026-10-01 … 2026-10-31", "+10.0", "+27.3"]
    assert organisation[8] == "met"
    # The quarter's goal for sales, as of the end of October: advice calls at +66.7.
    assert sales[1] == "Sales"
    assert sales[4] == "+66.7"
    assert sales[8] == "at risk"


def test_user_text_is_escaped(html: str, document: Node) -> None:
    assert "<script>alert" not in html
    assert 'alert("comment")' not in html
    assert "&lt;script&gt;alert(&#34;comment&#34;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt; &amp; more" in html
    quotes = [quote.text for quote in document.by_id("comments").all("blockquote")]
    assert HOSTILE_COMMENT in quotes
    # In the chart data the name is JSON with <, > and & escaped, and reads back whole.
    block = next(
        b for b in document.all("script", type="application/json") if "touchpoints" in b.text
    )
    assert "\\u003cscript\\u003e" in block.text
    assert "</" not in block.text
    assert HOSTILE_NAME in json.loads(block.text)["labels"]


def test_the_file_needs_nothing_from_anywhere(html: str, document: Node) -> None:
    for node in document.walk():
        for name in ("src", "href", "action", "srcset"):
            if name in node.attrs:
                assert node.attrs[name].startswith("#"), (node.tag, node.attrs)
    assert not document.all("link")
    scripts = [s.text for s in document.all("script") if "type" not in s.attrs]
    assert len(scripts) == 2
    assert "Chart.js v4" in scripts[0]
    assert "sourceMappingURL" not in scripts[0]
    # Its own policy allows exactly its two scripts and its style sheet.
    (meta,) = document.all("meta", **{"http-equiv": "Content-Security-Policy"})
    policy = {part.split()[0]: part.split()[1:] for part in meta.attrs["content"].split("; ")}
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == [content_hash(script) for script in scripts]
    (style,) = document.all("style")
    assert policy["style-src"] == [content_hash(style.text)]


def test_a_unit_report_counts_its_subtree_only(report_store: Database) -> None:
    document = parse(report_html(report_store, unit="logistics"))
    assert document.all("h1")[0].text == "Customer experience 2026-10: Logistics"
    rows = {row[0]: row for row in table_of(document.by_id("headline"))[1:]}
    # The carrier's answers alone: promoters 10, 9, 9, 10 and detractors 3, 0, 1 of 8.
    assert rows["NPS"][1:4:2] == ["+12.5", "8"]
    assert "CES" not in rows
    # The goals are the organisation's and sales': none is logistics'.
    assert "No goals for this period." in document.by_id("goals").text


def test_quarter_and_year_and_an_empty_period(report_store: Database) -> None:
    quarter = parse(report_html(report_store, "2026-Q4"))
    assert charts(quarter)["chart-trend"]["labels"][-1] == "2026-12"
    year = parse(report_html(report_store, "2026"))
    assert charts(year)["chart-trend"]["labels"][0] == "2026-01"
    empty = parse(report_html(report_store, "2024-02"))
    assert not empty.all("canvas")
    assert "No answers in this period or the one before." in empty.by_id("headline").text
    assert re.search(r"No NPS answers", empty.by_id("touchpoints").text)


def test_key_drivers_are_the_services(report_store: Database, document: Node) -> None:
    # The customer survey with an NPS question and most answers: delivery, outcome score.
    query = SurveyDriverQuery("delivery", *OCTOBER, outcome="score", themes=True)
    with report_store.transaction() as session:
        _, analysis = survey_drivers(session, query)
    spec = charts(document)["chart-drivers"]
    ranked = sorted(analysis.drivers, key=lambda driver: -driver.share)
    assert spec["series"][0]["values"] == [round(100 * d.importance, 3) for d in ranked]
    assert spec["series"][0]["ci_high"] == [
        None if d.ci_high is None else round(100 * d.ci_high, 3) for d in ranked
    ]
    assert spec["labels"][0].startswith(ranked[0].name + " (Home delivery")
    notes = document.by_id("drivers").text
    assert f"R² = {analysis.r2:.2f}, n = {analysis.n} responses" in notes
    moments = table_of(document.by_id("moments"))
    assert moments[1][:2] == [HOSTILE_NAME, "monitor"]


def test_journeys_and_the_employee_customer_link(document: Node) -> None:
    journeys = document.by_id("journeys")
    assert table_of(journeys, "Most common paths (2 customers)")[1:] == [
        ["Website and product pages → Online checkout", "2", "100.0"]
    ]
    friction = table_of(journeys, "Friction")
    assert [row[0] for row in friction[1:]] == [
        "Repeat contact within 7 days",
        "Contact within 7 days after a delivery",
        "Reopened tickets",
    ]
    link = charts(document)["chart-link-enps"]
    # The carrier: eNPS (4 - 0) / 6 = +66.7 against its customers' NPS +12.5 (8 answers).
    assert link["labels"] == ["Delivery partner"]
    assert link["series"][0]["x"] == [66.667]
    assert link["series"][0]["values"] == [12.5]
    assert "eNPS: 1 unit, too few for a rank correlation." in document.by_id("link").text


def test_drivers_prefer_a_survey_that_rates_several_touchpoints(report_store: Database) -> None:
    add_survey(
        report_store,
        "purchase",
        [("recommend", "nps"), ("site", "rating", "website"), ("delivery", "rating")],
        touchpoint="home-delivery",
    )
    # One answer against the delivery survey's eight: it rates two touchpoints.
    answer(report_store, "purchase", {"recommend": 9, "site": 5, "delivery": 4}, day(10, 25))
    request = ReportRequest(period=parse_period("2026-10"), now=NOW)
    with report_store.transaction() as session:
        assert driver_survey(session, request) == ("purchase", "recommend")
        advice = replace(request, drivers_survey="advice")
        assert driver_survey(session, advice) == ("advice", "score")
        assert driver_survey(session, replace(advice, drivers_outcome="ease")) == ("advice", "ease")
        assert driver_survey(session, replace(request, drivers_survey="missing")) is None
