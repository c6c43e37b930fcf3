"""Sending what is due: invitations whose time has come, and their one reminder.

`run_due` works in batches. Each batch is claimed in one short transaction (its tokens
made and their hashes stored, the rows leased so a second sender skips them), mailed with
no transaction open (SMTP can be slow; SQLite must not wait on it), and its outcomes
recorded in a second short transaction. A sender that stops in between leaves the batch
leased: it is due again after SENDING_LEASE.
"""

import logging
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]
from sqlalchemy import ColumnElement, Select, exists, select
from sqlalchemy.orm import Session

from kokemus.config import Settings
from kokemus.credentials import hash_secret
from kokemus.store import Database
from kokemus.store.base import utcnow
from kokemus.surveys.definition import Texts
from kokemus.surveys.invitations import (
    RETRY_AFTER,
    SENDING_LEASE,
    after_quiet_hours,
    count_attempt,
    new_token,
    record_invitation,
    record_reminder,
    survey_link,
)
from kokemus.surveys.mailer import Letter, Mailer, SendError
from kokemus.surveys.models import Invitation, Response, Survey, Trigger
from kokemus.surveys.service import published_definition

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
INTERVAL_SECONDS = 30.0
JOB_ID = "kokemus-survey-invitations"


@dataclass
class DueCounts:
    sent: int = 0
    reminded: int = 0
    retried: int = 0  # failed this time, tried again later
    failed: int = 0  # given up (the invitation, or only its reminder)
    postponed: int = 0  # due in the trigger's quiet hours: moved to their end
    expired: int = 0  # the survey closed or the invitation expired before it went out

    def add(self, other: "DueCounts") -> None:
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class _Claim:
    invitation_id: int
    letter: Letter
    earlier_hash: str


def run_due(
    database: Database,
    settings: Settings,
    now: datetime | None = None,
    *,
    batch_size: int = BATCH_SIZE,
) -> DueCounts:
    """Send every invitation and reminder due at `now` (default: the current time)."""
    now = now or utcnow()
    zone = ZoneInfo(settings.timezone)
    counts = DueCounts()
    for reminders in (False, True):
        while True:
            batch = DueCounts()
            claims = _claim(database, settings, now, zone, reminders, batch_size, batch)
            if claims:
                results = _deliver(settings, claims)
                _record(database, results, now, zone, reminders, batch)
            counts.add(batch)
            if len(claims) + batch.postponed + batch.expired < batch_size:
                break
    return counts


