"""Clinics, providers, payers, appointments, and the record of every feed load."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from storage.models.base import Base, utcnow


class AppointmentStatus(StrEnum):
    """Outcome of an appointment. ``late_cancelled``: cancelled inside the clinic's notice window."""

    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    LATE_CANCELLED = "late_cancelled"
    SCHEDULED = "scheduled"  # in the future: no outcome yet


class Clinic(Base):
    __tablename__ = "clinics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # casefolded, accent-stripped name for forgiving look-ups (see core.text.fold)
    name_folded: Mapped[str] = mapped_column(String(200), index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Provider(Base):
    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200), index=True)
    specialty: Mapped[str | None] = mapped_column(String(100))


class Payer(Base):
    __tablename__ = "payers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200), index=True)


class Appointment(Base):
    """One appointment. Natural key: (source, external_id).

    ``appointment_date`` is the clinic-local calendar date (the KPI period key);
    ``appointment_at`` is the UTC instant when the export carries a time of day, else None.
    """

    __tablename__ = "appointments"
    __table_args__ = (
        # a unique index, not a constraint: SQLite can drop and rebuild it around a bulk load (0008)
        Index("uq_appointments_natural_key", "source", "external_id", unique=True),
        Index("ix_appointments_clinic_date", "clinic_id", "appointment_date"),
        Index("ix_appointments_date", "appointment_date"),
        Index("ix_appointments_patient_date", "patient_pseudonym", "appointment_date"),  # 0010_i20
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(64))
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    patient_pseudonym: Mapped[str] = mapped_column(String(32))
    booked_at: Mapped[datetime | None] = mapped_column(DateTime)
    appointment_at: Mapped[datetime | None] = mapped_column(DateTime)
    appointment_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    appointment_type: Mapped[str | None] = mapped_column(String(64))
    lead_days: Mapped[int | None] = mapped_column(Integer)
    insurance_verified: Mapped[bool | None] = mapped_column(Boolean)
    authorization_required: Mapped[bool | None] = mapped_column(Boolean)
    authorized: Mapped[bool | None] = mapped_column(Boolean)
    # model inputs the no-show file carries (0011): a reminder flag, an age band (never an age or a
    # birth date) and condition flags; none identifies a patient on its own or with the pseudonym
    sms_reminder: Mapped[bool | None] = mapped_column(Boolean)
    age_band: Mapped[str | None] = mapped_column(String(8))
    scholarship: Mapped[bool | None] = mapped_column(Boolean)
    hypertension: Mapped[bool | None] = mapped_column(Boolean)
    diabetes: Mapped[bool | None] = mapped_column(Boolean)
    alcoholism: Mapped[bool | None] = mapped_column(Boolean)
    handicap: Mapped[bool | None] = mapped_column(Boolean)
    row_hash: Mapped[str] = mapped_column(String(16))
    feed_load_id: Mapped[int | None] = mapped_column(ForeignKey("feed_loads.id"))


class FeedLoad(Base):
    """One run of an importer: what was read, kept, rejected and warned. "As of" comes from here."""

    __tablename__ = "feed_loads"
    __table_args__ = (Index("ix_feed_loads_feed_finished", "feed", "finished_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed: Mapped[str] = mapped_column(String(32))
    source_name: Mapped[str] = mapped_column(String(300))
    file_format: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_imported: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    rows_warned: Mapped[int] = mapped_column(Integer, default=0)
    data_min_date: Mapped[date | None] = mapped_column(Date)
    data_max_date: Mapped[date | None] = mapped_column(Date)
    rejects_path: Mapped[str | None] = mapped_column(Text)

    @classmethod
    def delivered(cls) -> ColumnElement[bool]:
        """SQL condition: the load brought data, i.e. it did not reject every row it read (a failed
        file is not a delivery: it neither makes a feed fresh nor moves a KPI's "as of")."""
        return or_(cls.rows_rejected == 0, cls.rows_read > cls.rows_rejected)


class PseudonymKeyCheck(Base):
    """A fingerprint of the pseudonym key the stored pseudonyms were made with (one row; never the
    key itself: HMAC-SHA256 of a fixed label under the key, ``bot.privacy.key_fingerprint``)."""

    __tablename__ = "pseudonym_key_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    first_used_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ImportIssue(Base):
    """A rejected row or a data-quality warning, by line number. Never holds raw patient data."""

    __tablename__ = "import_issues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_load_id: Mapped[int] = mapped_column(ForeignKey("feed_loads.id"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    severity: Mapped[str] = mapped_column(String(8))  # "reject" | "warning"
    code: Mapped[str] = mapped_column(String(48))
    detail: Mapped[str] = mapped_column(String(500))
