from pathlib import Path

import click
import yaml

from kokemus.cli.context import AppContext, domain_errors, pass_app
from kokemus.journeys import service


@click.group("journey")
def group() -> None:
    """The journey map: stages, touchpoints and the events that map to them."""


@group.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_app
@domain_errors
def load(app: AppContext, file: Path) -> None:
    """Validate a journey YAML file and make it the current map."""
    text = file.read_text(encoding="utf-8")
    spec = service.parse_journey(text)
    with app.database.transaction() as session:
        summary = service.load_journey(session, spec, text)
    click.echo(
        f"Loaded {spec.name!r}: {summary.stages} stages, {summary.touchpoints} touchpoints, "
        f"{summary.units} units; {summary.events_mapped} stored events re-mapped."
    )


@group.command()
@pass_app
def show(app: AppContext) -> None:
    """Print the current map as YAML (loadable again with `journey load`)."""
    with app.database.transaction() as session:
        document = service.journey_document(session)
    click.echo(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), nl=False)


@group.command()
@pass_app
def unmapped(app: AppContext) -> None:
    """Event names that arrived but no touchpoint claims."""
    with app.database.transaction() as session:
        rows = service.unmapped(session)
    if not rows:
        click.echo("Every event name maps to a touchpoint.")
        return
    click.echo("count\ttype\tname\tlast seen")
    for row in rows:
        click.echo(f"{row.count}\t{row.type}\t{row.name}\t{row.last_seen.isoformat()}")
