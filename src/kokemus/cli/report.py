from pathlib import Path

import click

from kokemus.cli.context import AppContext, domain_errors, pass_app
from kokemus.errors import InvalidInput
from kokemus.metrics.goals_service import METRICS
from kokemus.reports.context import ReportRequest
from kokemus.reports.period import Period, parse_period
from kokemus.reports.report import build_report
from kokemus.reports.report_texts import LANGUAGES
from kokemus.reports.standalone import render_report
from kokemus.store.base import utcnow


class PeriodParam(click.ParamType[Period]):
    """A month 2026-10, a quarter 2026-Q4 or a year 2026; anything else is a usage error."""

    name = "period"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> Period:
        if isinstance(value, Period):
            return value
        try:
            return parse_period(str(value))
        except InvalidInput as error:
            self.fail(str(error).removeprefix("period: "), param, ctx)


PERIOD = PeriodParam()


@click.command("report")
@click.option(
    "--period",
    required=True,
    type=PERIOD,
    metavar="PERIOD",
    help="a month 2026-10, a quarter 2026-Q4 or a year 2026",
)
@click.option("--unit", help="unit key: its answers and its subtree's (all units without)")
@click.option(
    "--metric",
    type=click.Choice(METRICS),
    default="nps",
    show_default=True,
    help="the score shown by stage, touchpoint and month",
)
@click.option(
    "--drivers",
    metavar="SURVEY[:OUTCOME]",
    help="the survey (and its outcome question) for key drivers and moments of truth; "
    "default: the customer survey with an NPS question that rates most touchpoints",
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="the language the report is written in",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="the HTML file to write",
)
@pass_app
@domain_errors
def report(
    app: AppContext,
    period: Period,
    unit: str | None,
    metric: str,
    drivers: str | None,
    language: str,
    out: Path,
) -> None:
    """Write a standalone HTML report for a period: scores with n, intervals and trend,
    expectations, stages, touchpoints, key drivers, moments of truth, journeys, the
    employee-customer link, goals and comments; it opens offline."""
    request = ReportRequest(
        period=period,
        now=utcnow(),
        unit=unit,
        metric=metric,  # type: ignore[arg-type]
        threshold=app.settings.anonymity_threshold,
        drivers_survey=drivers.partition(":")[0] if drivers else None,
        drivers_outcome=(drivers.partition(":")[2] or None) if drivers else None,
        language=language,
    )
    with app.database.transaction() as session:
        built = build_report(session, request)
    html = render_report(built)
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as error:
        raise click.FileError(str(out), hint=error.strerror) from None
    sections = ", ".join(section.title for section in built.sections)
    click.echo(f"Report written to {out} ({len(html.encode()) // 1024} KiB): {sections}")
