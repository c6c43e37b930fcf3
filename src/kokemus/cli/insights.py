import csv
import math
from collections.abc import Sequence
from pathlib import Path

import click
import numpy as np
import orjson

from kokemus.insights.drivers import (
    DEFAULT_SEED,
    METHODS,
    DriverDataError,
    Method,
    Vector,
    analyse_drivers,
)

# Cells read as missing, not as bad numbers: blank, and what R and spreadsheets write.
MISSING = frozenset({"", "na", "n/a", "nan", "null"})

CsvArgument = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group("insights")
def group() -> None:
    """Insights from exported data: what drives an outcome."""


@group.command("drivers")
@click.option("--csv", "csv_path", type=CsvArgument, required=True, help="One row per respondent.")
@click.option("--outcome", required=True, help="Column of the outcome, e.g. overall satisfaction.")
@click.option("--drivers", "driver_list", required=True, help="Driver columns, comma-separated.")
@click.option("--method", type=click.Choice(METHODS), default="lmg", show_default=True)
@click.option(
    "--bootstrap",
    type=click.IntRange(min=0),
    help="Resamples for the intervals, 0 for none [default: 1000, fewer for LMG on many drivers]",
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True)
def drivers_command(
    csv_path: Path,
    outcome: str,
    driver_list: str,
    method: Method,
    bootstrap: int | None,
    seed: int,
) -> None:
    """Relative importance of each driver for the outcome, as JSON.

    Rows with a blank or NA cell are left out and counted in the warnings. A missing
    column or a cell that is not a number is a usage error (exit status 2); data the
    analysis cannot use (say, a constant outcome) exits with status 1.
    """
    drivers = _driver_names(driver_list, outcome)
    columns = read_numeric_columns(csv_path, {"--outcome": [outcome], "--drivers": drivers})
    try:
        analysis = analyse_drivers(
            np.column_stack([columns[name] for name in drivers]),
            columns[outcome],
            drivers,
            method=method,
            resamples=bootstrap,
            seed=seed,
        )
    except DriverDataError as error:
        raise click.ClickException(str(error)) from error
    payload = {"outcome": outcome, **analysis.to_dict()}
    click.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode())


def read_numeric_columns(path: Path, wanted: dict[str, Sequence[str]]) -> dict[str, Vector]:
    """The named columns as floats, NaN where a cell is missing.

    `wanted` maps the option that named the columns to them, for the error message.
    """
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        header = next(reader, None)
        if not header:
            raise _bad_csv(f"{path.name} is empty")
        indexes = _column_indexes(path, header, wanted)
        values: dict[str, list[float]] = {name: [] for name in indexes}
        for number, row in enumerate(reader, start=2):
            if len(row) != len(header):
                raise _bad_csv(f"row {number} has {len(row)} fields, the header {len(header)}")
            for name, index in indexes.items():
                values[name].append(_number(row[index], number, name))
    return {name: np.array(column, dtype=np.float64) for name, column in values.items()}


def _driver_names(value: str, outcome: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        raise click.BadParameter("name at least one driver column", param_hint="--drivers")
    if len(set(names)) != len(names):
        raise click.BadParameter("a column is named more than once", param_hint="--drivers")
    if outcome in names:
        raise click.BadParameter(f"{outcome} is the outcome", param_hint="--drivers")
    return names


def _column_indexes(
    path: Path, header: list[str], wanted: dict[str, Sequence[str]]
) -> dict[str, int]:
    positions = {name.strip(): index for index, name in enumerate(header)}
    indexes = {}
    for option, names in wanted.items():
        for name in names:
            if name not in positions:
                raise click.BadParameter(
                    f"no column {name!r} in {path.name}; its columns: {', '.join(header)}",
                    param_hint=option,
                )
            indexes[name] = positions[name]
    return indexes


def _number(cell: str, row: int, column: str) -> float:
    text = cell.strip()
    if text.lower() in MISSING:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        raise _bad_csv(f"row {row}, column {column}: {cell!r} is not a number") from None
    if not math.isfinite(value):
        raise _bad_csv(f"row {row}, column {column}: {cell!r} is not a finite number")
    return value


def _bad_csv(message: str) -> click.BadParameter:
    return click.BadParameter(message, param_hint="--csv")
