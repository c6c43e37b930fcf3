import click

from kokemus.cli.context import AppContext, pass_app
from kokemus.demo.generate import load_demo_if_empty
from kokemus.store import migrate


@click.command()
@pass_app
def demo(app: AppContext) -> None:
    """Load the demo company into an empty store."""
    migrate.upgrade(app.database.engine)
    if load_demo_if_empty(app.database):
        click.echo("Loaded the demo company.")
    else:
        click.echo("The store already has customers; the demo was not loaded.")
