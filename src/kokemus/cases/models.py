from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kokemus.store.base import Base, BigId, JsonDoc, UtcDateTime, utcnow

STATUSES = (
    "new",
    "investigating",
    "waiting_partner",
    "customer_informed",
    "resolved",
    "closed",
    "reopened",
)
OPEN_STATUSES = ("new", "investigating", "waiting_partner", "customer_informed", "reopened")
PRIORITIES = ("low", "normal", "high", "urgent")
RESOLUTIONS = ("apology", "replacement", "refund", "compensation")
CONTACT_CHANNELS = ("email", "phone", "sms", "chat", "letter", "in_person")
RULE_KINDS = ("response", "event")


class AlertRule(Base):
    """A rule from the rules file or the API; `definition` is the rule as written."""

    __tablename__ = "alert_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    definition: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    active: Mapped[bool] = mapped_column(default=True)
    origin: Mapped[str] = mapped_column(String(16), default="file")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class UnitPolicy(Base):
    """How long a unit has for a case, and who hears of it when that time runs out."""

    __tablename__ = "case_unit_policies"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    sla_minutes: Mapped[int | None]
    escalate_to_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RootCause(Base):
    """One entry of the organisation's root-cause taxonomy."""

    __tablename__ = "case_root_causes"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JsonDoc)
    position: Mapped[int] = mapped_column(default=0)
    # Entries dropped from the file stay, inactive, so old cases still name them.
    active: Mapped[bool] = mapped_column(default=True)


class Case(Base):
    """The closed loop for one customer problem."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_due", "status", "sla_due_at"),
        Index("ix_cases_owner", "owner_unit_id", "status"),
        Index("ix_cases_customer", "customer_id", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(24), default="new")
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    reason: Mapped[str] = mapped_column(String(300))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id"))
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # The partner unit the case waits on (status waiting_partner), or last waited on.
    waiting_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rule_key: Mapped[str | None] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sla_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sla_escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    partner_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    partner_escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    escalation_level: Mapped[int] = mapped_column(default=0)
    root_cause_key: Mapped[str | None] = mapped_column(String(64))
    root_cause_note: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(String(16))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    # In the currency's minor unit (cents): exact on both stores.
    compensation_minor: Mapped[int | None]
    compensation_currency: Mapped[str | None] = mapped_column(String(3))
    customer_informed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reopen_count: Mapped[int] = mapped_column(default=0)
    follow_up_survey_key: Mapped[str | None] = mapped_column(String(64))
    follow_up_delay_minutes: Mapped[int | None]
    follow_up_invitation_id: Mapped[int | None] = mapped_column(ForeignKey("survey_invitations.id"))


class CaseSignal(Base):
    """What a case came from. A response or an event belongs to one case at most."""

    __tablename__ = "case_signals"
    __table_args__ = (UniqueConstraint("response_id"), UniqueConstraint("event_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("survey_responses.id"))
    event_id: Mapped[int | None] = mapped_column(BigId)
    rule_key: Mapped[str | None] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AlertFiring(Base):
    """A rule that matched a signal, and what it did: each pair is acted on once."""

    __tablename__ = "alert_firings"
    __table_args__ = (
        UniqueConstraint("rule_key", "response_id"),
        UniqueConstraint("rule_key", "event_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    rule_key: Mapped[str] = mapped_column(String(64))
    response_id: Mapped[int | None]
    event_id: Mapped[int | None] = mapped_column(BigId)
    customer_id: Mapped[int | None]
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    fired_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actions: Mapped[list[str]] = mapped_column(JsonDoc, default=list)


class CaseEntry(Base):
    """One line of a case's timeline."""

    __tablename__ = "case_entries"
    __table_args__ = (Index("ix_case_entries_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    details: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)


class CaseContact(Base):
    """When and how the customer was told what happened and why."""

    __tablename__ = "case_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    contacted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    channel: Mapped[str] = mapped_column(String(16))
    what_happened: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CaseClaim(Base):
    """A compensation claim and its risk score. Address and payment are kept only as keys
    (hashes of their normalised form): enough to see repeats, nothing to read back."""

    __tablename__ = "case_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    amount_minor: Mapped[int | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    order_ref: Mapped[str | None] = mapped_column(String(200))
    address_key: Mapped[str | None] = mapped_column(String(32), index=True)
    payment_key: Mapped[str | None] = mapped_column(String(32), index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    risk_score: Mapped[int] = mapped_column(default=0)
    risk_level: Mapped[str] = mapped_column(String(8), default="low")
    risk_reasons: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)
    assessed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CaseNotification(Base):
    """An email a rule or a case sends, kept until it is sent (or given up)."""

    __tablename__ = "case_notifications"
    __table_args__ = (Index("ix_case_notifications_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    rule_key: Mapped[str | None] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
