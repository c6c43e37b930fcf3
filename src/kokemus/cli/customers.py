import json
from typing import Any

import click

from kokemus.cli.context import AppContext, domain_errors, pass_app
from kokemus.customers import service
from kokemus.customers.models import Customer
from kokemus.errors import InvalidInput


@click.group("customers")
def group() -> None:
    """One customer across systems."""


@group.command()
@click.argument("who")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, service.MAX_PAGE))
@click.option("--cursor", help="next_cursor from a previous page")
@click.option("--json", "as_json", is_flag=True, help="Print what the API returns.")
@pass_app
@domain_errors
def show(app: AppContext, who: str, limit: int, cursor: str | None, as_json: bool) -> None:
    """Show a customer found by EMAIL, phone number or customer id."""
    with app.database.transaction() as session:
        customer = _find(session, who, app.settings.default_phone_region)
        document = service.profile(session, customer, limit=limit, cursor=cursor)
    if as_json:
        click.echo(json.dumps(document, default=str, ensure_ascii=False, indent=2))
        return
    _print_profile(document)


def _find(session: Any, who: str, region: str) -> Customer:
    if who.isdigit():
        return service.live_customer(session, int(who))
    if "@" in who:
        return service.find_by_contact(session, email=who)
    try:
        return service.find_by_contact(session, phone=who, region=region)
    except InvalidInput:
        raise InvalidInput(
            "WHO", f"{who!r} is not an email, a phone number or a customer id"
        ) from None


def _print_profile(document: dict[str, Any]) -> None:
    click.echo(f"Customer {document['id']} (first seen {document['first_seen_at']:%Y-%m-%d})")
    for key, value in document["traits"].items():
        click.echo(f"  {key}: {value}")
    click.echo("Identities:")
    for identity in document["identities"]:
        where = f" in {identity['source']}" if identity["source"] else ""
        click.echo(f"  {identity['kind']}{where}: {identity['value']}")
    for merge in document["merges"]:
        state = f", undone {merge['undone_at']:%Y-%m-%d}" if merge["undone_at"] else ""
        click.echo(
            f"Merge {merge['id']}: customer {merge['merged_id']} into {merge['survivor_id']} "
            f"on {merge['created_at']:%Y-%m-%d %H:%M}{state}: {merge['reason']}"
        )
    click.echo("Timeline (newest first):")
    for event in document["timeline"]["events"]:
        touchpoint = event["touchpoint"]["name"] if event["touchpoint"] else "-"
        click.echo(
            f"  {event['occurred_at']:%Y-%m-%d %H:%M}  {event['source']:<14} {event['type']:<8} "
            f"{event['name'] or '':<28} {touchpoint}"
        )
    if document["timeline"]["next_cursor"]:
        click.echo(f"More: --cursor {document['timeline']['next_cursor']}")


@group.command()
@click.argument("merge_id", type=int)
@click.option("--reason", required=True, help="Why the two are different people.")
@pass_app
@domain_errors
def unmerge(app: AppContext, merge_id: int, reason: str) -> None:
    """Undo a merge: the merged customer gets back its identities and their events."""
    with app.database.transaction() as session:
        merge = service.unmerge(session, merge_id, reason, via="command line")
    click.echo(
        f"Merge {merge.id} undone: customer {merge.merged_id} is separate from "
        f"{merge.survivor_id} again ({len(merge.identity_ids)} identities moved back)."
    )
