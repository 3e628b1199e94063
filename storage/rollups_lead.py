"""``lead_time_monthly``: the booking lead-time histogram per calendar month (network, clinic
and provider grains), so a year of lead time reads a few hundred rows (``bot.kpi.lead_time``).

Network and clinic rows are summed from ``lead_time_daily`` (so they keep counting days whose
appointments the retention job has since deleted, as the daily roll-up does); provider rows
are counted from the appointments (the engine reads a provider's days from them too). Every
month that overlaps the refreshed dates is rebuilt whole, one month per statement pair (plain
date ranges: no dialect-specific month functions).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Date, Integer, cast, delete, func, insert, literal, null, select
from sqlalchemy.orm import Session

from storage.db import rows_affected
from storage.models import Appointment, AppointmentStatus
from storage.models.rollups import LeadTimeDaily, LeadTimeMonthly


def month_starts(first: date, last: date) -> list[date]:
    """First days of the calendar months from ``first``'s to ``last``'s, inclusive."""
    out, month = [], first.replace(day=1)
    while month <= last:
        out.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def refresh_lead_time_monthly(session: Session, date_from: date | None = None, date_to: date | None = None) -> int:
    """Rebuild ``lead_time_monthly`` for every month overlapping [date_from, date_to] (None =
    from the first / to the last day in ``lead_time_daily`` or the appointments). Run after
    ``lead_time_daily`` is refreshed for those dates. Returns rows written."""
    a, t, m = Appointment, LeadTimeDaily, LeadTimeMonthly
    if date_from is None or date_to is None:
        bounds = [session.execute(select(func.min(col), func.max(col))).one()
                  for col in (t.appointment_date, a.appointment_date)]
        lows = [_as_date(lo) for lo, _ in bounds if lo is not None]
        highs = [_as_date(hi) for _, hi in bounds if hi is not None]
        if not lows:
            session.execute(delete(m))
            return 0
        date_from = date_from or min(lows)  # type: ignore[type-var]
        date_to = date_to or max(highs)  # type: ignore[type-var]
    months = month_starts(date_from, date_to)  # type: ignore[arg-type]
    if not months:
        return 0
    session.execute(delete(m).where(m.month >= months[0], m.month <= months[-1]))
    cols = ["clinic_id", "provider_id", "month", "lead_days", "appointments", "first_day", "last_day"]
    raw = [a.status != AppointmentStatus.CANCELLED.value, a.lead_days.is_not(None), a.lead_days >= 0,
           a.provider_id.is_not(None)]
    written = 0
    for start in months:
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        month = literal(start, Date)
        network_and_clinics = (
            select(t.clinic_id, cast(null(), Integer), month, t.lead_days, func.sum(t.appointments),
                   func.min(t.appointment_date), func.max(t.appointment_date))
            .where(t.appointment_date >= start, t.appointment_date <= end).group_by(t.clinic_id, t.lead_days))
        providers = (
            select(a.clinic_id, a.provider_id, month, a.lead_days, func.count(), func.min(a.appointment_date),
                   func.max(a.appointment_date))
            .where(*raw, a.appointment_date >= start, a.appointment_date <= end)
            .group_by(a.clinic_id, a.provider_id, a.lead_days))
        for query in (network_and_clinics, providers):
            written += rows_affected(session.execute(insert(m).from_select(cols, query)))
    return written
