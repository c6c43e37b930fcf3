from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kokemus.store.base import Base, UtcDateTime, utcnow

UNIT_KINDS = ("store", "team", "function", "partner")
ENCOUNTER_KINDS = ("physical", "digital", "brand")
CHANNEL_CLASSES = ("owned", "paid", "earned")


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))


class Stage(Base):
    __tablename__ = "stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)


class Touchpoint(Base):
    __tablename__ = "touchpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"))
    position: Mapped[int]
    encounter_kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(32))
    channel_class: Mapped[str] = mapped_column(String(16))
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    description: Mapped[str | None] = mapped_column(Text)
    # Touchpoints dropped from the map are kept, inactive, so history still points somewhere.
    active: Mapped[bool] = mapped_column(default=True)


class TouchpointEvent(Base):
    """An event name that, when it arrives, happened at this touchpoint."""

    __tablename__ = "touchpoint_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    touchpoint_id: Mapped[int] = mapped_column(ForeignKey("touchpoints.id"))
    event_name: Mapped[str] = mapped_column(String(200), unique=True)


class JourneyVersion(Base):
    """Every map that was loaded, as written, so changes to the map can be traced."""

    __tablename__ = "journey_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    document: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
