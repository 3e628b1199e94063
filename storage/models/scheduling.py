"""Schedule templates and slots (the free/busy data behind third-next-available and utilization)."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class SlotState(StrEnum):
    FREE = "free"
    BOOKED = "booked"
    BLOCKED = "blocked"  # held, administrative or otherwise not bookable


class ScheduleTemplate(Base):
    """A provider's recurring session: weekday (0 = Monday), local start/end, slot length."""

    __tablename__ = "schedule_templates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    slot_minutes: Mapped[int] = mapped_column(Integer)
    appointment_type: Mapped[str] = mapped_column(String(64))


class Slot(Base):
    """One bookable slot. Natural key: (source, external_id).

    Free/busy on any past measurement day is reconstructed from ``created_at`` (slot published)
    and ``booked_at`` (slot taken): free on day d when created by d, not blocked, and not booked
    by the end of d.
    """

    __tablename__ = "slots"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_slots_natural_key"),
        Index("ix_slots_provider_date", "provider_id", "slot_date"),
        Index("ix_slots_clinic_date", "clinic_id", "slot_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(64))
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    slot_date: Mapped[date] = mapped_column(Date)  # clinic-local date
    start_at: Mapped[datetime] = mapped_column(DateTime)  # UTC
    duration_minutes: Mapped[int] = mapped_column(Integer)
    appointment_type: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime | None] = mapped_column(DateTime)
    booked_at: Mapped[datetime | None] = mapped_column(DateTime)
    feed_load_id: Mapped[int | None] = mapped_column(ForeignKey("feed_loads.id"))
