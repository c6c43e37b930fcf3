"""The period report: each section a small function of a read session and the request.

A section gives its charts (each with its table), further tables, notes and quotes; the
template lays them out the same way whatever the section, so a new analysis is a new
function in SECTIONS. Every figure comes from `metrics.service.breakdown`, as the API
gives it, with its n, its 95 % interval and the change since the previous period.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.enrich.models import TextAnalysisRecord
from kokemus.errors import InvalidInput
from kokemus.metrics import goals_service
from kokemus.metrics.breakdown import BreakdownQuery, Filters
from kokemus.metrics.comparison import METHODS
from kokemus.metrics.definitions import Estimate, MetricName
from kokemus.metrics.dimensions import NONE
from kokemus.metrics.periods import bucket
from kokemus.metrics.rollups import organisation_zone
from kokemus.metrics.service import BreakdownResult, GroupResult, breakdown
from kokemus.reports import analyses
from kokemus.reports.charts import (
    METRIC_NAMES,
    Table,
    change,
    count,
    figure,
    interval,
    score_chart,
    shares,
    shares_chart,
    trend_chart,
)
from kokemus.reports.context import Names, Quote, ReportRequest, Section, read_names
from kokemus.surveys.models import Response, Survey

HEADLINE_METRICS: tuple[MetricName, ...] = ("nps", "csat", "stars", "ces", "expectation", "enps")
TREND_MONTHS = 12
QUOTES = 5
TEST_NAMES = {
    "adjusted_wald_z": "an adjusted-Wald z test",
    "two_proportion_z": "a two-proportion z test",
    "welch_t": "Welch's t test",
}


@dataclass(frozen=True)
class Report:
    request: ReportRequest
    title: str
    unit_name: str | None
    generated_at: datetime
    sections: tuple[Section, ...]


def build_report(session: Session, request: ReportRequest) -> Report:
    names = read_names(session)
    if request.unit is not None and request.unit not in names.units:
        raise InvalidInput("unit", f"no unit {request.unit!r}")
    unit_name = names.units[request.unit] if request.unit else None
    sections = tuple(
        section for build in SECTIONS if (section := build(session, request, names)) is not None
    )
    title = f"Customer experience {request.period.label}"
    return Report(
        request=request,
        title=f"{title}: {unit_name}" if unit_name else title,
        unit_name=unit_name,
        generated_at=request.now,
        sections=sections,
    )


def scores(
    session: Session,
    request: ReportRequest,
    metric: MetricName,
    group_by: tuple[str, ...] = (),
    *,
    days: tuple[date, date] | None = None,
) -> BreakdownResult:
    """The metric over the report's period (or the days given), for its unit."""
    start, end = days or (request.period.first, request.period.last)
    query = BreakdownQuery(metric, start, end, group_by, Filters(unit=request.unit))
    return breakdown(session, query, with_previous=True, threshold=request.threshold)


def headline(session: Session, request: ReportRequest, names: Names) -> Section:
    rows = []
    for metric in HEADLINE_METRICS:
        result = scores(session, request, metric)
        total = result.total
        if total.estimate.n == 0 and total.previous is None:
            continue
        rows.append(
            (
                METRIC_NAMES[metric],
                figure(metric, total.estimate.value) if not total.estimate.withheld else "withheld",
                interval(total.estimate),
                count(total.estimate),
                shares(total.estimate),
                "–" if total.previous is None else figure(metric, total.previous.value),
                change(total),
            )
        )
    period = request.period
    notes = [
        f"{period.label}: {period.first:%Y-%m-%d} to {period.last:%Y-%m-%d}, "
        "compared with the period of the same length before it. n is the number of answers; "
        "the interval is where the score lies with 95 % confidence. A change is marked "
        "significant when a two-sided test gives p < 0.05 ("
        + ", ".join(f"{METRIC_NAMES[m]}: {TEST_NAMES[METHODS[m]]}" for m in ("nps", "csat", "ces"))
        + ").",
    ]
    if not rows:
        notes.append("No answers in this period or the one before.")
    table = Table(
        caption="Headline scores",
        columns=("Metric", "Score", "95 % interval", "n", "Shares", "Previous", "Change (p)"),
        rows=tuple(rows),
        numeric=frozenset({1, 2, 3, 5}),
    )
    return Section("headline", "Headline scores", tuple(notes), tables=(table,) if rows else ())


