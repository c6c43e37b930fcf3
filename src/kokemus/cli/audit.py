import json

import click

from kokemus.audit import service
from kokemus.cli.context import AppContext, pass_app


@click.group("audit")
def group() -> None:
    """The audit log: sign-ins, users and tokens, exports, merges, settings changes."""


@group.command("list")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000))
@pass_app
def list_entries(app: AppContext, limit: int) -> None:
    """The latest entries, newest first."""
    with app.database.transaction() as session:
        for entry in service.latest(session, limit):
            who = f"user {entry.user_id}" if entry.user_id is not None else "-"
            details = json.dumps(entry.details, ensure_ascii=False) if entry.details else ""
            columns = (entry.at.isoformat(), entry.action, entry.target or "-", who)
            click.echo("\t".join((*columns, entry.address or "-", details)))
