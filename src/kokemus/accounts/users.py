from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kokemus.accounts import passwords
from kokemus.accounts.models import LANGUAGES, ROLES, UNSCOPED_ROLES, User, UserSession, UserUnit
from kokemus.audit.service import SYSTEM, Actor, record
from kokemus.errors import Conflict, InvalidInput, NotFound
from kokemus.journeys.models import Unit
from kokemus.store.base import utcnow


@dataclass(frozen=True)
class NewUser:
    email: str
    role: str
    password: str
    display_name: str = ""
    language: str = "fi"
    units: Sequence[str] = ()


def normalise_email(email: str) -> str:
    try:
        checked = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidInput("email", str(error)) from None
    return checked.normalized.lower()


def create_user(session: Session, new: NewUser, *, actor: Actor = SYSTEM) -> User:
    email = normalise_email(new.email)
    if new.role not in ROLES:
        raise InvalidInput("role", f"must be one of {', '.join(ROLES)}")
    if new.language not in LANGUAGES:
        raise InvalidInput("language", f"must be one of {', '.join(LANGUAGES)}")
    display_name = new.display_name.strip() or email.partition("@")[0]
    if len(display_name) > 200:
        raise InvalidInput("display_name", "must be at most 200 characters")
    units = _scope_units(session, new.role, new.units)
    passwords.check_new(new.password, email=email)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"a user with the email {email!r} already exists")
    user = User(
        email=email,
        display_name=display_name,
        role=new.role,
        language=new.language,
        password_hash=passwords.hash_password(new.password),
    )
    session.add(user)
    session.flush()
    session.add_all(UserUnit(user_id=user.id, unit_id=unit.id) for unit in units)
    details = {"role": user.role, "units": [unit.key for unit in units]}
    record(session, "user.create", actor=actor, target=email, details=details)
    return user


def _scope_units(session: Session, role: str, keys: Sequence[str]) -> list[Unit]:
    wanted = list(dict.fromkeys(keys))
    found = {u.key: u for u in session.scalars(select(Unit).where(Unit.key.in_(wanted)))}
    for key in wanted:
        if key not in found:
            raise InvalidInput("units", f"no unit with the key {key!r}")
    units = [found[key] for key in wanted]
    if not units and role not in UNSCOPED_ROLES:
        raise InvalidInput("units", f"a {role} must be scoped to at least one unit")
    if role == "partner":
        other = [unit.key for unit in units if unit.kind != "partner"]
        if other:
            raise InvalidInput("units", f"a partner's units must be partners; {other[0]!r} is not")
    return units


def get_by_email(session: Session, email: str) -> User:
    user = find_by_email(session, email)
    if user is None:
        raise NotFound(f"no user with the email {email.strip().lower()!r}")
    return user


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def unit_keys(session: Session, user_id: int) -> list[str]:
    found = session.scalars(
        select(Unit.key)
        .join(UserUnit, UserUnit.unit_id == Unit.id)
        .where(UserUnit.user_id == user_id)
    )
    return sorted(found)


def any_users(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is not None


def disable_user(session: Session, email: str, *, actor: Actor = SYSTEM) -> User:
    user = get_by_email(session, email)
    if user.disabled_at is None:
        user.disabled_at = utcnow()
        revoke_sessions(session, user.id)
        record(session, "user.disable", actor=actor, target=user.email)
    return user


def set_password(session: Session, email: str, password: str, *, actor: Actor = SYSTEM) -> User:
    """An administrator's reset: every session of the user ends, and a lock-out is lifted."""
    user = get_by_email(session, email)
    passwords.check_new(password, email=user.email)
    user.password_hash = passwords.hash_password(password)
    user.failed_signins = 0
    user.locked_until = None
    revoke_sessions(session, user.id)
    record(session, "user.password_set", actor=actor, target=user.email)
    return user


def revoke_sessions(
    session: Session, user_id: int, *, keep: int | None = None, now: datetime | None = None
) -> None:
    statement = (
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )
    if keep is not None:
        statement = statement.where(UserSession.id != keep)
    session.execute(statement)
