from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kokemus.accounts.models import ApiToken
from kokemus.credentials import hash_secret, new_secret
from kokemus.errors import Conflict, DomainError, InvalidInput
from kokemus.store.base import utcnow

SCOPES = ("read", "write", "admin")
USE_PRECISION = timedelta(minutes=1)


class Unauthorized(DomainError):
    status_code = 401


class Forbidden(DomainError):
    status_code = 403


@dataclass(frozen=True)
class IssuedToken:
    name: str
    scope: str
    token: str


def create_token(session: Session, name: str, scope: str) -> IssuedToken:
    if scope not in SCOPES:
        raise InvalidInput("scope", f"must be one of {', '.join(SCOPES)}")
    if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise Conflict(f"a token named {name!r} already exists")
    token = new_secret("kk")
    session.add(ApiToken(name=name, scope=scope, token_hash=hash_secret(token)))
    session.flush()
    return IssuedToken(name=name, scope=scope, token=token)


def authenticate(session: Session, token: str, needed: str) -> ApiToken:
    """The token's row if it is valid and its scope covers `needed`."""
    found = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(token)))
    if found is None or found.revoked_at is not None:
        raise Unauthorized("unknown or revoked API token")
    if SCOPES.index(found.scope) < SCOPES.index(needed):
        raise Forbidden(f"this token has scope {found.scope!r}; {needed!r} is needed")
    return found


def use_is_stale(token: ApiToken) -> bool:
    """Whether `last_used_at` is older than a minute: only then is a write worth it.

    Checking a token only reads, so a request that writes nothing else stays a reader and
    SQLite never has to turn its read into a write under another writer's feet.
    """
    return token.last_used_at is None or utcnow() - token.last_used_at > USE_PRECISION


def note_use(session: Session, token_id: int) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow()))


def revoke_token(session: Session, name: str) -> None:
    found = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if found is None:
        raise InvalidInput("name", f"no token named {name!r}")
    found.revoked_at = utcnow()


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))
