from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from kokemus.store.base import Base, BigId, JsonDoc, UtcDateTime, utcnow

SURVEY_STATUSES = ("draft", "published", "closed")
RESPONSE_CHANNELS = ("invitation", "link", "qr", "widget", "api")
INVITATION_STATUSES = ("scheduled", "sent", "reminded", "responded", "failed", "expired")


def _present(name: str, *columns: str, unique: bool = False) -> Index:
    """An index over the rows where the last column is set."""
    present = text(f"{columns[-1]} IS NOT NULL")
    return Index(name, *columns, unique=unique, sqlite_where=present, postgresql_where=present)


class Survey(Base):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # The definition being edited; what respondents answer is the published version.
    definition: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    published_version: Mapped[int | None]
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id"))
    # The anonymous link (QR codes, the widget) uses this instead of the id or key.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SurveyVersion(Base):
    """Each published definition, so every response can be read with the questions it saw."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("survey_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    version: Mapped[int]
    definition: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Trigger(Base):
    """Invite to a survey when an event arrives."""

    __tablename__ = "survey_triggers"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    event_name: Mapped[str | None] = mapped_column(String(200))
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id"))
    delay_minutes: Mapped[int] = mapped_column(default=0)
    sample_percent: Mapped[float] = mapped_column(default=100.0)
    fatigue_days: Mapped[int] = mapped_column(default=30)
    # Local time of the organisation; no invitation goes out from start to end.
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    require_consent: Mapped[bool] = mapped_column(default=False)
    # No Python default: an ORM insert would use it for None, and None means no reminder.
    remind_after_days: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Invitation(Base):
    __tablename__ = "survey_invitations"
    __table_args__ = (
        Index("ix_survey_invitations_due", "status", "send_at"),
        Index("ix_survey_invitations_customer", "customer_id", "created_at"),
        UniqueConstraint("trigger_id", "event_id"),
        _present("ix_survey_invitations_earlier_token", "earlier_token_hash", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    # The link's token is shown once (in the message) and kept only as a hash; after a
    # reminder, the first message's link keeps working too.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    earlier_token_hash: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    email: Mapped[str | None] = mapped_column(String(320))
    language: Mapped[str | None] = mapped_column(String(2))
    trigger_id: Mapped[int | None] = mapped_column(ForeignKey("survey_triggers.id"))
    event_id: Mapped[int | None] = mapped_column(BigId)
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    send_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    remind_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Response(Base):
    __tablename__ = "survey_responses"
    __table_args__ = (
        Index("ix_survey_responses_survey_time", "survey_id", "submitted_at"),
        # Partial indexes, on what most rows leave empty: one response per invitation; a
        # resume token; other channels' own ids (sending again changes nothing); the
        # customer; the fingerprint (a hash: the column alone finds one, whatever the survey).
        _present("ix_survey_responses_invitation", "invitation_id", unique=True),
        _present("ix_survey_responses_resume", "resume_hash", unique=True),
        _present("ix_survey_responses_external", "survey_id", "external_id", unique=True),
        _present("ix_survey_responses_customer", "customer_id"),
        _present("ix_survey_responses_fingerprint", "fingerprint"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    survey_version: Mapped[int]
    # One response per invitation token.
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("survey_invitations.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    event_id: Mapped[int | None] = mapped_column(BigId)
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    complete: Mapped[bool] = mapped_column(default=False)
    answers: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    # Anonymous respondents resume with a cookie carrying this token (kept as a hash).
    resume_hash: Mapped[str | None] = mapped_column(String(64))
    # Hash of address, browser and answers: the same anonymous answers sent twice.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Answer(Base):
    """One answer of a complete response, flat for the metrics to read."""

    __tablename__ = "survey_answers"
    __table_args__ = (Index("ix_survey_answers_question", "survey_id", "question_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id"), index=True)
    survey_id: Mapped[int]
    question_key: Mapped[str] = mapped_column(String(64))
    question_type: Mapped[str] = mapped_column(String(16))
    touchpoint_id: Mapped[int | None]
    # Scales and yes/no items as numbers; choices and free text as text.
    number: Mapped[float | None]
    text: Mapped[str | None] = mapped_column(Text)
    # A checklist or multi-choice answer is one row per item or option.
    item: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime)
