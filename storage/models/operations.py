"""Inventory, compliance calendar, coding audits and patient-survey responses."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Boolean, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class SupplyItem(Base):
    """A stocked item at a clinic. ``service_level`` is a probability (0.95); lead times in days."""

    __tablename__ = "supply_items"
    __table_args__ = (UniqueConstraint("clinic_id", "sku", name="uq_supply_items_clinic_sku"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(32), default="each")
    unit_cost_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    lead_time_days: Mapped[float] = mapped_column(Float)
    lead_time_sd_days: Mapped[float] = mapped_column(Float, default=0.0)
    service_level: Mapped[float] = mapped_column(Float, default=0.95)
    par_level: Mapped[float | None] = mapped_column(Float)
    critical: Mapped[bool] = mapped_column(Boolean, default=False)


class SupplyLot(Base):
    __tablename__ = "supply_lots"
    __table_args__ = (UniqueConstraint("item_id", "lot_number", name="uq_supply_lots_item_lot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("supply_items.id"), index=True)
    lot_number: Mapped[str] = mapped_column(String(64))
    expiry_date: Mapped[date] = mapped_column(Date)
    quantity_on_hand: Mapped[float] = mapped_column(Float)
    received_date: Mapped[date | None] = mapped_column(Date)


class InventoryTransaction(Base):
    """Daily movement of an item. ``kind``: usage | receipt | expired | adjustment (quantities > 0
    except adjustment, which is signed)."""

    __tablename__ = "inventory_transactions"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_inventory_transactions_natural_key"),
        Index("ix_inventory_item_date", "item_id", "tx_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(64))
    item_id: Mapped[int] = mapped_column(ForeignKey("supply_items.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("supply_lots.id"))
    tx_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[float] = mapped_column(Float)
    feed_load_id: Mapped[int | None] = mapped_column(ForeignKey("feed_loads.id"))


class StockCount(Base):
    """A physical count: on-hand quantity at the end of ``count_date``."""

    __tablename__ = "stock_counts"
    __table_args__ = (
        UniqueConstraint("item_id", "count_date", name="uq_stock_counts_item_date"),
        # inventory turns reads every item's counts of a date range (migration 0009)
        Index("ix_stock_counts_date_item", "count_date", "item_id", "on_hand"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("supply_items.id"))
    count_date: Mapped[date] = mapped_column(Date)
    on_hand: Mapped[float] = mapped_column(Float)
    feed_load_id: Mapped[int | None] = mapped_column(ForeignKey("feed_loads.id"))


class ComplianceItem(Base):
    """A dated obligation. ``kind``: hipaa_risk_assessment | osha_training | clia_certificate |
    dea_registration | licence | credentialing | mock_survey | chart_audit | other.
    ``recurrence_months``: rolled forward by that many months when marked done."""

    __tablename__ = "compliance_items"
    __table_args__ = (UniqueConstraint("clinic_id", "key", name="uq_compliance_items_clinic_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str | None] = mapped_column(String(64))  # Slack user id or role name
    due_date: Mapped[date] = mapped_column(Date)
    recurrence_months: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | done
    completed_date: Mapped[date | None] = mapped_column(Date)
    corrective_action_due: Mapped[date | None] = mapped_column(Date)


class CodingAudit(Base):
    """A coding audit sample: codes audited and codes matching the auditor (code-over-code)."""

    __tablename__ = "coding_audits"
    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_coding_audits_natural_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(64))
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    audit_date: Mapped[date] = mapped_column(Date)
    codes_audited: Mapped[int] = mapped_column(Integer)
    codes_matched: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(32), default="code-over-code")
    feed_load_id: Mapped[int | None] = mapped_column(ForeignKey("feed_loads.id"))


class SurveyResponse(Base):
    """A patient-experience survey answer; ``provider_rating`` on CG-CAHPS's 0–10 scale."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_survey_responses_natural_key"),
        Index("ix_survey_clinic_date", "clinic_id", "response_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(64))
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    response_date: Mapped[date] = mapped_column(Date)
    provider_rating: Mapped[int] = mapped_column(Integer)
    patient_pseudonym: Mapped[str | None] = mapped_column(String(32))
    feed_load_id: Mapped[int | None] = mapped_column(ForeignKey("feed_loads.id"))
