"""Charts from breakdowns: a spec for the drawing script, and the table that says the same.

A chart is JSON in a `<script type="application/json" class="chart-data">` block, which
the static `charts.js` reads and draws with Chart.js: pages need no inline script, so they
keep a Content-Security-Policy without 'unsafe-inline'. Every chart carries its table, so
what the chart shows can be read without it (screen readers, print, no JavaScript).

Pure functions over `BreakdownResult`s; the web pages and the standalone report share them.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kokemus.metrics.definitions import BANDS, VALUE_RANGES, Estimate
from kokemus.metrics.service import BreakdownResult, GroupResult

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"
# Served at /static/vendor/chart.umd.min.js and /static/charts.js; `make install` copies the
# first from node_modules (Chart.js as package-lock.json pins it).
CHART_LIBRARY = STATIC / "vendor" / "chart.umd.min.js"
DRAWING_SCRIPT = STATIC / "charts.js"
NET_METRICS = frozenset({"nps", "enps", "expectation"})
MEAN_METRICS = frozenset({"ces", "stars"})
METRIC_NAMES: Mapping[str, str] = {
    "nps": "NPS",
    "enps": "eNPS",
    "csat": "CSAT",
    "stars": "Average stars",
    "ces": "CES",
    "expectation": "Expectation net",
}
# A figure and its % sign stay on one line.
PERCENT = "\u00a0%"
Kind = Literal["bar", "line", "stacked", "scatter"]
LabelOf = Callable[[Mapping[str, str]], str]


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # Columns of figures, aligned right.
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]
    ci_low: tuple[float | None, ...] | None = None
    ci_high: tuple[float | None, ...] | None = None
    n: tuple[int | None, ...] | None = None
    # A colour role the drawing script knows: score, weak, good, excellent, previous.
    role: str = "score"
    # Scatter charts: each point's x (values are the y); the chart's labels name the points.
    x: tuple[float | None, ...] | None = None


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    kind: Kind
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    table: Table
    y_label: str = ""
    y_range: tuple[float, float] | None = None
    horizontal: bool = False
    x_label: str = ""
    x_range: tuple[float, float] | None = None
    # What the drawing script calls a line's interval band, and how it writes decimals.
    interval_label: str = "95 % interval"
    decimal_mark: str = "."

    def spec(self) -> dict[str, object]:
        """The JSON the drawing script reads; numbers rounded to what a chart can show."""
        return {
            "canvas": self.id,
            "title": self.title,
            "kind": self.kind,
            "horizontal": self.horizontal,
            "labels": list(self.labels),
            "y_label": self.y_label,
            "y_range": list(self.y_range) if self.y_range else None,
            "x_label": self.x_label,
            "x_range": list(self.x_range) if self.x_range else None,
            "series": [_series_spec(series) for series in self.series],
            "interval_label": self.interval_label,
            "decimal_mark": self.decimal_mark,
        }


def _series_spec(series: Series) -> dict[str, object]:
    spec: dict[str, object] = {
        "label": series.label,
        "role": series.role,
        "values": [_rounded(value) for value in series.values],
    }
    if series.ci_low is not None and series.ci_high is not None:
        spec["ci_low"] = [_rounded(value) for value in series.ci_low]
        spec["ci_high"] = [_rounded(value) for value in series.ci_high]
    if series.n is not None:
        spec["n"] = list(series.n)
    if series.x is not None:
        spec["x"] = [_rounded(value) for value in series.x]
    return spec


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def figure(metric: str, value: float | None) -> str:
    """A score as people read it: nets signed, shares in %, means to two decimals."""
    if value is None:
        return "–"
    if metric in NET_METRICS:
        return f"{value:+.1f}"
    if metric in MEAN_METRICS:
        return f"{value:.2f}"
    return f"{value:.1f}{PERCENT}"


def interval(estimate: Estimate) -> str:
    if estimate.ci_low is None or estimate.ci_high is None:
        return "–"
    decimals = 2 if estimate.metric in MEAN_METRICS else 1
    return f"{estimate.ci_low:.{decimals}f} … {estimate.ci_high:.{decimals}f}"


def change(group: GroupResult) -> str:
    """The change since the previous period, and whether it is more than chance."""
    if group.change is None or group.change.delta is None:
        return "–"
    decimals = 2 if group.estimate.metric in MEAN_METRICS else 1
    text = f"{group.change.delta:+.{decimals}f}"
    if group.change.p_value is not None:
        significant = ", significant" if group.change.significant else ""
        text += f" (p = {group.change.p_value:.3f}{significant})"
    return text


def count(estimate: Estimate) -> str:
    return "withheld" if estimate.withheld else str(estimate.n)


def shares(estimate: Estimate) -> str:
    if not estimate.shares:
        return "–"
    return " / ".join(f"{name} {share:.0f}{PERCENT}" for name, share in estimate.shares.items())


def score_cells(group: GroupResult) -> tuple[str, ...]:
    """Score, 95 % interval, n, band shares and change: the columns of every score table."""
    estimate = group.estimate
    if estimate.withheld:
        return ("withheld", "–", "withheld", "–", "–")
    return (
        figure(estimate.metric, estimate.value),
        interval(estimate),
        count(estimate),
        shares(estimate),
        change(group),
    )


SCORE_COLUMNS = ("Score", "95 % interval", "n", "Shares", "Change vs previous (p)")


def score_chart(
    result: BreakdownResult,
    *,
    id: str,
    title: str,
    groups: Sequence[GroupResult] | None = None,
    label: LabelOf,
    key_columns: Sequence[tuple[str, LabelOf]] = (),
    kind: Kind = "bar",
    horizontal: bool = False,
) -> Chart:
    """One bar (or point) per group, with its interval; the table has a row per group.

    `groups` picks and orders the groups (all of them, as the breakdown sorts them, when
    None); `label` names a group on the chart, `key_columns` name it in the table.
    """
    chosen = list(result.groups if groups is None else groups)
    metric = result.query.metric
    series = Series(
        label=METRIC_NAMES.get(metric, metric),
        values=tuple(group.estimate.value for group in chosen),
        ci_low=tuple(group.estimate.ci_low for group in chosen),
        ci_high=tuple(group.estimate.ci_high for group in chosen),
        n=tuple(None if group.estimate.withheld else group.estimate.n for group in chosen),
    )
    columns = key_columns or (("", label),)
    table = Table(
        caption=title,
        columns=(*(name for name, _ in columns), *SCORE_COLUMNS),
        rows=tuple(
            (*(name_of(group.key) for _, name_of in columns), *score_cells(group))
            for group in chosen
        ),
        numeric=frozenset(range(len(columns), len(columns) + 3)),
    )
    return Chart(
        id=id,
        title=title,
        kind=kind,
        labels=tuple(label(group.key) for group in chosen),
        series=(series,),
        table=table,
        y_label=series.label,
        y_range=VALUE_RANGES.get(metric),
        horizontal=horizontal,
    )


def trend_chart(
    result: BreakdownResult,
    *,
    id: str,
    title: str,
    groups: Sequence[GroupResult] | None = None,
    interval_name: str = "month",
) -> Chart:
    """A line through each period's score with its interval as a band."""
    return score_chart(
        result,
        id=id,
        title=title,
        groups=groups,
        label=_key(interval_name),
        key_columns=((interval_name.title(), _key(interval_name)),),
        kind="line",
    )


