"""One unit of work on cases, and what every change leaves behind: a timeline entry, an
audit entry, and a message for the webhooks."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kokemus.audit.service import record
from kokemus.cases import views
from kokemus.cases.access import Viewer
from kokemus.cases.models import Case, CaseEntry
from kokemus.config import get_settings
from kokemus.store.base import utcnow
from kokemus.webhooks.service import enqueue


@dataclass
class CaseContext:
    """One unit of work on cases: the session, who acts, when, and the address links use."""

    session: Session
    viewer: Viewer
    now: datetime = field(default_factory=utcnow)
    public_url: str = field(default_factory=lambda: get_settings().public_url)


def entry(ctx: CaseContext, case: Case, kind: str, details: dict[str, Any] | None = None) -> None:
    ctx.session.add(
        CaseEntry(
            case_id=case.id,
            at=ctx.now,
            kind=kind,
            actor=ctx.viewer.label[:200],
            user_id=ctx.viewer.user_id,
            details=details or {},
        )
    )
    case.updated_at = ctx.now


def emit(ctx: CaseContext, event_type: str, case: Case, **extra: Any) -> None:
    ctx.session.flush()
    enqueue(
        ctx.session,
        event_type,
        views.webhook_data(ctx.session, case, ctx.public_url) | extra,
        now=ctx.now,
    )


def audit(ctx: CaseContext, action: str, case: Case, details: dict[str, Any]) -> None:
    record(
        ctx.session,
        action,
        actor=ctx.viewer.actor,
        target=f"case {case.id}",
        details=details,
        at=ctx.now,
    )
