"""Signing in and out: sessions kept in the store, so ending one takes effect at once."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kokemus.accounts import passwords
from kokemus.accounts.models import User, UserSession, UserUnit
from kokemus.accounts.passwords import PasswordRejected
from kokemus.accounts.users import revoke_sessions
from kokemus.audit.service import Actor, record
from kokemus.credentials import hash_secret
from kokemus.store.base import utcnow

MAX_FAILURES = 5
LOCK_TIME = timedelta(minutes=15)
IDLE_TIME = timedelta(hours=8)
MAX_AGE = timedelta(days=7)
# How stale `last_seen_at` may get before a request writes it (and so how exact IDLE_TIME is).
SEEN_PRECISION = timedelta(minutes=5)
TOKEN_MAX_CHARS = 100


@dataclass(frozen=True)
class SignedIn:
    """The user behind a live session, as a page needs them."""

    user_id: int
    email: str
    display_name: str
    role: str
    language: str
    unit_ids: tuple[int, ...]
    session_id: int
    csrf_token: str
    last_seen_at: datetime


@dataclass(frozen=True)
class NewSession:
    token: str  # for the cookie; only its hash is kept
    user_id: int
    language: str


def sign_in(
    session: Session,
    email: str,
    password: str,
    *,
    address: str | None = None,
    user_agent: str | None = None,
    now: datetime | None = None,
) -> NewSession | None:
    """A new session, or None: the caller says only that it failed, never why.

    Failures are returned rather than raised so that the count and the audit entry are
    committed with the transaction.
    """
    now = now or utcnow()
    key = email.strip().lower()[:254]
    # Locked for update on PostgreSQL, so parallel guesses all count.
    user = session.scalar(select(User).where(User.email == key).with_for_update()) if key else None
    reason = _check(user, password, now)
    actor = Actor(user_id=user.id if user else None, address=address)
    if reason is not None or user is None:
        details: dict[str, object] = {"reason": reason}
        if user is not None and user.locked_until is not None and user.locked_until > now:
            details["locked_until"] = user.locked_until.isoformat()
        record(session, "user.sign_in_failed", actor=actor, target=key, details=details, at=now)
        return None
    user.failed_signins = 0
    user.locked_until = None
    user.last_signin_at = now
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=hash_secret(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + MAX_AGE,
            address=address[:64] if address else None,
            user_agent=user_agent[:300] if user_agent else None,
        )
    )
    record(session, "user.sign_in", actor=actor, target=user.email, at=now)
    return NewSession(token=token, user_id=user.id, language=user.language)


def _check(user: User | None, password: str, now: datetime) -> str | None:
    """Why signing in fails, or None; every path costs one password hash."""
    if user is None:
        passwords.verify_nothing(password)
        return "unknown"
    if user.locked_until is not None and user.locked_until > now:
        passwords.verify_nothing(password)
        return "locked"
    if user.locked_until is not None:  # the lock has run out: a fresh count
        user.locked_until = None
        user.failed_signins = 0
    if not passwords.verify(user.password_hash, password):
        user.failed_signins += 1
        if user.failed_signins >= MAX_FAILURES:
            user.locked_until = now + LOCK_TIME
            user.failed_signins = 0
        return "password"
    if user.disabled_at is not None:
        return "disabled"
    return None


def lookup(session: Session, token: str, *, now: datetime | None = None) -> SignedIn | None:
    if not token or len(token) > TOKEN_MAX_CHARS:
        return None
    now = now or utcnow()
    row = session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == hash_secret(token))
    ).first()
    if row is None:
        return None
    live, user = row
    if (
        live.revoked_at is not None
        or user.disabled_at is not None
        or live.expires_at <= now
        or live.last_seen_at + IDLE_TIME <= now
    ):
        return None
    units = session.scalars(
        select(UserUnit.unit_id).where(UserUnit.user_id == user.id).order_by(UserUnit.unit_id)
    )
    return SignedIn(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        language=user.language,
        unit_ids=tuple(units),
        session_id=live.id,
        csrf_token=live.csrf_token,
        last_seen_at=live.last_seen_at,
    )


def seen_is_stale(user: SignedIn, *, now: datetime | None = None) -> bool:
    return (now or utcnow()) - user.last_seen_at > SEEN_PRECISION


def note_seen(session: Session, session_id: int, *, now: datetime | None = None) -> None:
    session.execute(
        update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now or utcnow())
    )


def sign_out(session: Session, user: SignedIn, *, address: str | None = None) -> None:
    session.execute(
        update(UserSession)
        .where(UserSession.id == user.session_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    record(
        session,
        "user.sign_out",
        actor=Actor(user_id=user.user_id, address=address),
        target=user.email,
    )


def change_password(
    session: Session,
    user: SignedIn,
    current: str,
    new: str,
    again: str,
    *,
    address: str | None = None,
) -> None:
    """Set a new password; every other session of the user ends."""
    found = session.get_one(User, user.user_id)
    if not passwords.verify(found.password_hash, current):
        raise PasswordRejected("current_password", "wrong", "is not the current password")
    if new != again:
        raise PasswordRejected("new_password_again", "mismatch", "does not match the new one")
    passwords.check_new(new, email=found.email, field="new_password")
    if new == current:
        raise PasswordRejected("new_password", "same", "must differ from the current one")
    found.password_hash = passwords.hash_password(new)
    revoke_sessions(session, found.id, keep=user.session_id)
    record(
        session,
        "user.password_change",
        actor=Actor(user_id=found.id, address=address),
        target=found.email,
    )
