"""The report in Finnish, Swedish and English: every text in every language, the
moments' reasons in the report's language, `kokemus report --lang`, and a unit's report
analysing only that unit."""

import re
import string
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kokemus.cli.main import cli
from kokemus.insights.moment_reasons import render_reason
from kokemus.insights.moments_service import MomentsQuery, moments_of_truth
from kokemus.insights.survey_data import SurveyDriverQuery, survey_drivers
from kokemus.reports.context import ReportRequest
from kokemus.reports.period import parse_period
from kokemus.reports.reasons import warning_text
from kokemus.reports.report import build_report
from kokemus.reports.report_texts import LANGUAGES, TEXTS
from kokemus.reports.standalone import render_report
from kokemus.store import Database
from tests.reports.dom import Node, parse

NOW = datetime(2026, 11, 3, 8, tzinfo=UTC)
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
DICT_METHODS = {"clear", "items", "keys", "values", "get", "update", "pop", "copy"}
DICT_METHODS |= {"popitem", "setdefault", "fromkeys"}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_key() -> None:
    assert set(TEXTS) == set(LANGUAGES)
    english = TEXTS["en"]
    for language in LANGUAGES:
        texts = TEXTS[language]
        assert set(texts) == set(english), language
        assert not set(texts) & DICT_METHODS
        for key, text in texts.items():
            assert text.strip(), (language, key)
            # Each language fills in the same blanks.
            assert fields(text) == fields(english[key]), (language, key)


def report_document(database: Database, **options: Any) -> Node:
    request = ReportRequest(period=parse_period("2026-10"), now=NOW, **options)
    with database.transaction() as session:
        return parse(render_report(build_report(session, request)))


def moments_table(document: Node) -> list[list[str]]:
    return document.by_id("moments").all("table")[0].rows()


def store_moments(database: Database) -> list[dict[str, Any]]:
    drivers = SurveyDriverQuery("delivery", *OCTOBER, outcome="score")
    with database.transaction() as session:
        found: list[dict[str, Any]] = moments_of_truth(session, MomentsQuery(drivers=drivers))[
            "moments"
        ]
    return found


def test_a_finnish_report(report_store: Database) -> None:
    document = report_document(report_store, language="fi")
    assert document.all("html")[0].attrs["lang"] == "fi"
    assert document.all("h1")[0].text == "Asiakaskokemus 2026-10"
    titles = [node.text for node in document.all("h2")]
    assert titles[0] == "Pääluvut"
    assert "Totuuden hetket" in titles
    assert "Keskeiset selittäjät" in titles
    assert document.all("nav")[0].attrs["aria-label"] == "Osiot"
    header, *figures = document.by_id("headline").all("table")[0].rows()
    assert header[:3] == ["Mittari", "Luku", "95 %:n väli"]
    nps = next(row for row in figures if row[0] == "NPS")
    # By hand (see test_report): +27.3 over 11 answers, with a decimal comma.
    assert nps[1] == "+27,3"
    assert nps[4].startswith("arvostelijat 27\u00a0% / passiiviset 18\u00a0%")
    rows = moments_table(document)
    assert rows[0][1] == "Toimenpide"
    moments = store_moments(report_store)
    for row, moment in zip(rows[1:], moments, strict=True):
        assert row[1] == "seuraa"
        assert row[-1] == render_reason(moment["reason_code"], moment["reason_params"], "fi")
        assert row[-1] != moment["reason"]
    text = document.by_id("moments").text + document.by_id("journeys").text
    assert "monitor it" not in text
    assert "Most common paths" not in text
    assert "Yleisimmät reitit (2 asiakasta)" in text
    expectation = document.by_id("expectation").text
    for table in document.all("table"):
        for row in table.rows():
            assert not any(re.search(r"\d\.\d", cell) for cell in row), row
    said = re.search(r"Kaikki kohtaamispisteet: [^)]*\)", expectation)
    assert said, expectation
    assert re.search(r"heikko \d+,\d\s%", said.group()), said.group()
    assert not re.search(r"\d\.\d", said.group())


def test_a_swedish_report_and_english_by_default(report_store: Database) -> None:
    swedish = report_document(report_store, language="sv")
    assert swedish.all("h1")[0].text == "Kundupplevelse 2026-10"
    assert "Sanningens ögonblick" in [node.text for node in swedish.all("h2")]
    assert moments_table(swedish)[1][1] == "följ upp"
    english = report_document(report_store)
    assert english.all("html")[0].attrs["lang"] == "en"
    moments = store_moments(report_store)
    assert [row[-1] for row in moments_table(english)[1:]] == [m["reason"] for m in moments]


def test_report_lang_on_the_command_line(
    report_store: Database, database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "lokakuu.html"
    arguments = ["--database-url", database_url, "report", "--period", "2026-10"]
    result = CliRunner().invoke(cli, [*arguments, "--lang", "sv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert parse(out.read_text(encoding="utf-8")).all("h1")[0].text == "Kundupplevelse 2026-10"
    refused = CliRunner().invoke(cli, [*arguments, "--lang", "de", "--out", str(out)])
    assert refused.exit_code == 2
    assert "Invalid value for '--lang'" in refused.output


def test_a_units_report_analyses_that_unit(report_store: Database) -> None:
    organisation = report_document(report_store)
    assert "Survey delivery" in organisation.by_id("drivers").text
    # Sales answered only the advice survey: its drivers and moments are the advice call's.
    sales = report_document(report_store, unit="sales")
    assert "Survey advice" in sales.by_id("drivers").text
    assert "delivery" not in sales.by_id("drivers").text
    assert "whole organisation" not in sales.by_id("drivers").text
    # The carrier's answers are all of the delivery survey's in October.
    carrier = report_document(report_store, unit="carrier")
    query = SurveyDriverQuery("delivery", *OCTOBER, outcome="score", themes=True, unit="carrier")
    with report_store.transaction() as session:
        _, analysis = survey_drivers(session, query)
    assert f"n = {analysis.n} responses" in carrier.by_id("drivers").text
    # The customers' paths run through e-commerce's touchpoints, not the carrier's.
    assert "No customer events at touchpoints" in carrier.by_id("journeys").text
    ecommerce = report_document(report_store, unit="ecommerce")
    assert re.search(r"Most common paths \(2 customers\)", ecommerce.by_id("journeys").text)
    with pytest.raises(Exception, match="unit"):
        report_document(report_store, unit="moon")


def test_a_finnish_report_says_driver_warnings_and_goal_reasons_in_finnish(
    report_store: Database,
) -> None:
    document = report_document(report_store, language="fi")
    query = SurveyDriverQuery("delivery", *OCTOBER, outcome="score", themes=True)
    with report_store.transaction() as session:
        _, analysis = survey_drivers(session, query)
    small = next(w for w in analysis.warnings if w.code == "small_sample")
    notes = [node.text for node in document.by_id("drivers").all("p")]
    assert f"Vastaajia {small.params['n']}, selittäjiä {small.params['p']}" in " ".join(notes)
    assert warning_text(small, "fi") in notes
    assert not any(warning.message in notes for warning in analysis.warnings)
    assert any("r = 0," in note for note in notes)
    header, *rows = document.by_id("goals").all("table")[0].rows()
    assert header[-1] == "Miksi"
    # By hand: the organisation's October NPS +27.3 against a target of +10.
    assert rows[0][-1] == "luku 27,3 saavutti tavoitteen 10"
    assert rows[1][-1].startswith("nyt 66,7, mutta tavoite 50 on luottamusvälin")
    english = report_document(report_store).by_id("goals").all("table")[0].rows()
    assert english[1][-1] == "27.3 reached the target 10"
