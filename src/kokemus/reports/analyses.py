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
from kokemus.insights.moments_service import MomentsQuery, moments_of_truth
from kokemus.insights.survey_data import (
    SurveyDriverQuery,
    local_range,
    scale_questions,
    survey_drivers,
)
from kokemus.metrics.definitions import VALUE_RANGES
from kokemus.metrics.goals_service import unit_subtree
from kokemus.reports.charts import METRIC_NAMES, Chart, Series, Table, figure
from kokemus.reports.context import Names, Quote, ReportRequest, Section
from kokemus.surveys.models import Response, Survey

TOP_ROWS = 8
ACTIONS = {
    "improve": "improve",
    "keep": "keep",
    "reduce": "reduce (candidate to remove)",
    "monitor": "monitor",
}
SIGNALS = {
    "repeat_contact": "Repeat contact within {days} days",
    "contact_after_delivery": "Contact within {days} days after a delivery",
    "reopened_ticket": "Reopened tickets",
}
MEASURES = {"enps": "eNPS", "workday": "Workday stars", "meeting": "Meeting stars"}


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


NO_SURVEY = (
    "No customer survey answered in this period asks an NPS question beside other scale "
    "questions; name one with --drivers SURVEY:OUTCOME."
)


def key_drivers(session: Session, request: ReportRequest, names: Names) -> Section:
    title = "Key drivers"
    choice = driver_survey(session, request)
    if choice is None:
        return Section("drivers", title, (NO_SURVEY,))
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
        return Section("drivers", title, (f"Survey {survey}, outcome {outcome}: {error}",))
    columns = {column.name: column for column in data.columns}
    drivers = sorted(analysis.drivers, key=lambda driver: -driver.share)

    def label(name: str) -> str:
        column = columns.get(name)
        if column is None or column.kind == "theme":
            return f"theme: {name.removeprefix('theme:')}"
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
        caption=f"What explains {outcome} in {survey}: % of its variance",
        columns=(
            "Driver",
            "Explains %",
            "95 % interval",
            "Share of R² %",
            "Correlation with the outcome",
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
        series=(Series("Explains %", tuple(100 * d.importance for d in drivers), low, high),),
        table=table,
        y_label="% of the outcome's variance",
        y_range=(0.0, 100.0),
        horizontal=True,
    )
    dropped = f"; {analysis.rows_dropped} left out" if analysis.rows_dropped else ""
    notes = (
        f"Survey {survey}: how much of {outcome} each rating and theme explains "
        f"({analysis.method.upper()}, R² = {analysis.r2:.2f}, n = {analysis.n} "
        f"responses{dropped}; intervals by bootstrap). Themes count as 1 when the "
        "response's comment mentions them.",
        *(warning.message for warning in analysis.warnings),
    )
    return Section("drivers", title, notes, charts=(chart,))


def moments(session: Session, request: ReportRequest, names: Names) -> Section:
    title = "Moments of truth"
    choice = driver_survey(session, request)
    if choice is None:
        return Section("moments", title, (NO_SURVEY,))
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
        return Section("moments", title, (f"Survey {survey}, outcome {outcome}: {error}",))
    rows, quotes = [], []
    for moment in result["moments"]:
        name = names.touchpoint({"touchpoint": moment["touchpoint"]})
        performance = moment["performance"]
        themes = ", ".join(
            f"{theme['theme']} ({theme['share']:.0f} %)" for theme in moment["negative_themes"]
        )
        rows.append(
            (
                name,
                ACTIONS.get(moment["action"], moment["action"]),
                f"{moment['importance']:.1f}",
                figure("csat", performance["value"]),
                str(performance["n"]),
                "–" if moment["effort"] is None else f"{moment['effort']:.2f}",
                themes or "–",
                moment["reason"],
            )
        )
        said = tuple(
            Quote(v["text"], f"{v['sentiment']} · {v['at'][:10]}") for v in moment["verbatims"]
        )
        if said:
            quotes.append((f"{name}: {ACTIONS.get(moment['action'], moment['action'])}", said))
    table = Table(
        caption=f"Touchpoints by importance for {outcome} ({survey}) and performance (CSAT)",
        columns=(
            "Touchpoint",
            "Action",
            "Importance %",
            "CSAT",
            "n",
            "Effort",
            "Top negative themes",
            "Why",
        ),
        rows=tuple(rows),
        numeric=frozenset({2, 3, 4, 5}),
    )
    notes = [
        "Importance is the touchpoint's share of R² in the key-driver analysis; performance "
        "its CSAT; effort 8 − CES (1 is the least). High importance and low performance: "
        "improve; low importance and high effort: a candidate to remove.",
        *(f"Left out: {row['touchpoint']}, {row['reason']}." for row in result["left_out"]),
    ]
    if len(rows) < 2:
        notes.append(
            "The survey rates one touchpoint only, so there is nothing to weigh it against; "
            "a survey that rates several touchpoints (--drivers SURVEY:OUTCOME) says more."
        )
    return Section("moments", title, tuple(notes), tables=(table,), quotes=tuple(quotes))


