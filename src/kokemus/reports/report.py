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
from kokemus.reports.localise import (
    localised,
    localised_table,
    metric_name,
    with_decimal_mark,
    word,
)
from kokemus.reports.reasons import goal_reason_text
from kokemus.reports.report_texts import report_texts
from kokemus.surveys.models import Response, Survey

HEADLINE_METRICS: tuple[MetricName, ...] = ("nps", "csat", "stars", "ces", "expectation", "enps")
TREND_MONTHS = 12
QUOTES = 5


@dataclass(frozen=True)
class Report:
    request: ReportRequest
    title: str
    unit_name: str | None
    generated_at: datetime
    sections: tuple[Section, ...]

    @property
    def texts(self) -> dict[str, str]:
        return report_texts(self.request.language)


def build_report(session: Session, request: ReportRequest) -> Report:
    names = read_names(session)
    if request.unit is not None and request.unit not in names.units:
        raise InvalidInput("unit", f"no unit {request.unit!r}")
    unit_name = names.units[request.unit] if request.unit else None
    mark = report_texts(request.language)["decimal_mark"]
    sections = tuple(
        _decimals(section, mark)
        for build in SECTIONS
        if (section := build(session, request, names)) is not None
    )
    title = report_texts(request.language)["report_title"].format(period=request.period.label)
    return Report(
        request=request,
        title=f"{title}: {unit_name}" if unit_name else title,
        unit_name=unit_name,
        generated_at=request.now,
        sections=sections,
    )


def _decimals(section: Section, mark: str) -> Section:
    """The section's tables, its charts' too, with the language's decimal mark in their
    number columns."""
    if mark == ".":
        return section
    return replace(
        section,
        tables=tuple(_marked(table, mark) for table in section.tables),
        charts=tuple(
            replace(chart, table=_marked(chart.table, mark), decimal_mark=mark)
            for chart in section.charts
        ),
    )


def _marked(table: Table, mark: str) -> Table:
    rows = tuple(
        tuple(
            with_decimal_mark(cell, mark) if i in table.numeric else cell
            for i, cell in enumerate(row)
        )
        for row in table.rows
    )
    return replace(table, rows=rows)


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
    texts = report_texts(request.language)
    rows = []
    for metric in HEADLINE_METRICS:
        result = scores(session, request, metric)
        total = result.total
        if total.estimate.n == 0 and total.previous is None:
            continue
        rows.append(
            (
                metric_name(texts, metric),
                figure(metric, total.estimate.value)
                if not total.estimate.withheld
                else texts["withheld"],
                interval(total.estimate),
                texts["withheld"] if total.estimate.withheld else count(total.estimate),
                shares(total.estimate),
                "–" if total.previous is None else figure(metric, total.previous.value),
                change(total),
            )
        )
    period = request.period
    tests = ", ".join(
        f"{metric_name(texts, m)}: {texts['test:' + METHODS[m]]}" for m in ("nps", "csat", "ces")
    )
    notes = [
        texts["headline_note"].format(
            label=period.label,
            first=f"{period.first:%Y-%m-%d}",
            last=f"{period.last:%Y-%m-%d}",
            tests=tests,
        )
    ]
    if not rows:
        notes.append(texts["no_answers_either"])
    table = localised_table(
        Table(
            caption=texts["headline_title"],
            columns=(
                texts["head_metric"],
                *(word(texts, column) for column in ("Score", "95 % interval", "n", "Shares")),
                texts["head_previous"],
                texts["head_change"],
            ),
            rows=tuple(rows),
            numeric=frozenset({1, 2, 3, 5}),
        ),
        texts,
    )
    return Section(
        "headline", texts["headline_title"], tuple(notes), tables=(table,) if rows else ()
    )


def expectation_gap(session: Session, request: ReportRequest, names: Names) -> Section:
    texts = report_texts(request.language)
    result = scores(session, request, "expectation", ("stage", "touchpoint"))
    title = texts["expectation_title"]
    intro = texts["expectation_intro"]
    if result.total.estimate.n == 0:
        return Section("expectation", title, (intro, texts["expectation_none"]))
    groups = sorted(result.groups, key=names.touchpoint_order)
    chart = shares_chart(
        result,
        id="chart-expectation",
        title=texts["expectation_chart"],
        groups=groups,
        label=names.touchpoint,
        key_columns=((texts["stage"], names.stage), (texts["touchpoint"], names.touchpoint)),
    )
    total = result.total.estimate
    summary = ", ".join(
        with_decimal_mark(f"{word(texts, name)} {share:.1f} %", texts["decimal_mark"])
        for name, share in total.shares.items()
    )
    mark = texts["decimal_mark"]
    said = texts["expectation_all"].format(
        summary=summary,
        n=count(total),
        net=with_decimal_mark(figure("expectation", total.value), mark),
    )
    return Section("expectation", title, (intro, said), charts=(localised(chart, texts),))


