"""kokemus rules: the alert rules that open cases, notify and invite."""

from pathlib import Path

import click

from kokemus.cases import rule_store
from kokemus.cases.rules import default_rules_text, parse_rules
from kokemus.cli.context import AppContext, domain_errors, pass_app


@click.group("rules")
def group() -> None:
    """Alert rules (a YAML file; `kokemus rules show` prints the stored ones)."""


@group.command("list")
@pass_app
def list_rules(app: AppContext) -> None:
    with app.database.write_transaction() as session:
        for stored in rule_store.stored_rules(session):
            state = "active" if stored.active else "off"
            click.echo(f"{stored.key}\t{stored.kind}\t{state}\t{stored.name}")


@group.command()
@click.option("--shipped", is_flag=True, help="the rules Kokemus ships, with their comments")
@pass_app
def show(app: AppContext, shipped: bool) -> None:
    """The stored unit policies and rules, as a file `kokemus rules load` takes."""
    if shipped:
        click.echo(default_rules_text(), nl=False)
        return
    with app.database.write_transaction() as session:
        click.echo(rule_store.rules_document(session), nl=False)


@group.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_app
@domain_errors
def load(app: AppContext, path: Path) -> None:
    """Store the file's unit policies and rules; a rule with a stored key is replaced."""
    spec = parse_rules(path.read_text("utf-8"))
    with app.database.write_transaction() as session:
        rule_store.ensure_defaults(session)
        count = rule_store.load_file(session, spec)
    click.echo(f"{count} rules and {len(spec.units)} unit policies loaded.")


@group.command()
@click.argument("key")
@pass_app
@domain_errors
def enable(app: AppContext, key: str) -> None:
    with app.database.write_transaction() as session:
        rule_store.ensure_defaults(session)
        rule_store.set_active(session, key, True)
    click.echo(f"Rule {key} is active.")


@group.command()
@click.argument("key")
@pass_app
@domain_errors
def disable(app: AppContext, key: str) -> None:
    with app.database.write_transaction() as session:
        rule_store.ensure_defaults(session)
        rule_store.set_active(session, key, False)
    click.echo(f"Rule {key} is off.")
