from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kokemus.store.base import Base, BigId, JsonDoc, UtcDateTime, utcnow


class TextAnalysisRecord(Base):
    """What kokemus.text found in one free-text answer, or in a text an event carried."""

    __tablename__ = "text_analyses"
    __table_args__ = (
        Index("ix_text_analyses_survey_sentiment", "survey_id", "sentiment"),
        Index("ix_text_analyses_touchpoint", "touchpoint_id", "analyzed_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    answer_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("survey_answers.id"), unique=True
    )
    event_id: Mapped[int | None] = mapped_column(BigId, unique=True)
    # The event property the text came from ("comment", "description"...).
    property: Mapped[str | None] = mapped_column(String(64))
    response_id: Mapped[int | None]
    survey_id: Mapped[int | None]
    touchpoint_id: Mapped[int | None]
    language: Mapped[str] = mapped_column(String(2))
    # Only the redacted text is kept here; what is shown to staff comes from this column.
    redacted: Mapped[str] = mapped_column(Text)
    pii: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc)
    sentiment: Mapped[str] = mapped_column(String(8))
    score: Mapped[float] = mapped_column(Float)
    emotions: Mapped[list[str]] = mapped_column(JsonDoc)
    themes: Mapped[list[str]] = mapped_column(JsonDoc)
    aspects: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc)
    model: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(64))
    analyzed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class JobCursor(Base):
    """How far a background job has read an append-only table (events, by id)."""

    __tablename__ = "job_cursors"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(BigId)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class TextCorrection(Base):
    """An analyst's correction of a label: what the model said, and what is right.

    The analysis shows the corrected labels from then on; these rows keep the history and
    are labelled examples for `kokemus text train`.
    """

    __tablename__ = "text_corrections"
    __table_args__ = (Index("ix_text_corrections_analysis", "analysis_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(BigId, ForeignKey("text_analyses.id"))
    field: Mapped[str] = mapped_column(String(16))  # "sentiment" or "themes"
    before: Mapped[Any] = mapped_column(JsonDoc)
    after: Mapped[Any] = mapped_column(JsonDoc)
    language: Mapped[str] = mapped_column(String(2))
    # The redacted text, so that training never needs the original.
    redacted: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    corrected_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
