"""kokemus cases: the closed loop from the command line (acting as "command line")."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import click
import orjson

from kokemus.cases import claims, recovery, root_causes, service, views
from kokemus.cases.access import COMMAND_LINE
from kokemus.cases.context import CaseContext
from kokemus.cases.durations import minutes
from kokemus.cases.models import CONTACT_CHANNELS, PRIORITIES, RESOLUTIONS, STATUSES
from kokemus.cases.tasks import run_once
from kokemus.cli.context import AppContext, domain_errors, pass_app
from kokemus.errors import InvalidInput
from kokemus.store.base import utcnow


@click.group("cases")
def group() -> None:
    """Cases: who acts on a customer's problem, by when, and what came of it."""


@contextmanager
def _work(app: AppContext) -> Iterator[CaseContext]:
    with app.database.write_transaction() as session:
        yield CaseContext(session, COMMAND_LINE, utcnow(), app.settings.public_url)


def _print(document: object) -> None:
    click.echo(orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_NAIVE_UTC).decode())


def _duration(text: str | None, name: str) -> int | None:
    try:
        return minutes(text) if text else None
    except ValueError as error:
        raise InvalidInput(name, str(error)) from None


@group.command("list")
@click.option("--status", type=click.Choice(STATUSES))
@click.option("--owner", "owner_unit", help="unit key")
@click.option("--breached", is_flag=True, default=None, help="only those past their SLA")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, service.MAX_PAGE))
@pass_app
@domain_errors
def list_cases(
    app: AppContext, status: str | None, owner_unit: str | None, breached: bool | None, limit: int
) -> None:
    """Cases, oldest first: id, status, priority, owner, due, reason."""
    with _work(app) as ctx:
        found = service.list_cases(
            ctx, service.Filters(status, owner_unit, breached=breached, limit=limit)
        )
        for case in found:
            row = views.summary(ctx.session, case)
            due = case.sla_due_at.strftime("%Y-%m-%d %H:%M") if case.sla_due_at else "-"
            late = " LATE" if row["breached"] else ""
            owner = row["owner_unit"] or "-"
            fields = (case.id, case.status, case.priority, owner, f"{due}{late}", case.reason)
            click.echo("\t".join(str(field) for field in fields))


@group.command()
@click.argument("case_id", type=int)
@pass_app
@domain_errors
def show(app: AppContext, case_id: int) -> None:
    """A case as JSON: signals, claim and its risk, contact log, timeline."""
    with _work(app) as ctx:
        _print(service.show(ctx, service.get_case(ctx, case_id)))


@group.command("open")
@click.option("--reason", required=True)
@click.option("--priority", type=click.Choice(PRIORITIES), default="normal", show_default=True)
@click.option("--customer", "customer_id", type=int)
@click.option("--owner", "owner_unit", help="unit key")
@click.option("--sla", help="like 48h or 2d (default: the unit's)")
@click.option("--follow-up", "follow_up", help="survey key to invite the customer to once resolved")
@pass_app
@domain_errors
def open_case(
    app: AppContext,
    reason: str,
    priority: str,
    customer_id: int | None,
    owner_unit: str | None,
    sla: str | None,
    follow_up: str | None,
) -> None:
    """Open a case by hand."""
    with _work(app) as ctx:
        owner = service.unit_id(ctx.session, owner_unit, "owner") if owner_unit else None
        opening = service.Opening(
            reason=reason,
            priority=priority,
            customer_id=customer_id,
            owner_unit_id=owner,
            sla_minutes=_duration(sla, "sla"),
            follow_up_survey=follow_up,
            follow_up_minutes=24 * 60 if follow_up else None,
        )
        case = service.open_case(ctx, opening)
        click.echo(f"Case {case.id} opened, due {case.sla_due_at:%Y-%m-%d %H:%M} UTC.")


@group.command()
@click.argument("case_id", type=int)
@click.option("--to", "assignee", help="the user's email")
@click.option("--unassign", is_flag=True)
@click.option("--owner", "owner_unit", help="give the case to this unit")
@pass_app
@domain_errors
def assign(
    app: AppContext, case_id: int, assignee: str | None, unassign: bool, owner_unit: str | None
) -> None:
    """Give a case to a person, or to another unit."""
    with _work(app) as ctx:
        case = service.get_case(ctx, case_id)
        service.assign(ctx, case, "" if unassign else assignee, owner_unit)
    click.echo(f"Case {case_id} assigned.")


@group.command()
@click.argument("case_id", type=int)
@click.argument("status", type=click.Choice(STATUSES))
@click.option("--note", help="why (needed to close a new case or to reopen)")
@click.option("--waiting-unit", help="the partner unit, for waiting_partner")
@pass_app
@domain_errors
def transition(
    app: AppContext, case_id: int, status: str, note: str | None, waiting_unit: str | None
) -> None:
    """Change a case's status (see the allowed changes with `show`)."""
    with _work(app) as ctx:
        case = service.get_case(ctx, case_id)
        service.transition(ctx, case, status, note=note, waiting_unit=waiting_unit)
    click.echo(f"Case {case_id} is {status}.")


@group.command("root-cause")
@click.argument("case_id", type=int)
@click.argument("key")
@click.option("--note")
@pass_app
@domain_errors
def root_cause(app: AppContext, case_id: int, key: str, note: str | None) -> None:
    """Record what caused the problem (a key of `cases root-causes list`)."""
    with _work(app) as ctx:
        service.set_root_cause(ctx, service.get_case(ctx, case_id), key, note)
    click.echo(f"Case {case_id}: root cause {key}.")