def by_stage(session: Session, request: ReportRequest, names: Names) -> Section:
    texts = report_texts(request.language)
    metric = request.metric
    result = scores(session, request, metric, ("stage",))
    named = metric_name(texts, metric)
    title = texts["by_stage_title"].format(metric=named)
    if result.total.estimate.n == 0:
        return Section("stages", title, (texts["no_metric_answers"].format(metric=named),))
    chart = score_chart(
        result,
        id="chart-stages",
        title=title,
        groups=sorted(result.groups, key=names.stage_order),
        label=names.stage,
        key_columns=((texts["stage"], names.stage),),
        horizontal=True,
    )
    return Section("stages", title, charts=(localised(chart, texts),))


def by_touchpoint(session: Session, request: ReportRequest, names: Names) -> Section:
    texts = report_texts(request.language)
    metric = request.metric
    result = scores(session, request, metric, ("stage", "touchpoint"))
    named = metric_name(texts, metric)
    title = texts["by_touchpoint_title"].format(metric=named)
    if result.total.estimate.n == 0:
        return Section("touchpoints", title, (texts["no_metric_answers"].format(metric=named),))
    chart = score_chart(
        result,
        id="chart-touchpoints",
        title=title,
        groups=sorted(result.groups, key=names.touchpoint_order),
        label=names.touchpoint,
        key_columns=((texts["stage"], names.stage), (texts["touchpoint"], names.touchpoint)),
        horizontal=True,
    )
    return Section("touchpoints", title, charts=(localised(chart, texts),))


def trend(session: Session, request: ReportRequest, names: Names) -> Section:
    texts = report_texts(request.language)
    metric = request.metric
    first, last = request.period.months_to_date(TREND_MONTHS)
    result = scores(session, request, metric, ("month",), days=(first, last))
    named = metric_name(texts, metric)
    title = texts["trend_title"].format(metric=named, first=f"{first:%Y-%m}", last=f"{last:%Y-%m}")
    if result.total.estimate.n == 0:
        return Section("trend", title, (texts["trend_none"].format(metric=named),))
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
    return Section("trend", title, (texts["trend_note"],), charts=(localised(chart, texts),))


def goals(session: Session, request: ReportRequest, names: Names) -> Section:
    period = request.period
    found = goals_service.list_goals(
        session, unit=request.unit, overlapping=(period.first, period.last)
    )
    zone = organisation_zone()
    end = datetime.combine(period.last + timedelta(days=1), time(), zone)
    as_of = min(request.now, end)
    reports = goals_service.goal_reports(session, found, now=as_of, threshold=request.threshold)
    texts = report_texts(request.language)
    title = texts["goals_title"]
    if not reports:
        return Section("goals", title, (texts["goals_none"],))
    rows = []
    for report in reports:
        goal, current = report.goal, report.current
        scope = names.units.get(report.unit, report.unit) if report.unit else texts["organisation"]
        if report.touchpoint:
            scope += ", " + names.touchpoint({"touchpoint": report.touchpoint})
        rows.append(
            (
                metric_name(texts, goal.metric),
                scope,
                f"{goal.period_start:%Y-%m-%d} … {goal.period_end:%Y-%m-%d}",
                figure(goal.metric, goal.target),
                "–" if current is None else figure(goal.metric, current.value),
                "–" if current is None else interval(current),
                "–" if current is None else count(current),
                figure(goal.metric, report.status.projected),
                texts.get(f"status:{report.status.status}", report.status.status),
                goal_reason_text(report.status, request.language),
            )
        )
    table = Table(
        caption=texts["goals_caption"].format(when=f"{as_of.astimezone(zone):%Y-%m-%d %H:%M}"),
        columns=(
            texts["head_metric"],
            texts["goal_for"],
            texts["goal_period"],
            texts["goal_target"],
            texts["goal_so_far"],
            word(texts, "95 % interval"),
            "n",
            texts["goal_projected"],
            texts["goal_status"],
            texts["why"],
        ),
        rows=tuple(rows),
        numeric=frozenset({3, 4, 5, 6, 7}),
    )
    return Section("goals", title, (texts["goals_note"],), tables=(table,))


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
    texts = report_texts(request.language)
    groups = []
    for label, labels, order in (
        (texts["comments_critical"], ("negative", "mixed"), TextAnalysisRecord.score.asc()),
        (texts["comments_warmest"], ("positive",), TextAnalysisRecord.score.desc()),
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
    title = texts["comments_title"]
    if not groups:
        return Section("comments", title, (texts["comments_none"],))
    return Section("comments", title, (texts["comments_note"],), quotes=tuple(groups))


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
