from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.audit.models import AuditEntry
from kokemus.store.base import utcnow


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user from an address, or nobody (the command line, the server)."""

    user_id: int | None = None
    address: str | None = None


SYSTEM = Actor()


def record(
    session: Session,
    action: str,
    *,
    actor: Actor = SYSTEM,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=at or utcnow(),
        user_id=actor.user_id,
        action=action,
        target=target[:254] if target else None,
        details=details or {},
        address=actor.address[:64] if actor.address else None,
    )
    session.add(entry)
    return entry


def latest(session: Session, limit: int = 50) -> list[AuditEntry]:
    found = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
    return list(found)
