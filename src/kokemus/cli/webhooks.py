"""kokemus webhooks: endpoints that hear of cases, signed per Standard Webhooks."""

import click

from kokemus.cli.context import AppContext, domain_errors, pass_app
from kokemus.webhooks import service
from kokemus.webhooks.delivery import deliver_due
from kokemus.webhooks.models import FORMATS


@click.group("webhooks")
def group() -> None:
    """Webhook endpoints (Slack, Teams, or your own receiver) and their delivery log."""


@group.command()
@click.argument("name")
@click.argument("url")
@click.option(
    "--format", "format_", type=click.Choice(FORMATS), default="standard", show_default=True
)
@click.option(
    "--event",
    "events",
    multiple=True,
    type=click.Choice(service.EVENT_TYPES),
    help="repeat; none: all",
)
@pass_app
@domain_errors
def add(app: AppContext, name: str, url: str, format_: str, events: tuple[str, ...]) -> None:
    """Add an endpoint and print its signing secret (shown only this once)."""
    with app.database.write_transaction() as session:
        made = service.create_endpoint(
            session, name, url, format_=format_, event_types=list(events)
        )
    click.echo(f"Webhook {name!r} added; its signing secret, shown only now:")
    click.echo(made.secret)


@group.command("list")
@pass_app
def list_endpoints(app: AppContext) -> None:
    with app.database.transaction() as session:
        for endpoint in service.list_endpoints(session):
            state = (
                "active" if endpoint.active else f"off ({endpoint.disabled_reason or 'by hand'})"
            )
            events = ",".join(endpoint.event_types) or "all"
            click.echo(f"{endpoint.name}\t{endpoint.format}\t{state}\t{events}\t{endpoint.url}")


@group.command()
@click.argument("name")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
@pass_app
@domain_errors
def deliveries(app: AppContext, name: str, limit: int) -> None:
    """The delivery log, newest first: each message and every attempt."""
    with app.database.transaction() as session:
        for delivery in service.deliveries(session, name, limit):
            fields = (delivery.message_id, delivery.event_type, delivery.status)
            click.echo("\t".join(fields) + f"\t{delivery.attempts} tries")
            for attempt in service.attempts(session, delivery.id):
                outcome = attempt.status_code or attempt.error
                click.echo(f"  {attempt.at:%Y-%m-%d %H:%M:%S}\t{outcome}\t{attempt.duration_ms} ms")


@group.command("rotate-secret")
@click.argument("name")
@pass_app
@domain_errors
def rotate_secret(app: AppContext, name: str) -> None:
    """A new signing secret, shown once; the old one stops at once."""
    with app.database.write_transaction() as session:
        secret = service.rotate_secret(session, name)
    click.echo(secret)


@group.command()
@click.argument("name")
@pass_app
@domain_errors
def disable(app: AppContext, name: str) -> None:
    with app.database.write_transaction() as session:
        service.set_active(session, name, False, "disabled by hand")
    click.echo(f"Webhook {name!r} is off.")


@group.command()
@click.argument("name")
@pass_app
@domain_errors
def enable(app: AppContext, name: str) -> None:
    with app.database.write_transaction() as session:
        service.set_active(session, name, True)
    click.echo(f"Webhook {name!r} is active.")


@group.command("send-due")
@pass_app
def send_due(app: AppContext) -> None:
    """Send the messages that are due now, once."""
    report = deliver_due(app.database)
    click.echo(f"{report.delivered} delivered, {report.retried} to retry, {report.failed} given up")
