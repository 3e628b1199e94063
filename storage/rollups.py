"""Refresh the KPI roll-ups from raw rows (SQLite and PostgreSQL): the SQL steps.

Who calls what: :mod:`bot.kpi.rollup_refresh` runs these steps with the KPI layer's formulas
(storage imports nothing above it); the importers call its ``refresh_feed_rollups`` (the
appointment importer ``refresh_appointment_rollups``) at the end of a load with the loaded date
range, and the seed generator ``refresh_all_rollups``. Each refresh deletes the roll-up rows of the range and
rebuilds them with ``INSERT … SELECT … GROUP BY`` (nothing is loaded into Python memory), except
third next available, the supply-item windows and net A/R, which are recomputed for all days by
a vectorised pass (:mod:`storage.rollups_slots`, :mod:`storage.rollups_supply`,
:mod:`storage.rollups_ar`), with the stored answers of :mod:`storage.rollups_measures`; the
monthly lead-time histogram follows the daily one (:mod:`storage.rollups_lead`). Then the feed
is marked fresh in ``rollup_state``: the KPI engine
reads a roll-up only while no newer ``FeedLoad`` of its feeds exists, and otherwise falls back
to raw rows (slower, same answer). Everything runs in the caller's transaction; the caller commits.

Known limit: an upsert that moves a row to another date outside the loaded range (e.g. an
appointment rescheduled into an earlier month) leaves the old day's counts until a refresh
covers it (``opsbot``'s seed and a full ``refresh_all_rollups`` rebuild everything).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol

from sqlalchemy import BigInteger, Integer, and_, case, cast, delete, func, insert, literal, null, select
from sqlalchemy.orm import Session

from storage.db import rows_affected
from storage.models import Appointment, AppointmentStatus, FeedLoad, utcnow
from storage.models.rollups import AppointmentDaily, KpiDaily, LeadTimeDaily, RollupState
from storage.rollups_lead import refresh_lead_time_monthly

FEEDS = ("appointments", "slots", "claims", "remittances", "ledger", "surveys", "coding_audits", "inventory",
         "supply", "lots", "ar")


ROLLUP_TABLES = ("appointment_daily", "kpi_daily", "lead_time_daily", "lead_time_monthly", "tna_daily",
                 "slot_provider_summary", "supply_item_daily", "kpi_measure_daily")


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _between(col: Any, date_from: date | None, date_to: date | None) -> list[Any]:
    out = []
    if date_from is not None:
        out.append(col >= date_from)
    if date_to is not None:
        out.append(col <= date_to)
    return out


def refresh_appointment_daily(session: Session, date_from: date | None = None,
                              date_to: date | None = None, clinic_ids: list[int] | None = None) -> int:
    """Rebuild ``appointment_daily`` for appointment dates in [date_from, date_to] (inclusive;
    None = unbounded) and, if given, only those clinics. Returns the number of rows written.
    (:func:`bot.kpi.rollup_refresh.refresh_appointment_rollups` adds the KPI components, the
    lead-time histogram and the freshness mark.)
    """
    a, r = Appointment, AppointmentDaily
    clinic_a = [a.clinic_id.in_(clinic_ids)] if clinic_ids is not None else []
    clinic_r = [r.clinic_id.in_(clinic_ids)] if clinic_ids is not None else []
    session.execute(delete(r).where(*_between(r.appointment_date, date_from, date_to), *clinic_r))

    s = AppointmentStatus
    completed = a.status == s.COMPLETED.value
    has_lead = and_(a.status != s.CANCELLED.value, a.lead_days.is_not(None), a.lead_days >= 0)
    query = (
        select(
            a.clinic_id, a.provider_id, a.appointment_date,
            func.count().label("booked"),
            _count(completed),
            _count(a.status == s.NO_SHOW.value),
            _count(a.status == s.CANCELLED.value),
            _count(a.status == s.LATE_CANCELLED.value),
            _count(a.status == s.SCHEDULED.value),
            _count(has_lead),
            func.coalesce(func.sum(case((has_lead, a.lead_days), else_=0)), 0).cast(BigInteger),
            _count(and_(has_lead, a.lead_days == 0)),
            _count(and_(completed, a.insurance_verified.is_(True))),
            _count(and_(completed, a.insurance_verified.is_not(None))),
            _count(and_(completed, a.authorization_required.is_(True))),
            _count(and_(completed, a.authorization_required.is_(True), a.authorized.is_(True))),
        )
        .where(*_between(a.appointment_date, date_from, date_to), *clinic_a)
        .group_by(a.clinic_id, a.provider_id, a.appointment_date)
    )
    columns = ["clinic_id", "provider_id", "appointment_date", "booked", "completed", "no_show",
               "cancelled", "late_cancelled", "scheduled", "lead_n", "lead_days_sum", "same_day",
               "verified", "verify_known", "auth_required", "authorized"]
    return rows_affected(session.execute(insert(r).from_select(columns, query)))


def refresh_lead_time(session: Session, date_from: date | None = None, date_to: date | None = None) -> int:
    """Rebuild ``lead_time_daily`` (network and per clinic) for [date_from, date_to]: appointments
    not cancelled in time with a known lead time ≥ 0, counted per date and lead time; then
    ``lead_time_monthly`` for the months those dates touch (``storage.rollups_lead``)."""
    a, t = Appointment, LeadTimeDaily
    session.execute(delete(t).where(*_between(t.appointment_date, date_from, date_to)))
    where = [a.status != AppointmentStatus.CANCELLED.value, a.lead_days.is_not(None), a.lead_days >= 0,
             *_between(a.appointment_date, date_from, date_to)]
    cols = ["clinic_id", "appointment_date", "lead_days", "appointments"]
    per_clinic = (select(a.clinic_id, a.appointment_date, a.lead_days, func.count()).where(*where)
                  .group_by(a.appointment_date, a.lead_days, a.clinic_id))
    written = rows_affected(session.execute(insert(t).from_select(cols, per_clinic)))
    # the network grain is the sum of the clinic rows just written (every appointment has a
    # clinic): a pass over those rows instead of a second sort of the appointments
    network = (select(cast(null(), Integer), t.appointment_date, t.lead_days, func.sum(t.appointments))
               .where(t.clinic_id.is_not(None), *_between(t.appointment_date, date_from, date_to))
               .group_by(t.appointment_date, t.lead_days))
    written += rows_affected(session.execute(insert(t).from_select(cols, network)))
    refresh_lead_time_monthly(session, date_from, date_to)
    return written


# kpi_daily grains: name -> (one row per clinic?, dimension in key_id)
GRAINS: dict[str, tuple[bool, str | None]] = {"network": (False, None), "clinic": (True, None),
                                               "provider": (True, "provider"), "payer": (True, "payer"),
                                               "network_payer": (False, "payer")}


class Component(Protocol):
    """A KPI component as the KPI layer defines it (``bot.kpi.components.Component``): a name and
    a ``spec()`` with ``source``, ``where``, ``day``, ``dims``, ``n`` and ``d`` (SQL expressions)."""

    @property
    def name(self) -> str: ...

    def spec(self) -> Any: ...


def refresh_components(session: Session, components: Iterable[Component], date_from: date | None = None,
                       date_to: date | None = None) -> int:
    """Rebuild ``kpi_daily`` for ``components`` (those of one feed: the formulas live with the
    KPI definitions, ``bot.kpi.components.for_feed``), for days in [date_from, date_to], at every
    grain of :data:`GRAINS` the component has. Returns rows written."""
    k = KpiDaily
    written = 0
    for comp in components:
        spec = comp.spec()
        session.execute(delete(k).where(k.component == comp.name, *_between(k.day, date_from, date_to)))
        where = [*spec.where, spec.day.is_not(None), *_between(spec.day, date_from, date_to)]
        for grain, (per_clinic, key_dim) in GRAINS.items():
            if key_dim is not None and key_dim not in spec.dims:
                continue
            clinic = spec.dims["clinic"] if per_clinic else cast(null(), Integer)
            key = spec.dims[key_dim] if key_dim is not None else cast(null(), Integer)
            groups = [spec.day] + ([clinic] if per_clinic else []) + ([key] if key_dim is not None else [])
            query = (select(literal(comp.name), literal(grain), clinic, key, spec.day, func.sum(spec.n),
                            func.sum(spec.d), _count(spec.d > 0))
                     .select_from(spec.source).where(*where).group_by(*groups))
            cols = ["component", "grain", "clinic_id", "key_id", "day", "n", "d", "d_rows"]
            written += rows_affected(session.execute(insert(k).from_select(cols, query)))
    return written


def mark_fresh(session: Session, feed: str) -> None:
    """Record that the roll-ups include every ``FeedLoad`` of ``feed`` so far."""
    newest = session.execute(select(func.max(FeedLoad.id)).where(FeedLoad.feed == feed)).scalar()
    session.execute(delete(RollupState).where(RollupState.feed == feed))
    session.execute(insert(RollupState).values(feed=feed, feed_load_id=newest, refreshed_at=utcnow()))
