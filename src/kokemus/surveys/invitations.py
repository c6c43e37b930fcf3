"""Invitations: when one may go out, in which language, and how its status moves.

An invitation's link token is shown once, in the message, and kept only as a hash
(`Invitation.token_hash`). So the token is made when the message is sent, not when the
invitation is created: until then the row holds the hash of a random secret nobody keeps,
a link that cannot be followed. The reminder carries a fresh token; the first message's
hash is kept beside it, so both links lead to the same invitation and its partial answers
(they belong to the invitation, not to the token).
"""

import re
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from kokemus.credentials import hash_secret
from kokemus.surveys.definition import SURVEY_LANGUAGES
from kokemus.surveys.models import Invitation

HOUR_MINUTE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=10)
# A message being sent is due again after this, should the sender stop before recording it.
SENDING_LEASE = timedelta(minutes=15)

Outcome = Literal["sent", "retry", "failed"]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def unsent_token_hash() -> str:
    """A unique hash no link leads to: the token it hashes is thrown away."""
    return hash_secret(new_token())


def survey_link(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/i/{token}"


def parse_hour_minute(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def after_quiet_hours(
    moment: datetime, start: str | None, end: str | None, zone: ZoneInfo
) -> datetime:
    """The moment itself, or the end of the quiet hours (local time) it falls in."""
    if not start or not end or start == end:
        return moment
    local = moment.astimezone(zone)
    begins, ends, now = parse_hour_minute(start), parse_hour_minute(end), local.time()
    ends_on: date
    if begins < ends:
        if not begins <= now < ends:
            return moment
        ends_on = local.date()
    elif now >= begins:
        ends_on = local.date() + timedelta(days=1)
    elif now < ends:
        ends_on = local.date()
    else:
        return moment
    return datetime.combine(ends_on, ends, tzinfo=zone).astimezone(UTC)


def invitation_language(traits: Mapping[str, Any], languages: Sequence[str]) -> str:
    """The customer's language (trait `language` or `locale`, e.g. "sv-FI") if the survey
    has it, else the survey's first language."""
    for name in ("language", "locale"):
        value = traits.get(name)
        if isinstance(value, str):
            code = value.strip()[:2].lower()
            if code in SURVEY_LANGUAGES and code in languages:
                return code
    return languages[0]


def consent(traits: Mapping[str, Any]) -> bool | None:
    """The trait `survey_consent`: True, False, or None when not given (or unreadable)."""
    value = traits.get("survey_consent")
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "yes", "1", "on"):
            return True
        if text in ("false", "no", "0", "off"):
            return False
    return None


def count_attempt(invitation: Invitation, failed: bool, permanent: bool, server: bool) -> Outcome:
    """Count one try of the message now due, unless the server was at fault (unreachable,
    refusing us): an outage must not use up the attempts."""
    if not server:
        invitation.attempts += 1
    if not failed:
        return "sent"
    if permanent or (not server and invitation.attempts >= MAX_ATTEMPTS):
        return "failed"
    return "retry"


def record_invitation(
    invitation: Invitation,
    outcome: Outcome,
    error: str | None,
    now: datetime,
    remind_at: datetime | None,
    retry_at: datetime,
) -> None:
    """The first message's attempt: the one place its status changes."""
    match (invitation.status, outcome):
        case ("scheduled", "sent"):
            invitation.status = "sent"
            invitation.sent_at = now
            invitation.remind_at = remind_at
            # From here `attempts` counts the reminder's tries.
            invitation.attempts = 0
            invitation.last_error = None
        case ("scheduled", "retry"):
            invitation.send_at = retry_at
            invitation.last_error = error
        case ("scheduled", "failed"):
            invitation.status = "failed"
            invitation.last_error = error
        case _:
            pass  # changed meanwhile (e.g. expired by hand): leave it


def record_reminder(
    invitation: Invitation,
    outcome: Outcome,
    error: str | None,
    now: datetime,
    earlier_hash: str,
    retry_at: datetime,
) -> None:
    """The reminder's attempt. An undelivered reminder gives the first link back."""
    if outcome != "sent":
        invitation.token_hash = earlier_hash
        invitation.earlier_token_hash = None
        invitation.last_error = error
    match (invitation.status, outcome):
        case ("sent", "sent"):
            invitation.status = "reminded"
            invitation.reminded_at = now
            invitation.remind_at = None
            invitation.last_error = None
        case ("sent", "retry"):
            invitation.remind_at = retry_at
        case ("sent", "failed"):
            invitation.remind_at = None  # the invitation itself went out: it stays sent
        case _:
            pass  # answered while the reminder was on its way
