"""The report's analysis sections: key drivers, moments of truth, journeys and the
employee-customer link, each read from its kokemus.insights service as the API gives it.

With a unit, each analysis reads that unit's subtree only (see kokemus.insights.scope).
An analysis the data cannot carry (too few responses, no survey that fits) leaves its
section with the reason in words instead of failing the report.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kokemus.errors import DomainError
from kokemus.insights.journeys import JourneyQuery, journey
from kokemus.insights.link import CustomerMetric, LinkQuery, employee_customer_link
from kokemus.insights.moment_reasons import render_reason
from kokemus.insights.moments_service import MomentsQuery, moments_of_truth
from kokemus.insights.survey_data import (
    SurveyDriverQuery,
    local_range,
    scale_questions,
    survey_drivers,
)
from kokemus.metrics.definitions import VALUE_RANGES
from kokemus.metrics.goals_service import unit_subtree
from kokemus.reports.charts import Chart, Series, Table, figure
from kokemus.reports.context import Names, Quote, ReportRequest, Section
from kokemus.reports.localise import metric_name, with_decimal_mark, word
from kokemus.reports.reasons import warning_text
from kokemus.reports.report_texts import report_texts
from kokemus.surveys.models import Response, Survey

TOP_ROWS = 8


def driver_survey(session: Session, request: ReportRequest) -> tuple[str, str] | None:
    """The survey and outcome to explain: the ones asked for, or of the customer surveys
    with an NPS question beside other scale questions the one rating most touchpoints,
    then with most responses in the period."""
    if request.drivers_survey is not None:
        if request.drivers_outcome is not None:
            return request.drivers_survey, request.drivers_outcome
        survey = session.scalar(select(Survey).where(Survey.key == request.drivers_survey))
        found = _nps_question(session, survey) if survey else None
        return (request.drivers_survey, found) if found else None
    start, end = _range(request)
    statement = (
        select(Survey, func.count(Response.id))
        .join(Response, Response.survey_id == Survey.id)
        .where(
            Survey.kind == "customer",
            Response.complete,
            Response.submitted_at >= start,
            Response.submitted_at < end,
        )
    )
    if request.unit is not None:
        statement = statement.where(Response.unit_id.in_(unit_subtree(session, request.unit)))
    counts = session.execute(
        statement.group_by(Survey.id).order_by(func.count(Response.id).desc(), Survey.key)
    ).all()
    fitting = []
    for survey, responses in counts:
        outcome = _nps_question(session, survey)
        questions = scale_questions(session, survey)
        if outcome is not None and len(questions) > 1:
            # A survey rating several touchpoints says most of what matters where.
            places = {place for key, (_, place) in questions.items() if key != outcome}
            fitting.append((-len(places - {None}), -responses, survey.key, outcome))
    return (min(fitting)[2], min(fitting)[3]) if fitting else None


def _nps_question(session: Session, survey: Survey) -> str | None:
    questions = scale_questions(session, survey)
    return next((key for key, (kind, _) in sorted(questions.items()) if kind == "nps"), None)


def _range(request: ReportRequest) -> tuple[datetime, datetime]:
    return local_range(request.period.first, request.period.last)


def key_drivers(session: Session, request: ReportRequest, names: Names) -> Section:
    texts = report_texts(request.language)
    title = texts["drivers_title"]
    choice = driver_survey(session, request)
    if choice is None:
        return Section("drivers", title, (texts["no_survey"],))
    survey, outcome = choice
    query = SurveyDriverQuery(
        survey,
        request.period.first,
        request.period.last,
        outcome=outcome,
        themes=True,
        threshold=request.threshold,
        unit=request.unit,
    )
    try:
        data, analysis = survey_drivers(session, query)
    except DomainError as error:
        said = texts["survey_error"].format(survey=survey, outcome=outcome, error=error)
        return Section("drivers", title, (said,))
    columns = {column.name: column for column in data.columns}
    drivers = sorted(analysis.drivers, key=lambda driver: -driver.share)

    def label(name: str) -> str:
        column = columns.get(name)
        if column is None or column.kind == "theme":
            return texts["theme"].format(name=name.removeprefix("theme:"))
        if column.touchpoint:
            return f"{name} ({names.touchpoint({'touchpoint': column.touchpoint})})"
        return name

    def points(value: float | None) -> float | None:
        # Importances and their bootstrap intervals are on the R² scale; as % of variance.
        return None if value is None else 100 * value

    labels = tuple(label(driver.name) for driver in drivers)
    low = tuple(points(driver.ci_low) for driver in drivers)
    high = tuple(points(driver.ci_high) for driver in drivers)
    table = Table(
        caption=texts["drivers_caption"].format(outcome=outcome, survey=survey),
        columns=(
            texts["driver"],
            texts["explains"],
            word(texts, "95 % interval"),
            texts["share_of_r2"],
            texts["correlation"],
        ),
        rows=tuple(
            (
                labels[i],
                f"{100 * driver.importance:.1f}",
                "–" if low[i] is None or high[i] is None else f"{low[i]:.1f} … {high[i]:.1f}",
                f"{driver.share:.1f}",
                f"{driver.correlation:+.2f}",
            )
            for i, driver in enumerate(drivers)
        ),
        numeric=frozenset({1, 2, 3, 4}),
    )
    chart = Chart(
        id="chart-drivers",
        title=table.caption,
        kind="bar",
        labels=labels,
        series=(Series(texts["explains"], tuple(100 * d.importance for d in drivers), low, high),),
        table=table,
        y_label=texts["variance_axis"],
        y_range=(0.0, 100.0),
        horizontal=True,
    )
    dropped = (
        texts["left_out_rows"].format(n=analysis.rows_dropped) if analysis.rows_dropped else ""
    )
    notes = (
        texts["drivers_note"].format(
            survey=survey,
            outcome=outcome,
            method=analysis.method.upper(),
            r2=_decimal(f"{analysis.r2:.2f}", request.language),
            n=analysis.n,
            dropped=dropped,
        ),
        *(warning_text(warning, request.language, label) for warning in analysis.warnings),
    )
    return Section("drivers", title, notes, charts=(chart,))


def moments(session: Session, request: ReportRequest, names: Names) -> Section:
    texts = report_texts(request.language)
    title = texts["moments_title"]
    choice = driver_survey(session, request)
    if choice is None:
        return Section("moments", title, (texts["no_survey"],))
    survey, outcome = choice
    drivers = SurveyDriverQuery(
        survey,
        request.period.first,
        request.period.last,
        outcome=outcome,
        threshold=request.threshold,
        unit=request.unit,
    )
    try:
        result = moments_of_truth(session, MomentsQuery(drivers=drivers))
    except DomainError as error:
        failed = texts["survey_error"].format(survey=survey, outcome=outcome, error=error)
        return Section("moments", title, (failed,))
    rows, quotes = [], []
    for moment in result["moments"]:
        name = names.touchpoint({"touchpoint": moment["touchpoint"]})
        performance = moment["performance"]
        themes = ", ".join(
            f"{theme['theme']} ({theme['share']:.0f} %)" for theme in moment["negative_themes"]
        )
        action = texts.get(f"action:{moment['action']}", moment["action"])
        rows.append(
            (
                name,
                action,
                f"{moment['importance']:.1f}",
                figure("csat", performance["value"]),
                str(performance["n"]),
                "–" if moment["effort"] is None else f"{moment['effort']:.2f}",
                themes or "–",
                render_reason(moment["reason_code"], moment["reason_params"], request.language),
            )
        )
        said = tuple(
            Quote(
                v["text"],
                f"{texts.get('sentiment:' + v['sentiment'], v['sentiment'])} · {v['at'][:10]}",
            )
            for v in moment["verbatims"]
        )
        if said:
            quotes.append((f"{name}: {action}", said))
    table = Table(
        caption=texts["moments_caption"].format(outcome=outcome, survey=survey),
        columns=(
            texts["touchpoint"],
            texts["action"],
            texts["importance"],
            "CSAT",
            "n",
            texts["effort"],
            texts["top_negative"],
            texts["why"],
        ),
        rows=tuple(rows),
        numeric=frozenset({2, 3, 4, 5}),
    )
    notes = [
        texts["moments_note"],
        *(
            texts["left_out"].format(
                touchpoint=names.touchpoint({"touchpoint": row["touchpoint"]}),
                # The service leaves a touchpoint out only when it has no ratings.
                reason=texts["no_ratings"],
            )
            for row in result["left_out"]
        ),
    ]
    if len(rows) < 2:
        notes.append(texts["one_touchpoint"])
    return Section("moments", title, tuple(notes), tables=(table,), quotes=tuple(quotes))


def journeys(session: Session, request: ReportRequest, names: Names) -> Section:
    texts = report_texts(request.language)
    title = texts["journeys_title"]
    try:
        query = JourneyQuery(request.period.first, request.period.last, unit=request.unit)
        found = journey(session, query)
    except DomainError as error:
        return Section("journeys", title, (str(error),))
    if not found["paths"]["customers"]:
        return Section("journeys", title, (texts["journeys_none"],))

    def path(steps: Sequence[str]) -> str:
        return " → ".join(names.touchpoint({"touchpoint": step}) for step in steps)

    paths = Table(
        caption=texts["paths_caption"].format(n=found["paths"]["customers"]),
        columns=(texts["path"], texts["customers"], texts["share"]),
        rows=tuple(
            (path(row["path"]), str(row["customers"]), f"{row['share']:.1f}")
            for row in found["paths"]["top"][:TOP_ROWS]
        ),
        numeric=frozenset({1, 2}),
    )
    compared = found["detractors_vs_promoters"]
    differences = Table(
        caption=texts["differences_caption"].format(
            detractors=compared["detractors"], promoters=compared["promoters"]
        ),
        columns=(
            texts["touchpoint"],
            texts["detractors"],
            texts["promoters"],
            texts["difference"],
            "p",
        ),
        rows=tuple(
            (
                names.touchpoint({"touchpoint": row["touchpoint"]}),
                _number(row["detractor_share"]),
                _number(row["promoter_share"]),
                _number(row["difference"], signed=True),
                "–" if row["p_value"] is None else f"{row['p_value']:.3f}",
            )
            for row in compared["touchpoints"][:TOP_ROWS]
        ),
        numeric=frozenset({1, 2, 3, 4}),
    )
    friction = Table(
        caption=texts["friction"],
        columns=(
            texts["signal"],
            texts["count"],
            texts["out_of"],
            texts["share"],
            texts["customers"],
        ),
        rows=tuple(_signal_row(signal, texts) for signal in found["friction"]),
        numeric=frozenset({1, 2, 3, 4}),
    )
    notes = (texts["journeys_note"],)
    tables = (paths, differences, friction) if differences.rows else (paths, friction)
    return Section("journeys", title, notes, tables=tables)


def _signal_row(signal: Mapping[str, Any], texts: Mapping[str, str]) -> tuple[str, ...]:
    named = texts.get(f"signal:{signal['signal']}", signal["signal"])
    text = named.format(days=signal["within_days"])
    return (
        text,
        str(signal["count"]),
        str(signal["base"]),
        _number(signal["share"]),
        str(signal["customers"]),
    )


def _decimal(shown: str, language: str) -> str:
    """A figure in words, with the language's decimal mark."""
    return with_decimal_mark(shown, report_texts(language)["decimal_mark"])