def journeys(session: Session, request: ReportRequest, names: Names) -> Section:
    title = "Journeys: paths and friction"
    try:
        query = JourneyQuery(request.period.first, request.period.last, unit=request.unit)
        found = journey(session, query)
    except DomainError as error:
        return Section("journeys", title, (str(error),))
    if not found["paths"]["customers"]:
        return Section("journeys", title, ("No customer events at touchpoints in this period.",))

    def path(steps: Sequence[str]) -> str:
        return " → ".join(names.touchpoint({"touchpoint": step}) for step in steps)

    paths = Table(
        caption=f"Most common paths ({found['paths']['customers']} customers)",
        columns=("Path", "Customers", "Share %"),
        rows=tuple(
            (path(row["path"]), str(row["customers"]), f"{row['share']:.1f}")
            for row in found["paths"]["top"][:TOP_ROWS]
        ),
        numeric=frozenset({1, 2}),
    )
    compared = found["detractors_vs_promoters"]
    differences = Table(
        caption=(
            f"Touchpoints on detractors' paths against promoters' ({compared['detractors']} "
            f"detractors, {compared['promoters']} promoters)"
        ),
        columns=("Touchpoint", "Detractors %", "Promoters %", "Difference", "p"),
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
        caption="Friction",
        columns=("Signal", "Count", "Out of", "Share %", "Customers"),
        rows=tuple(_signal_row(signal) for signal in found["friction"]),
        numeric=frozenset({1, 2, 3, 4}),
    )
    notes = (
        "A path is a customer's touchpoints in time order within the period; detractors' and "
        "promoters' paths run up to their latest NPS answer.",
    )
    tables = (paths, differences, friction) if differences.rows else (paths, friction)
    return Section("journeys", title, notes, tables=tables)


def _signal_row(signal: Mapping[str, Any]) -> tuple[str, ...]:
    text = SIGNALS.get(signal["signal"], signal["signal"]).format(days=signal["within_days"])
    return (
        text,
        str(signal["count"]),
        str(signal["base"]),
        _number(signal["share"]),
        str(signal["customers"]),
    )


def _number(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:+.1f}" if signed else f"{value:.1f}"


def employee_customer(session: Session, request: ReportRequest, names: Names) -> Section:
    title = "Employee and customer experience"
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
        name = MEASURES.get(measure["measure"], measure["measure"])
        withheld = measure["withheld_units"]
        if withheld:
            notes.append(f"{name}: {withheld} units under the anonymity threshold left out.")
        points = measure["points"]
        if not points:
            continue
        correlation = measure["correlation"]
        units = [names.units.get(point["unit"], point["unit"]) for point in points]
        table = Table(
            caption=f"{name} against customer {METRIC_NAMES[metric]} by unit",
            columns=("Unit", name, "n", f"Customer {METRIC_NAMES[metric]}", "n"),
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
                y_label=f"Customer {METRIC_NAMES[metric]}",
                y_range=VALUE_RANGES[metric],
                x_label=name,
                x_range=VALUE_RANGES[measure["metric"]],
            )
        )
        if correlation["rho"] is None:
            units_ = "unit" if correlation["n"] == 1 else "units"
            notes.append(f"{name}: {correlation['n']} {units_}, too few for a rank correlation.")
        else:
            notes.append(
                f"{name}: Spearman's rho {correlation['rho']:+.2f} "
                f"(95 %: {correlation['ci_low']:+.2f} … {correlation['ci_high']:+.2f}) "
                f"over {correlation['n']} units."
            )
    if not charts:
        notes.insert(0, "No unit has both employee and customer figures in this period to compare.")
    return Section("link", title, tuple(notes), charts=tuple(charts))
