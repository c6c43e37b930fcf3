"""`kokemus report` and `kokemus goals`: what they write and print, and their exit codes
(0 done, 1 refused by the store's contents, 2 a usage error)."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kokemus.cli.main import cli
from kokemus.store import Database
from tests.factories import load_default_journey
from tests.reports.dom import parse


def run(database_url: str, *arguments: str) -> Result:
    return CliRunner().invoke(cli, ["--database-url", database_url, *arguments])


def test_report_writes_one_file(report_store: Database, database_url: str, tmp_path: Path) -> None:
    out = tmp_path / "october.html"
    result = run(database_url, "report", "--period", "2026-10", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Report written to {out} (")
    assert "Headline scores" in result.output
    document = parse(out.read_text(encoding="utf-8"))
    assert len(document.all("section")) == 11
    by_unit = tmp_path / "sales.html"
    result = run(
        database_url,
        "report",
        "--period",
        "2026-Q4",
        "--unit",
        "sales",
        "--metric",
        "ces",
        "--out",
        str(by_unit),
    )
    assert result.exit_code == 0, result.output
    assert "CES by touchpoint" in by_unit.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (["--period", "2026-13"], 2, "months are 01..12"),
        (["--period", "October"], 2, "give a month 2026-10"),
        (["--period", "2026-Q5"], 2, "give a month"),
        ([], 2, "Missing option '--period'"),
        (["--period", "2026-10", "--metric", "happiness"], 2, "Invalid value for '--metric'"),
        (["--period", "2026-10", "--unit", "moon"], 1, "Error: unit: no unit 'moon'"),
    ],
)
def test_report_exit_codes(
    database: Database,
    database_url: str,
    tmp_path: Path,
    arguments: list[str],
    code: int,
    message: str,
) -> None:
    load_default_journey(database)
    out = tmp_path / "report.html"
    result = run(database_url, "report", *arguments, "--out", str(out))
    assert result.exit_code == code, result.output
    assert message in result.output
    assert not out.exists()


def test_report_to_a_folder_that_is_missing(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    result = run(
        database_url, "report", "--period", "2026", "--out", str(tmp_path / "no" / "r.html")
    )
    assert result.exit_code == 1
    assert "Could not open file" in result.output


def test_goals_set_list_remove(report_store: Database, database_url: str) -> None:
    result = run(
        database_url, "goals", "set", "csat", "60", "--period", "2026-10", "--unit", "carrier"
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Goal set: 3  csat 60 for 2026-10-01..2026-10-31 unit carrier: "
    )
    again = run(
        database_url, "goals", "set", "csat", "70", "--period", "2026-10", "--unit", "carrier"
    )
    assert again.exit_code == 0
    assert again.output.startswith("Goal changed: 3  csat 70")
    days = run(
        database_url,
        "goals",
        "set",
        "ces",
        "5.5",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-15",
        "--touchpoint",
        "advice-call",
    )
    assert days.exit_code == 0, days.output
    listed = run(database_url, "goals", "list", "--json")
    assert listed.exit_code == 0
    goals = json.loads(listed.output)
    # By period (start, then end), then id.
    assert [(g["id"], g["metric"], g["target"]) for g in goals] == [
        (4, "ces", 5.5),
        (1, "nps", 10.0),
        (3, "csat", 70.0),
        (2, "nps", 50.0),
    ]
    # CSAT at the carrier in October: stars 5, 4, 4 of 6 are 4-5: 50 %, under 70.
    assert goals[2]["status"] == "missed"
    assert goals[2]["current"]["value"] == 50
    in_logistics = run(database_url, "goals", "list", "--unit", "logistics", "--period", "2026-10")
    assert in_logistics.output.splitlines() == [
        f"   3  csat 70 for 2026-10-01..2026-10-31 unit carrier: missed ({goals[2]['reason']})"
    ]
    removed = run(database_url, "goals", "remove", "3")
    assert (removed.exit_code, removed.output) == (0, "Goal 3 removed.\n")
    assert run(database_url, "goals", "remove", "3").exit_code == 1
    assert run(database_url, "goals", "list", "--unit", "logistics").output == "No goals.\n"


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (["set", "nsp", "40", "--period", "2026-10"], 2, "Invalid value for '{nps|"),
        (["set", "nps", "forty", "--period", "2026-10"], 2, "'forty' is not a valid float"),
        (["set", "nps", "40"], 2, "give --period"),
        (["set", "nps", "40", "--period", "2026-10", "--from", "2026-10-01"], 2, "not both"),
        (["set", "nps", "40", "--from", "2026-10-01", "--to", "2026-10-32"], 2, "--to:"),
        (["set", "nps", "140", "--period", "2026-10"], 1, "Error: target: 140"),
        (["set", "nps", "40", "--period", "2026-10", "--unit", "moon"], 1, "no unit 'moon'"),
        (["set", "nps", "40", "--period", "26-10"], 2, "Invalid value for '--period'"),
        (["list", "--unit", "moon"], 1, "Error: unit: no unit 'moon'"),
        (["remove", "0"], 2, "Invalid value for 'GOAL_ID'"),
        (["remove", "12"], 1, "Error: no goal 12"),
    ],
)
def test_goals_exit_codes(
    database: Database, database_url: str, arguments: list[str], code: int, message: str
) -> None:
    load_default_journey(database)
    result = run(database_url, "goals", *arguments)
    assert result.exit_code == code, result.output
    assert message in result.output
