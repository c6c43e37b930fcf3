import json
from datetime import date, datetime, timedelta

import click

from kokemus.cli.context import AppContext, domain_errors, pass_app
from kokemus.metrics import rollups
from kokemus.metrics.breakdown import QUESTION_TYPES, BreakdownQuery, Filters
from kokemus.metrics.dimensions import parse_group_by
from kokemus.metrics.service import breakdown, result_view


@click.group("metrics")
def group() -> None:
    """Scores with their n and intervals, broken down; the rollups behind them."""


def _day(value: str | None) -> date | None:
    return None if value is None else datetime.strptime(value, "%Y-%m-%d").date()


@group.command()
@click.argument("metric", type=click.Choice(sorted(QUESTION_TYPES)))
@click.option("--group-by", default="", help="e.g. month,touchpoint (see the API for all)")
@click.option("--from", "first", metavar="YYYY-MM-DD", help="first local day")
@click.option("--to", "last", metavar="YYYY-MM-DD", help="last local day (included)")
@click.option("--unit", help="unit key, with its subtree")
@click.option("--touchpoint", multiple=True)
@click.option("--kind", type=click.Choice(["customer", "employee", "audit"]))
@click.option("--compare", is_flag=True, help="compare with the previous period")
@pass_app
@domain_errors
def show(
    app: AppContext,
    metric: str,
    group_by: str,
    first: str | None,
    last: str | None,
    unit: str | None,
    touchpoint: tuple[str, ...],
    kind: str | None,
    compare: bool,
) -> None:
    """Print a breakdown as JSON."""
    try:
        end = _day(last) or date.today()
        start = _day(first) or end - timedelta(days=364)
    except ValueError as error:
        raise click.BadParameter(f"dates are YYYY-MM-DD: {error}") from None
    query = BreakdownQuery(
        metric,  # type: ignore[arg-type]
        start,
        end,
        parse_group_by(group_by),
        Filters(unit=unit, touchpoint=touchpoint, kind=kind),
    )
    with app.database.transaction() as session:
        result = breakdown(
            session, query, with_previous=compare, threshold=app.settings.anonymity_threshold
        )
    click.echo(json.dumps(result_view(result), ensure_ascii=False, indent=2))


@group.command()
@pass_app
def rebuild(app: AppContext) -> None:
    """Recount the rollups from the raw answers (after a change of time zone)."""
    rows = rollups.refresh(app.database)
    click.echo(f"Rollups rebuilt: {rows} rows.")
