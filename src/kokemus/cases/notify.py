"""Emails the loop sends people (a rule's notify_email, an escalation): queued in the
change's transaction, sent afterwards through the configured SMTP server, retried."""

import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.accounts.models import User, UserUnit
from kokemus.cases.models import CaseNotification
from kokemus.config import Settings
from kokemus.store import Database
from kokemus.store.base import utcnow
from kokemus.surveys.mailer import IMPLICIT_TLS_PORT, SMTP_TIMEOUT

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(minutes=5)
LEASE = timedelta(minutes=10)
BATCH = 50


def unit_emails(session: Session, unit_id: int) -> list[str]:
    return list(
        session.scalars(
            select(User.email)
            .join(UserUnit, UserUnit.user_id == User.id)
            .where(UserUnit.unit_id == unit_id, User.disabled_at.is_(None))
            .order_by(User.email)
        )
    )


def queue(
    session: Session,
    recipients: list[str],
    subject: str,
    body: str,
    *,
    now: datetime,
    case_id: int | None = None,
    rule_key: str | None = None,
) -> int:
    for recipient in dict.fromkeys(recipients):
        session.add(
            CaseNotification(
                case_id=case_id,
                rule_key=rule_key,
                recipient=recipient,
                subject=subject[:300],
                body=body,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
    return len(set(recipients))


def _connect(settings: Settings) -> smtplib.SMTP:
    smtp: smtplib.SMTP
    if settings.smtp_port == IMPLICIT_TLS_PORT:
        context = ssl.create_default_context()
        smtp = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
    smtp.ehlo()
    if settings.smtp_starttls:
        smtp.starttls(context=ssl.create_default_context())
        smtp.ehlo()
    if settings.smtp_username:
        smtp.login(settings.smtp_username, settings.smtp_password or "")
    return smtp


def _message(notification: CaseNotification, settings: Settings) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = notification.subject
    message["From"] = settings.mail_from
    message["To"] = notification.recipient
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid()
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(notification.body)
    return message


def send_due(database: Database, settings: Settings, now: datetime | None = None) -> int:
    """Send the queued emails that are due; returns how many went out."""
    now = now or utcnow()
    with database.write_transaction() as session:
        due = list(
            session.scalars(
                select(CaseNotification)
                .where(
                    CaseNotification.status == "pending", CaseNotification.next_attempt_at <= now
                )
                .order_by(CaseNotification.id)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            )
        )
        for notification in due:
            notification.next_attempt_at = now + LEASE
        messages = [(notification.id, _message(notification, settings)) for notification in due]
    if not messages:
        return 0
    errors: dict[int, str] = {}
    try:
        smtp = _connect(settings)
    except (smtplib.SMTPException, OSError) as error:
        errors = {notification_id: f"SMTP server: {error}" for notification_id, _ in messages}
    else:
        with smtp:
            for notification_id, message in messages:
                try:
                    smtp.send_message(message)
                except (smtplib.SMTPException, OSError) as error:
                    errors[notification_id] = f"{type(error).__name__}: {error}"
    with database.write_transaction() as session:
        for notification_id, _ in messages:
            sent = session.get(CaseNotification, notification_id)
            assert sent is not None
            sent.attempts += 1
            if notification_id not in errors:
                sent.status, sent.sent_at = "sent", now
                continue
            sent.last_error = errors[notification_id][:2000]
            if sent.attempts >= MAX_ATTEMPTS:
                sent.status = "failed"
                logger.warning("case email %s given up: %s", notification_id, sent.last_error)
            else:
                sent.next_attempt_at = now + RETRY_AFTER * sent.attempts
    return len(messages) - len(errors)