def expectation_gap(session: Session, request: ReportRequest, names: Names) -> Section:
    result = scores(session, request, "expectation", ("stage", "touchpoint"))
    title = "Expectations: weak, good, excellent"
    intro = (
        "How the experience compared with what customers expected: weak (below it), good "
        "(met it) or excellent (beyond it), in % of answers to the expectation question."
    )
    if result.total.estimate.n == 0:
        return Section("expectation", title, (intro, "No expectation answers in this period."))
    groups = sorted(result.groups, key=names.touchpoint_order)
    chart = shares_chart(
        result,
        id="chart-expectation",
        title="Expectation gap by touchpoint",
        groups=groups,
        label=names.touchpoint,
        key_columns=(("Stage", names.stage), ("Touchpoint", names.touchpoint)),
    )
    total = result.total.estimate
    summary = ", ".join(f"{name} {share:.1f} %" for name, share in total.shares.items())
    return Section(
        "expectation",
        title,
        (
            intro,
            f"All touchpoints: {summary} "
            f"(n = {count(total)}; net {figure('expectation', total.value)}).",
        ),
        charts=(chart,),
    )


def by_stage(session: Session, request: ReportRequest, names: Names) -> Section:
    metric = request.metric
    result = scores(session, request, metric, ("stage",))
    title = f"{METRIC_NAMES[metric]} by journey stage"
    if result.total.estimate.n == 0:
        return Section("stages", title, (f"No {METRIC_NAMES[metric]} answers in this period.",))
    chart = score_chart(
        result,
        id="chart-stages",
        title=title,
        groups=sorted(result.groups, key=names.stage_order),
        label=names.stage,
        key_columns=(("Stage", names.stage),),
        horizontal=True,
    )
    return Section("stages", title, charts=(chart,))


def by_touchpoint(session: Session, request: ReportRequest, names: Names) -> Section:
    metric = request.metric
    result = scores(session, request, metric, ("stage", "touchpoint"))
    title = f"{METRIC_NAMES[metric]} by touchpoint"
    if result.total.estimate.n == 0:
        return Section(
            "touchpoints", title, (f"No {METRIC_NAMES[metric]} answers in this period.",)
        )
    chart = score_chart(
        result,
        id="chart-touchpoints",
        title=title,
        groups=sorted(result.groups, key=names.touchpoint_order),
        label=names.touchpoint,
        key_columns=(("Stage", names.stage), ("Touchpoint", names.touchpoint)),
        horizontal=True,
    )
    return Section("touchpoints", title, charts=(chart,))


def trend(session: Session, request: ReportRequest, names: Names) -> Section:
    metric = request.metric
    first, last = request.period.months_to_date(TREND_MONTHS)
    result = scores(session, request, metric, ("month",), days=(first, last))
    title = f"{METRIC_NAMES[metric]} by month, {first:%Y-%m} to {last:%Y-%m}"
    if result.total.estimate.n == 0:
        return Section("trend", title, (f"No {METRIC_NAMES[metric]} answers in these months.",))
    found = {group.key["month"]: group for group in result.groups}
    months = []
    day = first
    while day <= last:
        months.append(bucket(day, "month"))
        day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    empty = Estimate(metric, None, 0, None, None, {})
    groups = []
    for before, month in zip([None, *months], months, strict=False):
        group = found.get(month, GroupResult({"month": month}, empty))
        # The breakdown compares with the last month that has answers; after a gap
        # that is not the month before, which the table would seem to say.
        if before not in found:
            group = replace(group, previous=None, change=None)
        groups.append(group)
    chart = trend_chart(result, id="chart-trend", title=title, groups=groups)
    note = "Each month's change is against the month before it, where both have answers."
    return Section("trend", title, (note,), charts=(chart,))


