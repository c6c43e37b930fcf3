from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kokemus.store.base import Base, JsonDoc, UtcDateTime, utcnow

IDENTITY_KINDS = ("user_id", "anonymous_id", "email", "phone")
GLOBAL_SCOPE = 0  # email, phone and anonymous ids mean the same person in every source


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    traits: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    # A customer merged into another stays as a pointer to the one that absorbed it.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))


class Identity(Base):
    """One way a customer is known. Events point at the identity they came with."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("kind", "scope", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # The source id for source-system user ids; GLOBAL_SCOPE for the rest.
    scope: Mapped[int]
    value: Mapped[str] = mapped_column(String(320))
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Merge(Base):
    __tablename__ = "merges"
    __table_args__ = (Index("ix_merges_pair", "survivor_id", "merged_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    merged_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    identity_ids: Mapped[list[int]] = mapped_column(JsonDoc)
    # An undone merge also stops the same two customers from being merged again automatically.
    undone_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    undo_reason: Mapped[str | None] = mapped_column(Text)
