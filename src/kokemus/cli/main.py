import click

from kokemus import __version__
from kokemus.cli import (
    audit,
    cases,
    customers,
    db,
    demo,
    goals,
    importing,
    insights,
    journey,
    metrics,
    report,
    rules,
    serve,
    sources,
    surveys,
    text,
    tokens,
    users,
    webhooks,
)
from kokemus.cli.context import AppContext
from kokemus.config import Settings


@click.group()
@click.version_option(__version__, prog_name="kokemus")
@click.option(
    "--database-url",
    envvar="KOKEMUS_DATABASE_URL",
    help="SQLAlchemy URL of the store (default: the SQLite file under ./var/).",
)
@click.pass_context
def cli(context: click.Context, database_url: str | None) -> None:
    """Kokemus: customer experience management."""
    settings = Settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    context.obj = AppContext(settings)
    context.call_on_close(context.obj.close)


for command in (
    db.group,
    sources.group,
    tokens.group,
    journey.group,
    importing.group,
    customers.group,
    serve.serve,
    demo.demo,
    text.text_group,
    surveys.group,
    users.group,
    audit.group,
    metrics.group,
    goals.group,
    report.report,
    insights.group,
    cases.group,
    rules.group,
    webhooks.group,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="kokemus")
