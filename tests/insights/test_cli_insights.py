import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner, Result

from kokemus.cli.main import cli
from tests.insights.reference import RELAIMPO, needs_relaimpo, published

SWISS_DRIVERS = "Agriculture,Examination,Education,Catholic,Infant.Mortality"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["insights", "drivers", *args])


def output(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.output)
    return payload


def write_csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "answers.csv"
    path.write_text(text, encoding=encoding)
    return str(path)


def survey_csv(tmp_path: Path, rows: int = 40) -> str:
    rng = np.random.default_rng(0)
    lines = ["overall,speed,price"]
    for _ in range(rows):
        speed, price = rng.integers(1, 6, size=2)
        lines.append(f"{speed + price + rng.integers(0, 3)},{speed},{price}")
    return write_csv(tmp_path, "\n".join(lines) + "\n")


@needs_relaimpo
def test_lmg_on_swiss_prints_the_published_importances_with_intervals() -> None:
    swiss = published()["swiss_relaimpo"]
    args = ["--csv", str(RELAIMPO / "swiss.csv"), "--outcome", "Fertility"]
    args += ["--drivers", SWISS_DRIVERS, "--method", "lmg", "--bootstrap", "100", "--seed", "3"]
    first = run(*args)
    payload = output(first)
    assert payload["method"] == "lmg"
    assert payload["n"] == 47
    assert payload["r2"] == pytest.approx(swiss["r2"], abs=1e-6)
    assert [d["name"] for d in payload["drivers"]] == SWISS_DRIVERS.split(",")
    importances = [d["importance"] for d in payload["drivers"]]
    assert importances == pytest.approx(swiss["lmg"], abs=1e-6)
    for driver in payload["drivers"]:
        assert driver["ci_low"] <= driver["importance"] <= driver["ci_high"]
    assert payload["resamples"] == 100
    assert [w["code"] for w in payload["warnings"]] == ["small_sample"]
    assert run(*args).output == first.output


@needs_relaimpo
def test_relative_weights_on_mtcars() -> None:
    reference = published()["johnson_rw_mtcars_rwa_pkg"]["model_a"]
    payload = output(
        run(
            "--csv", str(RELAIMPO / "mtcars.csv"), "--outcome", "mpg",
            "--drivers", "cyl,disp,hp,gear", "--method", "relative_weights", "--bootstrap", "0",
        )
    )  # fmt: skip
    assert [d["importance"] for d in payload["drivers"]] == pytest.approx(
        reference["raw"], abs=1e-6
    )
    assert payload["drivers"][0]["ci_low"] is None


def test_cells_left_blank_or_na_drop_their_rows_and_are_counted(tmp_path: Path) -> None:
    path = survey_csv(tmp_path)
    lines = Path(path).read_text().splitlines()
    lines[3] = "4,,2"
    lines[7] = "NA,3,3"
    Path(path).write_text("\n".join(lines) + "\n")
    payload = output(run("--csv", path, "--outcome", "overall", "--drivers", "speed,price"))
    assert payload["n"] == 38
    assert payload["rows_dropped"] == 2
    assert {"code": "rows_dropped", "message": "2 rows with a missing value were left out"} in (
        payload["warnings"]
    )


def test_a_header_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = survey_csv(tmp_path)
    Path(path).write_text(Path(path).read_text(), encoding="utf-8-sig")
    assert output(run("--csv", path, "--outcome", "overall", "--drivers", "speed"))["n"] == 40


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--outcome", "overall", "--drivers", "speed,taste"], "no column 'taste' in answers.csv"),
        (["--outcome", "nps", "--drivers", "speed"], "Invalid value for --outcome: no column"),
        (["--outcome", "overall", "--drivers", "speed,overall"], "overall is the outcome"),
        (["--outcome", "overall", "--drivers", "speed,speed"], "named more than once"),
        (["--outcome", "overall", "--drivers", " , "], "name at least one driver column"),
        (["--outcome", "overall", "--drivers", "speed", "--method", "ols"], "'ols' is not one"),
        (["--outcome", "overall", "--drivers", "speed", "--bootstrap", "-1"], "--bootstrap"),
        (["--drivers", "speed"], "Missing option '--outcome'"),
    ],
)
def test_usage_errors_name_the_option_and_column(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = run("--csv", survey_csv(tmp_path), *args)
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("4,fast,2", "row 5, column speed: 'fast' is not a number"),
        ("4,3,inf", "row 5, column price: 'inf' is not a finite number"),
        ("4,3", "row 5 has 2 fields, the header 3"),
    ],
)
def test_a_bad_cell_is_named_by_row_and_column(tmp_path: Path, bad_line: str, message: str) -> None:
    path = survey_csv(tmp_path)
    lines = Path(path).read_text().splitlines()
    lines[4] = bad_line
    Path(path).write_text("\n".join(lines) + "\n")
    result = run("--csv", path, "--outcome", "overall", "--drivers", "speed,price")
    assert result.exit_code == 2
    assert f"Invalid value for --csv: {message}" in result.output


def test_an_empty_or_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    empty = run("--csv", write_csv(tmp_path, ""), "--outcome", "overall", "--drivers", "speed")
    assert empty.exit_code == 2
    assert "answers.csv is empty" in empty.output
    missing = run("--csv", str(tmp_path / "nothing.csv"), "--outcome", "a", "--drivers", "b")
    assert missing.exit_code == 2


def test_data_the_analysis_cannot_use_exits_with_status_1(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "overall,speed\n" + "".join(f"3,{i}\n" for i in range(10)))
    result = run("--csv", path, "--outcome", "overall", "--drivers", "speed")
    assert result.exit_code == 1
    assert "the outcome has the same value in every row" in result.output
