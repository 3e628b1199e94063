"""Daily roll-ups that KPI questions read instead of raw rows (migration 0002).

All are rebuilt from raw rows by ``storage.rollups`` (in SQL, or vectorised for third next
available) after every load; never edited by hand.

- ``appointment_daily``: one row per (clinic, provider or NULL, appointment_date) with outcome
  counts and the sums behind lead-time, insurance-verification and authorization KPIs.
- ``kpi_daily``: Σn and Σd of one KPI component (a ``RatioSpec``) per day at five grains:
  ``network`` (clinic_id NULL), ``clinic``, ``provider`` and ``payer`` (per clinic; ``key_id`` =
  provider or payer id, NULL = "no provider" / self-pay) and ``network_payer`` (per payer over
  the whole network, clinic_id NULL; migration 0009).
- ``lead_time_daily``: the booking lead-time histogram (days → appointments) per day, network
  (clinic_id NULL) and per clinic; ``lead_time_monthly`` the same per calendar month, also per
  provider (migration 0009).
- ``kpi_measure_daily``: whole answers of the KPIs that are not ratios of daily sums (third next
  available, days of supply, items at or below reorder point) per measurement day, network and
  per clinic (migration 0009).
- ``tna_daily``: for each (clinic, provider, appointment type) and measurement day, the dates of
  the first and the third free slot on or after that day (no horizon applied).
- ``slot_provider_summary``: per provider, the last slot publication/booking instants and the
  first measurement day ``tna_daily`` covers.
- ``rollup_state``: per feed, the newest ``FeedLoad`` id the roll-ups include; a roll-up older
  than its feed's newest load is not read (the engine falls back to raw rows).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class AppointmentDaily(Base):
    """Counts of appointments by clinic, provider and clinic-local appointment date.

    ``booked`` counts every appointment row; the outcome columns split it
    (completed + no_show + cancelled + late_cancelled + scheduled = booked).
    ``lead_n``/``lead_days_sum``/``same_day``: appointments not cancelled in time whose lead time
    is known (``lead_days`` ≥ 0). ``verified``/``verify_known``/``auth_required``/``authorized``: among completed (``verify_known``:
    insurance_verified recorded at all, the verification-rate denominator).
    """

    __tablename__ = "appointment_daily"
    __table_args__ = (
        Index("ix_appointment_daily_clinic_date", "clinic_id", "appointment_date"),
        Index("ix_appointment_daily_date", "appointment_date"),
        Index("ix_appointment_daily_provider_date", "provider_id", "appointment_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    appointment_date: Mapped[date] = mapped_column(Date)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[int] = mapped_column(Integer, default=0)
    no_show: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[int] = mapped_column(Integer, default=0)
    late_cancelled: Mapped[int] = mapped_column(Integer, default=0)
    scheduled: Mapped[int] = mapped_column(Integer, default=0)
    lead_n: Mapped[int] = mapped_column(Integer, default=0)
    lead_days_sum: Mapped[int] = mapped_column(BigInteger, default=0)
    same_day: Mapped[int] = mapped_column(Integer, default=0)
    verified: Mapped[int] = mapped_column(Integer, default=0)
    verify_known: Mapped[int] = mapped_column(Integer, default=0)
    auth_required: Mapped[int] = mapped_column(Integer, default=0)
    authorized: Mapped[int] = mapped_column(Integer, default=0)


class KpiDaily(Base):
    """Σn, Σd of one KPI component on one day at one grain (see module doc).

    ``n``/``d``: sums in double precision (exact for the integer counts, cents and minutes
    summed here, up to 2**53); ``d_rows`` counts the raw rows
    with a positive denominator term (what "latest data" means for raw rows).
    """

    __tablename__ = "kpi_daily"
    __table_args__ = (
        Index("ix_kpi_daily_grain_day", "component", "grain", "day"),
        Index("ix_kpi_daily_grain_clinic_day", "component", "grain", "clinic_id", "day"),
        Index("ix_kpi_daily_grain_key_day", "component", "grain", "key_id", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    component: Mapped[str] = mapped_column(String(48))
    grain: Mapped[str] = mapped_column(String(16))
    clinic_id: Mapped[int | None] = mapped_column(Integer)
    key_id: Mapped[int | None] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    n: Mapped[float] = mapped_column(Float)
    d: Mapped[float] = mapped_column(Float)
    d_rows: Mapped[int] = mapped_column(Integer)


class LeadTimeDaily(Base):
    """Appointments (not cancelled in time, lead time known and ≥ 0) per clinic-local
    appointment date and lead time in days; ``clinic_id`` NULL = the whole network."""

    __tablename__ = "lead_time_daily"
    __table_args__ = (
        Index("ix_lead_time_daily_clinic_date", "clinic_id", "appointment_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int | None] = mapped_column(Integer)
    appointment_date: Mapped[date] = mapped_column(Date)
    lead_days: Mapped[int] = mapped_column(Integer)
    appointments: Mapped[int] = mapped_column(Integer)


class LeadTimeMonthly(Base):
    """:class:`LeadTimeDaily` summed per calendar month (``month`` = its first day), with the
    first and last appointment date of each row. Grains: network (clinic and provider NULL),
    clinic (provider NULL) and provider (``clinic_id`` = the appointments' clinic). Network and
    clinic rows are sums of ``lead_time_daily``; provider rows come from the appointments."""

    __tablename__ = "lead_time_monthly"
    __table_args__ = (
        Index("ix_lead_time_monthly_clinic_provider_month", "clinic_id", "provider_id", "month"),
        Index("ix_lead_time_monthly_provider_month", "provider_id", "month"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int | None] = mapped_column(Integer)
    provider_id: Mapped[int | None] = mapped_column(Integer)
    month: Mapped[date] = mapped_column(Date)
    lead_days: Mapped[int] = mapped_column(Integer)
    appointments: Mapped[int] = mapped_column(Integer)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)


class KpiMeasureDaily(Base):
    """One KPI's whole answer on one measurement day for the network (``clinic_id`` NULL) or one
    clinic: ``value``, ``n``, ``d`` and the ``basis`` sentence, exactly as the engine computes
    them from the finer roll-ups (``bot.kpi``). ``component`` names the KPI and its parameters
    (``third-next-available:h90``, ``days-of-supply``, ``reorder-point``). Rows only for days
    with a value."""

    __tablename__ = "kpi_measure_daily"
    __table_args__ = (Index("ix_kpi_measure_daily_component_clinic_day", "component", "clinic_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    component: Mapped[str] = mapped_column(String(48))
    clinic_id: Mapped[int | None] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    n: Mapped[float] = mapped_column(Float)
    d: Mapped[float] = mapped_column(Float)
    basis: Mapped[str] = mapped_column(String(1000))


class TnaDaily(Base):
    """First and third free slot dates on or after ``measure_date`` for one (clinic, provider,
    appointment type); NULL when there is no such slot. Free = published by the end of the
    measurement day, not blocked, not booked by then (``Slot`` docstring)."""

    __tablename__ = "tna_daily"
    __table_args__ = (
        Index("ix_tna_daily_date_clinic", "measure_date", "clinic_id"),
        Index("ix_tna_daily_provider_date", "provider_id", "measure_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(Integer)
    provider_id: Mapped[int] = mapped_column(Integer)
    appointment_type: Mapped[str] = mapped_column(String(64))
    measure_date: Mapped[date] = mapped_column(Date)
    first_free_date: Mapped[date | None] = mapped_column(Date)
    third_free_date: Mapped[date | None] = mapped_column(Date)


class SlotProviderSummary(Base):
    """Per provider (and clinic) with slots: the newest ``created_at``/``booked_at`` (naive
    UTC), and ``covered_from``: the first measurement day in ``tna_daily``. ``open_before``:
    some slot has no publication time, so it may be free before ``covered_from`` (days before
    it are then answered from raw rows)."""

    __tablename__ = "slot_provider_summary"
    __table_args__ = (Index("ix_slot_provider_summary_clinic", "clinic_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(Integer)
    provider_id: Mapped[int] = mapped_column(Integer)
    last_created_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_booked_at: Mapped[datetime | None] = mapped_column(DateTime)
    covered_from: Mapped[date | None] = mapped_column(Date)
    covered_to: Mapped[date | None] = mapped_column(Date)
    open_before: Mapped[bool] = mapped_column(Boolean, default=False)


class RollupState(Base):
    """Per feed: the newest ``FeedLoad.id`` included in the roll-ups (NULL: rows loaded without
    a FeedLoad, e.g. by tests) and when they were refreshed."""

    __tablename__ = "rollup_state"

    feed: Mapped[str] = mapped_column(String(32), primary_key=True)
    feed_load_id: Mapped[int | None] = mapped_column(Integer)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime)


class SupplyItemDaily(Base):
    """Per supply item and day with usage in the trailing window: ``usage_rows`` (usage
    transactions that day), ``usage_window``/``usage_sq_window`` (Σ and Σ² of the daily usage
    totals over the ``window_days`` days ending that day, days without usage = 0), and ``on_hand``
    (the latest stock count on or before the day, else the item's current lot quantities;
    NULL when neither exists). Rows only where the window holds usage."""

    __tablename__ = "supply_item_daily"
    __table_args__ = (
        Index("ix_supply_item_daily_day_clinic", "day", "clinic_id"),
        Index("ix_supply_item_daily_clinic_day", "clinic_id", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(Integer)
    clinic_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    window_days: Mapped[int] = mapped_column(Integer)
    usage_rows: Mapped[int] = mapped_column(Integer)
    usage_window: Mapped[float] = mapped_column(Float)
    usage_sq_window: Mapped[float] = mapped_column(Float)
    on_hand: Mapped[float | None] = mapped_column(Float)
