import csv
import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import numpy as np
import orjson

from kokemus.cli.context import AppContext, domain_errors, pass_app
from kokemus.insights.drivers import (
    DEFAULT_SEED,
    METHODS,
    DriverDataError,
    Method,
    Vector,
    analyse_drivers,
)
from kokemus.insights.journeys import (
    AFTER_DELIVERY_DAYS,
    CONTACT_EVENTS,
    DELIVERY_EVENTS,
    MAX_STEPS,
    METRICS,
    REOPEN_EVENTS,
    REPEAT_DAYS,
    TICKET_EVENTS,
    TOP_PATHS,
    JourneyQuery,
    journey,
)
from kokemus.insights.link import (
    ENPS_QUESTION,
    MEETING_QUESTION,
    WORKDAY_QUESTION,
    LinkQuery,
    employee_customer_link,
)
from kokemus.insights.moments_service import MIN_VOLUME, MomentsQuery, moments_of_truth
from kokemus.insights.survey_data import (
    MAX_THEMES,
    EventOutcome,
    SurveyDriverQuery,
    drivers_view,
    survey_drivers,
)
from kokemus.journeys.models import UNIT_KINDS
from kokemus.metrics.breakdown import QUESTION_TYPES
from kokemus.metrics.periods import INTERVALS

# Cells read as missing, not as bad numbers: blank, and what R and spreadsheets write.
MISSING = frozenset({"", "na", "n/a", "nan", "null"})

CsvArgument = click.Path(exists=True, dir_okay=False, path_type=Path)
Bootstrap = click.option(
    "--bootstrap",
    type=click.IntRange(min=0),
    help="Resamples for the intervals, 0 for none [default: 1000, fewer for LMG on many drivers]",
)
First = click.option("--from", "first", metavar="YYYY-MM-DD", help="first local day [a year ago]")
Last = click.option("--to", "last", metavar="YYYY-MM-DD", help="last local day [today]")
UnitOption = click.option("--unit", help="Unit key: only it and the units under it [all].")


@click.group("insights")
def group() -> None:
    """What drives an outcome, moments of truth, journeys, and the employee-customer link."""


@group.command("drivers")
@click.option("--csv", "csv_path", type=CsvArgument, help="One row per respondent.")
@click.option("--survey", help="Or a survey's key: one row per complete response.")
@click.option(
    "--outcome",
    help="Column (--csv) or scale question (--survey) of the outcome [--survey: its NPS].",
)
@click.option(
    "--outcome-event",
    multiple=True,
    help="With --survey: the outcome is whether the customer had this event (repeatable).",
)
@click.option("--within-days", type=click.IntRange(min=1), help="...this many days after.")
@click.option("--drivers", "driver_list", help="Driver columns or questions, comma-separated.")
@click.option("--themes", is_flag=True, help="With --survey: add 0/1 columns of themes.")
@click.option("--max-themes", type=click.IntRange(0, 30), default=MAX_THEMES, show_default=True)
@First
@Last
@click.option("--method", type=click.Choice(METHODS), default="lmg", show_default=True)
@Bootstrap
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True)
@UnitOption
@click.pass_context
def drivers_command(
    context: click.Context,
    csv_path: Path | None,
    survey: str | None,
    outcome: str | None,
    outcome_event: tuple[str, ...],
    within_days: int | None,
    driver_list: str | None,
    themes: bool,
    max_themes: int,
    first: str | None,
    last: str | None,
    method: Method,
    bootstrap: int | None,
    seed: int,
    unit: str | None,
) -> None:
    """Relative importance of each driver for the outcome, as JSON.

    From a CSV file (--csv), rows with a blank or NA cell are left out and counted in the
    warnings. A missing column or a cell that is not a number is a usage error (exit
    status 2); data the analysis cannot use (say, a constant outcome) exits with status 1.
    From a survey (--survey), the drivers default to its scale questions.
    """
    if (csv_path is None) == (survey is None):
        raise click.UsageError("give either --csv FILE or --survey KEY")
    if survey is not None:
        start, end = _range(first, last)
        query = SurveyDriverQuery(
            survey=survey,
            first=start,
            last=end,
            outcome=outcome,
            outcome_event=_event_outcome(outcome_event, within_days),
            drivers=tuple(_names(driver_list or "")),
            themes=themes,
            max_themes=max_themes,
            unit=unit,
        )
        app = context.find_object(AppContext)
        assert app is not None
        query = replace(query, threshold=app.settings.anonymity_threshold)
        _survey_drivers(app, query, method, bootstrap, seed)
        return
    assert csv_path is not None
    if unit is not None:
        raise click.UsageError("--unit goes with --survey: a CSV file has no units")
    if outcome is None:
        raise click.MissingParameter(ctx=context, param=_option(context, "outcome"))
    if driver_list is None:
        raise click.MissingParameter(ctx=context, param=_option(context, "driver_list"))
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
    _echo({"outcome": outcome, **analysis.to_dict()})