def _number(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:+.1f}" if signed else f"{value:.1f}"


def employee_customer(session: Session, request: ReportRequest, names: Names) -> Section:
    texts = report_texts(request.language)
    title = texts["link_title"]
    metric: CustomerMetric = "nps" if request.metric == "nps" else "csat"
    query = LinkQuery(
        request.period.first,
        request.period.last,
        customer_metric=metric,
        unit=request.unit,
        threshold=request.threshold,
    )
    try:
        found = employee_customer_link(session, query)
    except DomainError as error:
        return Section("link", title, (str(error),))
    charts, notes = [], []
    for measure in found["measures"]:
        name = texts.get(f"measure:{measure['measure']}", measure["measure"])
        withheld = measure["withheld_units"]
        if withheld:
            notes.append(texts["link_withheld"].format(name=name, n=withheld))
        points = measure["points"]
        if not points:
            continue
        correlation = measure["correlation"]
        units = [names.units.get(point["unit"], point["unit"]) for point in points]
        customer = texts["customer_metric"].format(metric=metric_name(texts, metric))
        table = Table(
            caption=texts["link_caption"].format(name=name, metric=metric_name(texts, metric)),
            columns=(texts["unit"], name, "n", customer, "n"),
            rows=tuple(
                (
                    unit,
                    figure(measure["metric"], point["employee"]["value"]),
                    str(point["employee"]["n"]),
                    figure(metric, point["customer"]["value"]),
                    str(point["customer"]["n"]),
                )
                for unit, point in zip(units, points, strict=True)
            ),
            numeric=frozenset({1, 2, 3, 4}),
        )
        charts.append(
            Chart(
                id=f"chart-link-{measure['measure']}",
                title=table.caption,
                kind="scatter",
                labels=tuple(units),
                series=(
                    Series(
                        name,
                        tuple(point["customer"]["value"] for point in points),
                        x=tuple(point["employee"]["value"] for point in points),
                    ),
                ),
                table=table,
                y_label=customer,
                y_range=VALUE_RANGES[metric],
                x_label=name,
                x_range=VALUE_RANGES[measure["metric"]],
            )
        )
        if correlation["rho"] is None:
            key = "link_one_unit" if correlation["n"] == 1 else "link_few_units"
            notes.append(texts[key].format(name=name, n=correlation["n"]))
        else:
            notes.append(
                texts["link_rho"].format(
                    name=name,
                    rho=_decimal(f"{correlation['rho']:+.2f}", request.language),
                    low=_decimal(f"{correlation['ci_low']:+.2f}", request.language),
                    high=_decimal(f"{correlation['ci_high']:+.2f}", request.language),
                    n=correlation["n"],
                )
            )
    if not charts:
        notes.insert(0, texts["link_none"])
    return Section("link", title, tuple(notes), charts=tuple(charts))
