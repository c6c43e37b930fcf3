import click

from kokemus.cli.context import AppContext, domain_errors, pass_app
from kokemus.ingest import sources
from kokemus.ingest.models import SOURCE_KINDS


@click.group("sources")
def group() -> None:
    """Systems that send data (shop, CRM, helpdesk, carrier...)."""


@group.command()
@click.argument("name")
@click.option("--kind", type=click.Choice(SOURCE_KINDS), default="other", show_default=True)
@pass_app
@domain_errors
def create(app: AppContext, name: str, kind: str) -> None:
    """Register a source and print its write key (shown only this once)."""
    with app.database.transaction() as session:
        created = sources.create_source(session, name, kind)
    click.echo(f"Source {created.name!r} created. Its write key, shown only now:")
    click.echo(created.write_key)


@group.command("list")
@pass_app
def list_sources(app: AppContext) -> None:
    """List sources."""
    with app.database.transaction() as session:
        for source in sources.list_sources(session):
            state = " (disabled)" if source.disabled_at else ""
            click.echo(f"{source.id}\t{source.name}\t{source.kind}{state}")


@group.command("rotate-key")
@click.argument("name")
@pass_app
@domain_errors
def rotate_key(app: AppContext, name: str) -> None:
    """Give a source a new write key (shown only now); the old key stops working."""
    with app.database.transaction() as session:
        rotated = sources.rotate_write_key(session, name)
    click.echo(f"New write key for {rotated.name!r}, shown only now (the old one no longer works):")
    click.echo(rotated.write_key)


@group.command()
@click.argument("name")
@pass_app
@domain_errors
def disable(app: AppContext, name: str) -> None:
    """Refuse a source's messages from now on; what it already sent stays."""
    with app.database.transaction() as session:
        sources.disable_source(session, name)
    click.echo(f"Source {name!r} disabled.")