@domain_errors
def _survey_drivers(
    app: AppContext, query: SurveyDriverQuery, method: Method, bootstrap: int | None, seed: int
) -> None:
    with app.database.transaction() as session:
        data, analysis = survey_drivers(
            session, query, method=method, resamples=bootstrap, seed=seed
        )
    _echo(drivers_view(data, analysis))


@group.command("moments")
@click.option("--survey", required=True, help="Survey whose scale questions rate touchpoints.")
@click.option("--outcome", help="Scale question of the outcome [the survey's NPS question].")
@click.option("--outcome-event", multiple=True, help="Or an event after the response.")
@click.option("--within-days", type=click.IntRange(min=1), help="...this many days after.")
@click.option("--drivers", "driver_list", help="Questions, comma-separated [all scale ones].")
@First
@Last
@click.option("--performance", type=click.Choice(["csat", "weak_share"]), default="csat")
@click.option("--effort", type=click.Choice(["ces", "negative_text"]), default="ces")
@click.option("--min-volume", type=click.IntRange(min=1), default=MIN_VOLUME, show_default=True)
@click.option("--method", type=click.Choice(METHODS), default="lmg", show_default=True)
@Bootstrap
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True)
@UnitOption
@pass_app
@domain_errors
def moments_command(
    app: AppContext,
    survey: str,
    outcome: str | None,
    outcome_event: tuple[str, ...],
    within_days: int | None,
    driver_list: str | None,
    first: str | None,
    last: str | None,
    performance: Any,
    effort: Any,
    min_volume: int,
    method: Method,
    bootstrap: int | None,
    seed: int,
    unit: str | None,
) -> None:
    """Per touchpoint: improve, keep, reduce or monitor, with the evidence, as JSON."""
    start, end = _range(first, last)
    query = MomentsQuery(
        drivers=SurveyDriverQuery(
            survey=survey,
            first=start,
            last=end,
            outcome=outcome,
            outcome_event=_event_outcome(outcome_event, within_days),
            drivers=tuple(_names(driver_list or "")),
            threshold=app.settings.anonymity_threshold,
            unit=unit,
        ),
        performance=performance,
        effort=effort,
        min_volume=min_volume,
        method=method,
        resamples=bootstrap,
        seed=seed,
    )
    with app.database.transaction() as session:
        _echo(moments_of_truth(session, query))


