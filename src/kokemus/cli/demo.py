from datetime import datetime

import click

from kokemus.cli.context import AppContext, domain_errors, pass_app
from kokemus.demo.generate import CUSTOMERS, SEED, DemoReport, build_demo
from kokemus.store import migrate


@click.command()
@click.option(
    "--customers",
    default=CUSTOMERS,
    show_default=True,
    type=click.IntRange(1, 1_000_000),
    help="People in the demo company's year.",
)
@click.option(
    "--seed", default=SEED, show_default=True, help="The same seed and end give the same data."
)
@click.option(
    "--end",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The year's last day (default: the last day of last month).",
)
@pass_app
@domain_errors
def demo(app: AppContext, customers: int, seed: int, end: datetime | None) -> None:
    """Build the demo company, a year of Kaari Oy, into an empty store."""
    migrate.upgrade(app.database.engine)
    report = build_demo(
        app.database,
        customers=customers,
        seed=seed,
        end=end.date() if end else None,
        progress=lambda phase, seconds: click.echo(f"  {phase:<10} {seconds:6.1f} s"),
    )
    for line in summary(report):
        click.echo(line)


def summary(report: DemoReport) -> list[str]:
    counts = report.counts
    period = report.period
    return [
        f"Built the demo company Kaari Oy: {period.start} to {period.end}, seed {report.seed}, "
        f"in {sum(report.seconds.values()):.1f} s.",
        f"  {counts['customers']:,} customers ({counts['merges']:,} merged), "
        f"{counts['identities']:,} identities",
        f"  {counts['events']:,} events from {counts['sources']} sources",
        f"  {counts['surveys']} surveys, {counts['survey_invitations']:,} invitations, "
        f"{counts['survey_responses']:,} responses ({counts['survey_answers']:,} answers)",
        f"  {counts['text_analyses']:,} texts analysed, {counts['metric_rollups']:,} rollup rows",
        "Serve it with `kokemus serve --demo`, which prints a demo sign-in.",
    ]
