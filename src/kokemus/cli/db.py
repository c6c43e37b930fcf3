import click

from kokemus.cli.context import AppContext, pass_app
from kokemus.store import migrate


@click.group("db")
def group() -> None:
    """The store's schema."""


@group.command()
@pass_app
def upgrade(app: AppContext) -> None:
    """Migrate the store to the current schema."""
    migrate.upgrade(app.database.engine)
    click.echo(f"Store at revision {migrate.current_revision(app.database.engine)}.")


@group.command()
@pass_app
def current(app: AppContext) -> None:
    """Print the store's schema revision."""
    revision = migrate.current_revision(app.database.engine)
    state = "current" if migrate.is_current(app.database.engine) else "needs `kokemus db upgrade`"
    click.echo(f"{revision or '(empty)'} ({state})")