def shares_chart(
    result: BreakdownResult,
    *,
    id: str,
    title: str,
    groups: Sequence[GroupResult] | None = None,
    label: LabelOf,
    key_columns: Sequence[tuple[str, LabelOf]] = (),
) -> Chart:
    """Stacked bars of each group's bottom, middle and top band (weak, good, excellent)."""
    chosen = list(result.groups if groups is None else groups)
    bands = [name for name, _, _ in BANDS[result.query.metric]]
    roles = ("weak", "good", "excellent")
    series = tuple(
        Series(
            label=band,
            values=tuple(group.estimate.shares.get(band) for group in chosen),
            n=tuple(None if group.estimate.withheld else group.estimate.n for group in chosen),
            role=role,
        )
        for band, role in zip(bands, roles, strict=True)
    )
    columns = key_columns or (("", label),)
    table = Table(
        caption=title,
        columns=(*(name for name, _ in columns), *(f"{band} %" for band in bands), "n"),
        rows=tuple(
            (
                *(name_of(group.key) for _, name_of in columns),
                *(_share(group.estimate, band) for band in bands),
                count(group.estimate),
            )
            for group in chosen
        ),
        numeric=frozenset(range(len(columns), len(columns) + len(bands) + 1)),
    )
    return Chart(
        id=id,
        title=title,
        kind="stacked",
        labels=tuple(label(group.key) for group in chosen),
        series=series,
        table=table,
        y_label="% of answers",
        y_range=(0.0, 100.0),
        horizontal=True,
    )


def _share(estimate: Estimate, band: str) -> str:
    value = estimate.shares.get(band)
    return "–" if value is None else f"{value:.1f}"


def _key(name: str) -> LabelOf:
    return lambda key: key[name]