@group.command("journeys")
@First
@Last
@click.option(
    "--metric",
    "metrics",
    multiple=True,
    type=click.Choice(sorted(QUESTION_TYPES)),
    help=f"Scores shown (repeatable) [{', '.join(METRICS)}]",
)
@click.option("--interval", type=click.Choice(INTERVALS), default="month", show_default=True)
@click.option("--top", type=click.IntRange(1, 100), default=TOP_PATHS, show_default=True)
@click.option("--max-steps", type=click.IntRange(1, 50), default=MAX_STEPS, show_default=True)
@click.option("--nps-survey", help="Survey whose NPS makes detractors and promoters [any].")
@click.option("--contact-event", multiple=True, help=f"[{', '.join(CONTACT_EVENTS)}]")
@click.option("--delivery-event", multiple=True, help=f"[{', '.join(DELIVERY_EVENTS)}]")
@click.option("--reopen-event", multiple=True, help=f"[{', '.join(REOPEN_EVENTS)}]")
@click.option("--ticket-event", multiple=True, help=f"[{', '.join(TICKET_EVENTS)}]")
@click.option("--repeat-days", type=click.IntRange(1, 365), default=REPEAT_DAYS, show_default=True)
@click.option(
    "--after-delivery-days",
    type=click.IntRange(1, 365),
    default=AFTER_DELIVERY_DAYS,
    show_default=True,
)
@UnitOption
@pass_app
@domain_errors
def journeys_command(
    app: AppContext,
    first: str | None,
    last: str | None,
    metrics: tuple[Any, ...],
    interval: Any,
    top: int,
    max_steps: int,
    nps_survey: str | None,
    contact_event: tuple[str, ...],
    delivery_event: tuple[str, ...],
    reopen_event: tuple[str, ...],
    ticket_event: tuple[str, ...],
    repeat_days: int,
    after_delivery_days: int,
    unit: str | None,
) -> None:
    """Stages and touchpoints, common paths, detractors' against promoters', friction."""
    start, end = _range(first, last)
    query = JourneyQuery(
        first=start,
        last=end,
        metrics=tuple(dict.fromkeys(metrics)) or METRICS,
        interval=interval,
        top=top,
        max_steps=max_steps,
        nps_survey=nps_survey,
        contact_events=contact_event or CONTACT_EVENTS,
        delivery_events=delivery_event or DELIVERY_EVENTS,
        reopen_events=reopen_event or REOPEN_EVENTS,
        ticket_events=ticket_event or TICKET_EVENTS,
        repeat_days=repeat_days,
        after_delivery_days=after_delivery_days,
        unit=unit,
    )
    with app.database.transaction() as session:
        _echo(journey(session, query))


@group.command("link")
@First
@Last
@click.option("--customer-metric", type=click.Choice(["csat", "nps"]), default="csat")
@click.option("--enps-question", default=ENPS_QUESTION, show_default=True)
@click.option("--workday-question", default=WORKDAY_QUESTION, show_default=True)
@click.option("--meeting-question", default=MEETING_QUESTION, show_default=True)
@click.option("--unit", help="Unit key: only it and the units under it.")
@click.option("--unit-kind", type=click.Choice(UNIT_KINDS), help="Only units of this kind.")
@pass_app
@domain_errors
def link_command(
    app: AppContext,
    first: str | None,
    last: str | None,
    customer_metric: Any,
    enps_question: str,
    workday_question: str,
    meeting_question: str,
    unit: str | None,
    unit_kind: str | None,
) -> None:
    """Per unit: employee figures against customer scores, with Spearman's rho, as JSON."""
    start, end = _range(first, last)
    query = LinkQuery(
        first=start,
        last=end,
        customer_metric=customer_metric,
        enps_question=enps_question,
        workday_question=workday_question,
        meeting_question=meeting_question,
        unit=unit,
        unit_kind=unit_kind,
        threshold=app.settings.anonymity_threshold,
    )
    with app.database.transaction() as session:
        _echo(employee_customer_link(session, query))


def _echo(payload: dict[str, Any]) -> None:
    click.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode())


def _range(first: str | None, last: str | None) -> tuple[date, date]:
    try:
        end = _day(last) or date.today()
        return _day(first) or end - timedelta(days=364), end
    except ValueError as error:
        raise click.BadParameter(f"dates are YYYY-MM-DD: {error}") from None


def _day(value: str | None) -> date | None:
    return None if value is None else datetime.strptime(value, "%Y-%m-%d").date()


def _event_outcome(names: tuple[str, ...], within_days: int | None) -> EventOutcome | None:
    if not names:
        if within_days is not None:
            raise click.BadParameter("goes with --outcome-event", param_hint="--within-days")
        return None
    if within_days is None:
        raise click.BadParameter("say how many days to look after", param_hint="--within-days")
    return EventOutcome(names, within_days)


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


def _option(context: click.Context, name: str) -> click.Parameter:
    return next(param for param in context.command.params if param.name == name)


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
    names = _names(value)
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
