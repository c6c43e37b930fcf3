from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kokemus.store.base import Base, BigId, JsonDoc, UtcDateTime, utcnow


class AuditEntry(Base):
    """Who did what, to what, from where: sign-ins, exports, merges, settings changes."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # None for the command line, the server itself, or someone not signed in.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(254))
    details: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    address: Mapped[str | None] = mapped_column(String(64))
