"""The chart helpers' English column and series names, in the report's language."""

import re
from collections.abc import Mapping
from dataclasses import replace

from kokemus.reports.charts import METRIC_NAMES, Chart, Table

# The band names in a shares cell ("weak 33 % / good 17 % / ..."), as charts.shares writes them.
_BAND = re.compile(r"\b(weak|good|excellent|detractors|passives|promoters)(?= -?\d)")


_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")


def with_decimal_mark(text: str, mark: str) -> str:
    """Every decimal point between digits in `text` written as `mark` ("4.2" → "4,2")."""
    return text if mark == "." else _DECIMAL_POINT.sub(mark, text)


def word(texts: Mapping[str, str], english: str) -> str:
    return texts.get(f"col:{english}", english)


def metric_name(texts: Mapping[str, str], metric: str) -> str:
    return texts.get(f"metric:{metric}", METRIC_NAMES.get(metric, metric))


def localised(chart: Chart, texts: Mapping[str, str]) -> Chart:
    """The chart with its table's columns, its series and its axis in the texts' language."""
    names = {english: texts[f"metric:{m}"] for m, english in METRIC_NAMES.items()}

    def say(english: str) -> str:
        return names.get(english) or word(texts, english)

    table = chart.table
    return replace(
        chart,
        series=tuple(replace(one, label=say(one.label)) for one in chart.series),
        table=localised_table(replace(table, columns=tuple(say(c) for c in table.columns)), texts),
        y_label=say(chart.y_label),
        interval_label=word(texts, "95 % interval"),
        decimal_mark=texts.get("decimal_mark", "."),
    )


def localised_table(table: Table, texts: Mapping[str, str]) -> Table:
    """The table with the words the chart helpers put in its cells in the texts' language."""
    rows = tuple(tuple(cell_text(cell, texts) for cell in row) for row in table.rows)
    return replace(table, rows=rows)


def cell_text(cell: str, texts: Mapping[str, str]) -> str:
    if cell == "withheld":
        return texts["withheld"]
    cell = cell.replace(", significant)", f", {texts['significant']})")
    cell = with_decimal_mark(cell, texts["decimal_mark"])
    return _BAND.sub(lambda found: word(texts, found.group(1)), cell)