def _due(reminders: bool, now: datetime, limit: int) -> Select[Invitation]:
    condition: list[ColumnElement[bool]]
    if reminders:
        answered = exists().where(Response.invitation_id == Invitation.id, Response.complete)
        condition = [Invitation.status == "sent", Invitation.remind_at <= now, ~answered]
        order = Invitation.remind_at
    else:
        condition = [Invitation.status == "scheduled", Invitation.send_at <= now]
        order = Invitation.send_at
    return (
        select(Invitation)
        .where(*condition)
        .order_by(order, Invitation.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


def _claim(
    database: Database,
    settings: Settings,
    now: datetime,
    zone: ZoneInfo,
    reminders: bool,
    limit: int,
    counts: DueCounts,
) -> list[_Claim]:
    claims = []
    with database.write_transaction() as session:
        invitations = list(session.scalars(_due(reminders, now, limit)))
        triggers = _triggers(session, invitations)
        for invitation in invitations:
            survey = session.get(Survey, invitation.survey_id)
            assert survey is not None
            if _expired(invitation, survey, now, reminders):
                counts.expired += 1
                continue
            trigger = triggers.get(invitation.trigger_id or 0)
            quiet = _quiet_end(now, trigger, zone)
            if quiet > now:
                _set_due(invitation, reminders, quiet)
                counts.postponed += 1
                continue
            definition = published_definition(session, survey)
            language = invitation.language or ""
            if language not in definition.languages:
                language = definition.languages[0]
            token = new_token()
            earlier = invitation.token_hash
            invitation.token_hash = hash_secret(token)
            if reminders:
                invitation.earlier_token_hash = earlier
            _set_due(invitation, reminders, now + SENDING_LEASE)
            letter = Letter(
                to=invitation.email or "",
                language=language,
                title=_title(definition.title, language),
                link=survey_link(settings.public_url, token),
                reminder=reminders,
            )
            claims.append(_Claim(invitation.id, letter, earlier))
    return claims


def _title(texts: Texts, language: str) -> str:
    for found_language, text in texts.items():
        if found_language == language:
            return text
    return next(iter(texts.values()))


def _expired(invitation: Invitation, survey: Survey, now: datetime, reminders: bool) -> bool:
    """Nothing to send any more: mark it so, and say so."""
    gone = survey.status != "published" or (
        invitation.expires_at is not None and invitation.expires_at <= now
    )
    if not gone and invitation.email:
        return False
    if reminders:
        invitation.remind_at = None
    elif gone:
        invitation.status = "expired"
    else:
        invitation.status = "failed"
        invitation.last_error = "no email address"
    return True


def _set_due(invitation: Invitation, reminders: bool, moment: datetime) -> None:
    if reminders:
        invitation.remind_at = moment
    else:
        invitation.send_at = moment


def _triggers(session: Session, invitations: list[Invitation]) -> dict[int, Trigger]:
    ids = {invitation.trigger_id for invitation in invitations} - {None}
    if not ids:
        return {}
    return {
        trigger.id: trigger
        for trigger in session.scalars(select(Trigger).where(Trigger.id.in_(ids)))
    }


def _quiet_end(moment: datetime, trigger: Trigger | None, zone: ZoneInfo) -> datetime:
    if trigger is None:
        return moment
    return after_quiet_hours(moment, trigger.quiet_start, trigger.quiet_end, zone)


def _deliver(settings: Settings, claims: list[_Claim]) -> list[tuple[_Claim, SendError | None]]:
    results: list[tuple[_Claim, SendError | None]] = []
    with Mailer(settings) as mailer:
        for claim in claims:
            try:
                mailer.send(claim.letter)
            except SendError as error:
                logger.warning("invitation %s not sent: %s", claim.invitation_id, error)
                results.append((claim, error))
            else:
                results.append((claim, None))
    return results


def _record(
    database: Database,
    results: list[tuple[_Claim, SendError | None]],
    now: datetime,
    zone: ZoneInfo,
    reminders: bool,
    counts: DueCounts,
) -> None:
    with database.write_transaction() as session:
        ids = [claim.invitation_id for claim, _ in results]
        invitations = {
            invitation.id: invitation
            for invitation in session.scalars(select(Invitation).where(Invitation.id.in_(ids)))
        }
        triggers = _triggers(session, list(invitations.values()))
        for claim, error in results:
            invitation = invitations[claim.invitation_id]
            trigger = triggers.get(invitation.trigger_id or 0)
            outcome = count_attempt(
                invitation,
                failed=error is not None,
                permanent=error is not None and error.permanent,
                server=error is not None and error.server,
            )
            retry_at = _quiet_end(now + RETRY_AFTER * max(invitation.attempts, 1), trigger, zone)
            message = str(error)[:2000] if error is not None else None
            if reminders:
                record_reminder(invitation, outcome, message, now, claim.earlier_hash, retry_at)
            else:
                remind_at = (
                    invitation.remind_at if trigger is None else _remind_at(now, trigger, zone)
                )
                record_invitation(invitation, outcome, message, now, remind_at, retry_at)
            match outcome:
                case "sent":
                    if reminders:
                        counts.reminded += 1
                    else:
                        counts.sent += 1
                case "retry":
                    counts.retried += 1
                case "failed":
                    counts.failed += 1


def _remind_at(sent_at: datetime, trigger: Trigger, zone: ZoneInfo) -> datetime | None:
    if not trigger.remind_after_days:
        return None
    return _quiet_end(sent_at + timedelta(days=trigger.remind_after_days), trigger, zone)


def start_scheduler(
    database: Database, settings: Settings, *, interval_seconds: float = INTERVAL_SECONDS
) -> BackgroundScheduler:
    """Run `run_due` every `interval_seconds` in a background thread; stop it with
    `.shutdown()`. Start one per store, not one per web worker."""
    scheduler = BackgroundScheduler(timezone=ZoneInfo(settings.timezone))
    scheduler.add_job(
        run_due,
        "interval",
        args=(database, settings),
        seconds=interval_seconds,
        id=JOB_ID,
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    return scheduler