def goals(session: Session, request: ReportRequest, names: Names) -> Section:
    period = request.period
    found = goals_service.list_goals(
        session, unit=request.unit, overlapping=(period.first, period.last)
    )
    zone = organisation_zone()
    end = datetime.combine(period.last + timedelta(days=1), time(), zone)
    as_of = min(request.now, end)
    reports = goals_service.goal_reports(session, found, now=as_of, threshold=request.threshold)
    title = "Goals"
    if not reports:
        return Section("goals", title, ("No goals for this period.",))
    rows = []
    for report in reports:
        goal, current = report.goal, report.current
        scope = names.units.get(report.unit, report.unit) if report.unit else "Organisation"
        if report.touchpoint:
            scope += ", " + names.touchpoint({"touchpoint": report.touchpoint})
        rows.append(
            (
                METRIC_NAMES.get(goal.metric, goal.metric),
                scope,
                f"{goal.period_start:%Y-%m-%d} … {goal.period_end:%Y-%m-%d}",
                figure(goal.metric, goal.target),
                "–" if current is None else figure(goal.metric, current.value),
                "–" if current is None else interval(current),
                "–" if current is None else count(current),
                figure(goal.metric, report.status.projected),
                report.status.status.replace("_", " "),
                report.status.reason,
            )
        )
    table = Table(
        caption=f"Goals as of {as_of.astimezone(zone):%Y-%m-%d %H:%M}",
        columns=(
            "Metric",
            "For",
            "Period",
            "Target",
            "So far",
            "95 % interval",
            "n",
            "Projected",
            "Status",
            "Why",
        ),
        rows=tuple(rows),
        numeric=frozenset({3, 4, 5, 6, 7}),
    )
    note = (
        "On track: the figure, the worse end of its interval and the trend to the period's "
        "end all reach the target. At risk: one of them does not. A period that has ended "
        "is met or missed on its figure."
    )
    return Section("goals", title, (note,), tables=(table,))


def comments(session: Session, request: ReportRequest, names: Names) -> Section:
    """Customers' own words, as redacted at analysis (names, emails, numbers removed)."""
    zone = organisation_zone()
    period = request.period
    start = datetime.combine(period.first, time(), zone)
    end = datetime.combine(period.last + timedelta(days=1), time(), zone)
    statement = (
        select(
            TextAnalysisRecord.redacted,
            TextAnalysisRecord.touchpoint_id,
            Response.submitted_at,
        )
        .join(Response, Response.id == TextAnalysisRecord.response_id)
        .join(Survey, Survey.id == Response.survey_id)
        .where(
            Survey.kind == "customer",
            Response.submitted_at >= start,
            Response.submitted_at < end,
        )
    )
    if request.unit is not None:
        units = goals_service.unit_subtree(session, request.unit)
        statement = statement.where(Response.unit_id.in_(units))
    groups = []
    for label, labels, order in (
        ("Most critical", ("negative", "mixed"), TextAnalysisRecord.score.asc()),
        ("Warmest", ("positive",), TextAnalysisRecord.score.desc()),
    ):
        rows = session.execute(
            statement.where(TextAnalysisRecord.sentiment.in_(labels))
            .order_by(order, TextAnalysisRecord.id)
            .limit(QUOTES)
        ).all()
        quotes = tuple(
            Quote(
                text,
                " · ".join(
                    part
                    for part in (
                        names.touchpoint(
                            {"touchpoint": names.touchpoint_keys.get(tp_id or 0, NONE)}
                        ),
                        f"{submitted.astimezone(zone):%Y-%m-%d}" if submitted else "",
                    )
                    if part
                ),
            )
            for text, tp_id, submitted in rows
        )
        if quotes:
            groups.append((label, quotes))
    title = "In customers' words"
    if not groups:
        return Section("comments", title, ("No analysed comments in this period.",))
    note = "Comments as redacted when analysed; the most critical and the warmest."
    return Section("comments", title, (note,), quotes=tuple(groups))


SectionBuilder = Callable[[Session, ReportRequest, Names], Section | None]
SECTIONS: Sequence[SectionBuilder] = (
    headline,
    expectation_gap,
    by_stage,
    by_touchpoint,
    trend,
    analyses.key_drivers,
    analyses.moments,
    analyses.journeys,
    analyses.employee_customer,
    goals,
    comments,
)
