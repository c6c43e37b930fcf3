from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kokemus.store.base import Base, BigId, JsonDoc, UtcDateTime, utcnow

SOURCE_KINDS = ("shop", "crm", "helpdesk", "erp", "web_analytics", "pos", "carrier", "hr", "other")
MESSAGE_TYPES = ("track", "page", "screen", "identify", "alias", "group")


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="other")
    write_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Event(Base):
    """Something that happened to a customer at a touchpoint, from a source.

    No foreign-key constraints here: this is the high-volume, append-only table, and
    checking three references on every row cost more than the insert itself. Intake takes
    the ids it writes from the same transaction, under the write lock.
    """

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("source_id", "message_id"),
        Index("ix_events_identity_time", "identity_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_id: Mapped[int]
    message_id: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(200))
    identity_id: Mapped[int]
    touchpoint_id: Mapped[int | None]
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # properties for track/page/screen, traits for identify/group
    properties: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    context: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)


class Lock(Base):
    """Rows that writers update first, to take the store's write lock in a portable way."""

    __tablename__ = "locks"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
