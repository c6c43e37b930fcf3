import json
from datetime import date

import click

from kokemus.cli.context import AppContext, domain_errors, pass_app
from kokemus.cli.report import PERIOD
from kokemus.errors import InvalidInput
from kokemus.metrics import goals_service as service
from kokemus.reports.period import Period
from kokemus.store.base import utcnow


@click.group("goals")
def group() -> None:
    """Targets per metric, unit and period, and where each one stands."""


def _period(period: Period | None, first: str | None, last: str | None) -> tuple[date, date]:
    if period is not None:
        if first or last:
            raise click.UsageError("give --period or --from and --to, not both")
        return period.first, period.last
    if not (first and last):
        raise click.UsageError("give --period (2026-10, 2026-Q4, 2026) or --from and --to")
    try:
        return service.parse_day(first, "--from"), service.parse_day(last, "--to")
    except InvalidInput as error:
        raise click.UsageError(str(error)) from None


@group.command("set")
@click.argument("metric", type=click.Choice(service.METRICS))
@click.argument("target", type=float)
@click.option("--period", type=PERIOD, help="a month 2026-10, a quarter 2026-Q4 or a year 2026")
@click.option("--from", "first", metavar="YYYY-MM-DD", help="first day, instead of --period")
@click.option("--to", "last", metavar="YYYY-MM-DD", help="last day (included)")
@click.option("--unit", help="unit key (counts its subtree); the whole organisation without")
@click.option("--touchpoint", help="touchpoint key")
@pass_app
@domain_errors
def set_goal(
    app: AppContext,
    metric: str,
    target: float,
    period: Period | None,
    first: str | None,
    last: str | None,
    unit: str | None,
    touchpoint: str | None,
) -> None:
    """Set the TARGET for METRIC: a new goal, or a new target for the same one."""
    start, end = _period(period, first, last)
    data = service.GoalInput(metric, start, end, target, unit=unit, touchpoint=touchpoint)
    with app.database.write_transaction() as session:
        goal, created = service.set_goal(session, data, via="command line")
        (report,) = service.goal_reports(
            session, [goal], now=utcnow(), threshold=app.settings.anonymity_threshold
        )
    verb = "Goal set" if created else "Goal changed"
    click.echo(f"{verb}: {report.goal.id}  {_line(service.goal_view(report))}")


@group.command("list")
@click.option("--unit", help="a unit's goals and its subtree's")
@click.option(
    "--period", type=PERIOD, help="goals whose period overlaps this month, quarter or year"
)
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@pass_app
@domain_errors
def list_goals(app: AppContext, unit: str | None, period: Period | None, as_json: bool) -> None:
    """Goals with their status, the figure so far and the reason."""
    overlapping = (period.first, period.last) if period else None
    with app.database.transaction() as session:
        goals = service.list_goals(session, unit=unit, overlapping=overlapping)
        reports = service.goal_reports(
            session, goals, now=utcnow(), threshold=app.settings.anonymity_threshold
        )
    views = [service.goal_view(report) for report in reports]
    if as_json:
        click.echo(json.dumps(views, ensure_ascii=False, indent=2))
        return
    if not views:
        click.echo("No goals.")
    for view in views:
        click.echo(f"{view['id']:>4}  {_line(view)}")


@group.command("remove")
@click.argument("goal_id", type=click.IntRange(1, 2**31 - 1))
@pass_app
@domain_errors
def remove(app: AppContext, goal_id: int) -> None:
    """Remove a goal."""
    with app.database.write_transaction() as session:
        service.delete_goal(session, goal_id, via="command line")
    click.echo(f"Goal {goal_id} removed.")


def _line(view: dict[str, object]) -> str:
    scope = " ".join(
        f"{name} {view[name]}" for name in ("unit", "touchpoint") if view[name] is not None
    )
    return (
        f"{view['metric']} {view['target']:g} for {view['period_start']}..{view['period_end']}"
        f"{' ' + scope if scope else ''}: {view['status']} ({view['reason']})"
    )
