import re
from datetime import timedelta

import click

from kokemus.cli.context import AppContext, domain_errors, pass_app
from kokemus.surveys import service, triggers
from kokemus.surveys.models import Trigger
from kokemus.surveys.scheduler import run_due

DURATION = re.compile(r"^(\d+)([mhd])$")


def parse_delay(text: str) -> timedelta:
    found = DURATION.match(text.strip())
    if not found:
        raise click.BadParameter("write it as 30m, 2h or 1d", param_hint="--delay")
    amount, unit = int(found.group(1)), found.group(2)
    return {
        "m": timedelta(minutes=amount),
        "h": timedelta(hours=amount),
        "d": timedelta(days=amount),
    }[unit]


def parse_quiet(text: str) -> tuple[str, str] | None:
    if text == "none":
        return None
    start, _, end = text.partition("-")
    if not end:
        raise click.BadParameter("write it as 21:00-08:00, or none", param_hint="--quiet-hours")
    return start.strip(), end.strip()


@click.group("triggers")
def group() -> None:
    """Invitations sent when events arrive."""


@group.command("add")
@click.argument("survey")
@click.option("--event", "event_name", help="the event name that invites")
@click.option("--touchpoint", help="or: any event at this touchpoint (its key)")
@click.option("--delay", default="0m", show_default=True, help="wait before inviting: 30m, 2h, 1d")
@click.option(
    "--sample",
    default=100.0,
    show_default=True,
    type=click.FloatRange(0, 100),
    help="percent invited",
)
@click.option(
    "--fatigue-days",
    default=30,
    show_default=True,
    type=click.IntRange(0, 3650),
    help="no new invitation to a customer invited to any survey this recently",
)
@click.option("--quiet-hours", default="21:00-08:00", show_default=True, help="local time; or none")
@click.option(
    "--require-consent", is_flag=True, help="invite only customers whose survey_consent is true"
)
@click.option(
    "--remind-after-days",
    default=3,
    show_default=True,
    type=click.IntRange(0, 60),
    help="one reminder after this many days; 0 for none",
)
@pass_app
@domain_errors
def add(
    app: AppContext,
    survey: str,
    event_name: str | None,
    touchpoint: str | None,
    delay: str,
    sample: float,
    fatigue_days: int,
    quiet_hours: str,
    require_consent: bool,
    remind_after_days: int,
) -> None:
    """Invite to SURVEY (its key or id) when an event arrives."""
    with app.database.transaction() as session:
        trigger = triggers.create_trigger(
            session,
            service.get_survey(session, survey),
            event_name=event_name,
            touchpoint=touchpoint,
            delay=parse_delay(delay),
            sample_percent=sample,
            fatigue_days=fatigue_days,
            quiet_hours=parse_quiet(quiet_hours),
            require_consent=require_consent,
            remind_after_days=remind_after_days or None,
        )
        click.echo(f"Trigger {trigger.id}: {describe(trigger)}")


@group.command("list")
@click.argument("survey", required=False)
@pass_app
@domain_errors
def list_command(app: AppContext, survey: str | None) -> None:
    """Triggers (of one survey, or all)."""
    with app.database.transaction() as session:
        chosen = service.get_survey(session, survey) if survey else None
        found = triggers.list_triggers(session, chosen)
        for trigger in found:
            state = "active" if trigger.active else "disabled"
            click.echo(f"{trigger.id}\tsurvey {trigger.survey_id}\t{state}\t{describe(trigger)}")
    if not found:
        click.echo("No triggers.")


@group.command()
@click.argument("trigger_id", type=int)
@pass_app
@domain_errors
def disable(app: AppContext, trigger_id: int) -> None:
    """Stop a trigger; invitations it made already still go out."""
    with app.database.transaction() as session:
        triggers.disable_trigger(session, trigger_id)
    click.echo(f"Disabled trigger {trigger_id}.")


@group.command("send-due")
@pass_app
def send_due(app: AppContext) -> None:
    """Send the invitations and reminders due now (what `serve` does every 30 seconds)."""
    counts = run_due(app.database, app.settings)
    click.echo(
        f"sent {counts.sent}, reminded {counts.reminded}, retried {counts.retried}, "
        f"failed {counts.failed}, postponed {counts.postponed}, expired {counts.expired}"
    )


def describe(trigger: Trigger) -> str:
    what = (
        f"event {trigger.event_name!r}"
        if trigger.event_name
        else f"touchpoint {trigger.touchpoint_id}"
    )
    quiet = f", quiet {trigger.quiet_start}-{trigger.quiet_end}" if trigger.quiet_start else ""
    consent = ", consent required" if trigger.require_consent else ""
    remind = f", reminder after {trigger.remind_after_days} d" if trigger.remind_after_days else ""
    return (
        f"{what}, after {trigger.delay_minutes} min, {trigger.sample_percent:g}% sampled, "
        f"fatigue {trigger.fatigue_days} d{quiet}{consent}{remind}"
    )
