from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kokemus.store.base import Base, UtcDateTime, utcnow

SCORE_COLUMNS = tuple(f"c{score}" for score in range(11))
# The columns that identify one rollup row. None is stored as 0 or "" so that the unique
# index (and ON CONFLICT) treats "no touchpoint" as one value on both stores.
KEY_COLUMNS = (
    "cube",
    "grain",
    "question_type",
    "kind",
    "theme",
    "period_start",
    "survey_id",
    "question_key",
    "touchpoint_id",
    "unit_id",
    "channel",
    "language",
)


class MetricRollup(Base):
    """Counts of each score 0..10 for one day (or month) and one combination of dimensions.

    Every complete response's scale answers are added in the transaction that stores
    them, once with theme "" and once per theme its free text was found to have; so a
    breakdown reads days × dimensions rows, not responses, and equals the raw answers.
    """

    __tablename__ = "metric_rollups"
    __table_args__ = (Index("ux_metric_rollups_key", *KEY_COLUMNS, unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "full" keeps every dimension; "lean" only the touchpoint and the unit (survey,
    # question, channel and language empty), for the breakdowns most dashboards ask for.
    cube: Mapped[str] = mapped_column(String(4))
    grain: Mapped[str] = mapped_column(String(5))
    question_type: Mapped[str] = mapped_column(String(16))
    # The survey's kind (customer, employee, audit): a lean row has no survey to ask.
    kind: Mapped[str] = mapped_column(String(16))
    theme: Mapped[str] = mapped_column(String(64))
    # The first day of the period, in the organisation's time zone.
    period_start: Mapped[date] = mapped_column(Date)
    survey_id: Mapped[int]
    question_key: Mapped[str] = mapped_column(String(64))
    touchpoint_id: Mapped[int]
    unit_id: Mapped[int]
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    n: Mapped[int] = mapped_column(Integer, default=0)
    c0: Mapped[int] = mapped_column(Integer, default=0)
    c1: Mapped[int] = mapped_column(Integer, default=0)
    c2: Mapped[int] = mapped_column(Integer, default=0)
    c3: Mapped[int] = mapped_column(Integer, default=0)
    c4: Mapped[int] = mapped_column(Integer, default=0)
    c5: Mapped[int] = mapped_column(Integer, default=0)
    c6: Mapped[int] = mapped_column(Integer, default=0)
    c7: Mapped[int] = mapped_column(Integer, default=0)
    c8: Mapped[int] = mapped_column(Integer, default=0)
    c9: Mapped[int] = mapped_column(Integer, default=0)
    c10: Mapped[int] = mapped_column(Integer, default=0)


class Goal(Base):
    """A target for one metric, for a unit (or the whole organisation) and a period."""

    __tablename__ = "metric_goals"
    __table_args__ = (Index("ix_metric_goals_period", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    target: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