@group.command()
@click.argument("case_id", type=int)
@click.option("--channel", type=click.Choice(CONTACT_CHANNELS), required=True)
@click.option("--what", "what_happened", required=True, help="what happened, as told")
@click.option("--why", required=True, help="why it happened, as told")
@click.option(
    "--at", "contacted_at", type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M%z"])
)
@pass_app
@domain_errors
def contact(
    app: AppContext,
    case_id: int,
    channel: str,
    what_happened: str,
    why: str,
    contacted_at: datetime | None,
) -> None:
    """Log when and how the customer was told what happened and why."""
    with _work(app) as ctx:
        service.log_contact(
            ctx,
            service.get_case(ctx, case_id),
            channel=channel,
            what_happened=what_happened,
            why=why,
            contacted_at=contacted_at,
        )
    click.echo(f"Case {case_id}: contact logged.")


@group.command()
@click.argument("case_id", type=int)
@click.argument("kind", type=click.Choice(RESOLUTIONS))
@click.option("--amount", help="for a refund or compensation, like 49.90")
@click.option("--currency", help="ISO 4217, like EUR")
@click.option("--note")
@click.option("--close/--no-close", default=False, help="also close it once resolved")
@pass_app
@domain_errors
def resolve(
    app: AppContext,
    case_id: int,
    kind: str,
    amount: str | None,
    currency: str | None,
    note: str | None,
    close: bool,
) -> None:
    """Record the resolution and resolve the case (its root cause and a contact first)."""
    with _work(app) as ctx:
        case = service.get_case(ctx, case_id)
        service.record_resolution(ctx, case, kind, note=note, amount=amount, currency=currency)
        service.transition(ctx, case, "resolved")
        if close:
            service.transition(ctx, case, "closed")
        status = case.status
    click.echo(f"Case {case_id} is {status}.")


@group.command()
@click.argument("case_id", type=int)
@click.argument("text")
@pass_app
@domain_errors
def note(app: AppContext, case_id: int, text: str) -> None:
    """Add a note to the timeline."""
    with _work(app) as ctx:
        service.add_note(ctx, service.get_case(ctx, case_id), text)
    click.echo(f"Case {case_id}: note added.")


@group.command()
@click.argument("case_id", type=int)
@click.option("--amount")
@click.option("--currency")
@click.option("--order", "order_ref")
@click.option("--address", help="kept only as a key, to see repeats")
@click.option("--payment", help="kept only as a key, to see repeats")
@pass_app
@domain_errors
def claim(
    app: AppContext,
    case_id: int,
    amount: str | None,
    currency: str | None,
    order_ref: str | None,
    address: str | None,
    payment: str | None,
) -> None:
    """Record a compensation claim and print its risk with the reasons (it never decides)."""
    given = claims.ClaimInput(amount, currency, order_ref, address, payment)
    with _work(app) as ctx:
        found = claims.record_claim(ctx, service.get_case(ctx, case_id), given)
        click.echo(f"Risk {found.risk_score} ({found.risk_level})")
        for reason in found.risk_reasons:
            click.echo(f"  +{reason['weight']}\t{reason['signal']}: {reason['detail']}")


@group.command()
@pass_app
@domain_errors
def evaluate(app: AppContext) -> None:
    """Do at once what `kokemus serve` does in the background: evaluate the rules on new
    responses and events, escalate what is late, send webhooks and emails."""
    report = run_once(app.database, app.settings)
    cases = report.evaluation.cases
    click.echo(
        f"{report.evaluation.responses} responses and {report.evaluation.events} events read; "
        f"{len(report.evaluation.fired)} rule firings, {len(cases)} cases; "
        f"{report.escalated} escalated; {report.webhooks_delivered} webhooks and "
        f"{report.emails_sent} emails sent"
    )
    if report.evaluation.waiting:
        click.echo(f"{report.evaluation.waiting} response(s) wait for their texts to be analysed.")


@group.command("recovery")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 3650))
@pass_app
def recovery_command(app: AppContext, days: int) -> None:
    """Share of customers whose later score recovered after their case was resolved."""
    until = utcnow()
    with app.database.transaction() as session:
        _print(recovery.recovery(session, until - timedelta(days=days), until).view())


@group.group("root-causes")
def causes() -> None:
    """The root-cause taxonomy your organisation edits."""


@causes.command("list")
@pass_app
def list_causes(app: AppContext) -> None:
    with app.database.write_transaction() as session:
        for cause in root_causes.listed(session):
            click.echo(f"{cause.key}\t{cause.names.get('en') or next(iter(cause.names.values()))}")


@causes.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_app
@domain_errors
def load_causes(app: AppContext, path: Path) -> None:
    """Make the taxonomy the file's (the shipped one: `cases root-causes show`)."""
    parsed = root_causes.parse(path.read_text("utf-8"))
    with app.database.write_transaction() as session:
        count = root_causes.load(session, parsed)
    click.echo(f"{count} root causes loaded.")


@causes.command("show")
def show_causes() -> None:
    """Print the shipped taxonomy file, to edit and load."""
    click.echo(root_causes.default_text(), nl=False)
