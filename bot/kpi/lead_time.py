"""Booking lead time: median days from booking to appointment (mean and same-day share in
``extra``), over appointments not cancelled in time with a known lead time (≥ 0 days).

While the appointment roll-ups are fresh a value or a trend is one query over histograms (lead
days → appointments): the whole calendar months inside each range from ``lead_time_monthly``,
the days around them from ``lead_time_daily`` (network, clinics) or from the appointments (a
provider has a handful a day). Otherwise the appointments are counted. Both give the same
answer: every step is an integer count.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select, true, union_all
from sqlalchemy.orm import Session

from bot.kpi.base import Bucket, KpiImpl, Measure, Scope, _as_date, range_conditions, scope_conditions
from bot.kpi.periods import unit_bounds
from bot.kpi.rollup_read import is_fresh
from storage.models import Appointment, AppointmentStatus
from storage.models.rollups import AppointmentDaily as R
from storage.models.rollups import LeadTimeDaily as L
from storage.models.rollups import LeadTimeMonthly as M

Range = tuple[date | None, date | None]
_DIMS = {"clinic": R.clinic_id, "provider": R.provider_id}


def median_from_histogram(hist: Sequence[tuple[float, float]]) -> float | None:
    """Median of a distribution given as ``[(value, count)]`` (the mean of the two middle
    values for an even total, as ``numpy.median``)."""
    items = sorted((v, c) for v, c in hist if c)
    total = sum(c for _, c in items)
    if not total:
        return None
    lo_rank, hi_rank = (total - 1) // 2, total // 2  # 0-based ranks of the middle value(s)
    seen: float = 0
    lo: float | None = None
    for value, count in items:
        if lo is None and seen + count > lo_rank:
            lo = value
        if seen + count > hi_rank:
            return (lo + value) / 2  # type: ignore[operator]
        seen += count
    return None


def histogram_measure(counts: dict[int, int], first: date | None = None, last: date | None = None) -> Measure:
    """The lead-time measure of a histogram ``{lead days: appointments}``: median (value), mean
    and same-day share (``extra``); n = d = appointments. No data when it is empty."""
    total = sum(counts.values())
    if not total:
        return Measure(value=None)
    mean = sum(k * v for k, v in counts.items()) / total
    return Measure(value=median_from_histogram(list(counts.items())), n=total, d=total, first=first, last=last,
                   extra={"mean": mean, "same_day_share": counts.get(0, 0) / total})


Months = tuple[date | None, date | None]


def split_months(start: date | None, end: date | None) -> tuple[Months | None, list[tuple[date, date]]]:
    """``[start, end]`` (None = open) as the whole calendar months inside it, given by the first
    days of the first and last month (None = open; None instead of the pair when there is no
    whole month), and the remaining day spans. 2026-03-05..2026-05-20 → ((04-01, 04-01),
    [(03-05, 03-31), (05-01, 05-20)])."""
    lo = start if start is None or start.day == 1 else unit_bounds(start, "month")[1] + timedelta(days=1)
    hi = end if end is None or end == unit_bounds(end, "month")[1] else end.replace(day=1) - timedelta(days=1)
    if lo is not None and hi is not None and lo > hi:
        return None, [(start, end)]  # type: ignore[list-item]  # lo and hi set: both bounded
    months = (lo.replace(day=1) if lo else None, hi.replace(day=1) if hi else None)
    days: list[tuple[date, date]] = []
    if start is not None and lo is not None and lo > start:
        days.append((start, lo - timedelta(days=1)))
    if end is not None and hi is not None and hi < end:
        days.append((hi + timedelta(days=1), end))
    return months, days


def _within(col: Any, lo: date | None, hi: date | None) -> Any:
    """``lo <= col <= hi`` (None = open)."""
    parts = [c for c in ((col >= lo) if lo else None, (col <= hi) if hi else None) if c is not None]
    return and_(*parts) if parts else true()


def _bucketed(col: Any, spans: list[tuple[date | None, date | None, int]]) -> tuple[Any, Any]:
    """(CASE giving each row of ``col`` its range index, -1 outside; WHERE for all spans)."""
    tests = [(_within(col, lo, hi), i) for lo, hi, i in spans]
    return case(*tests, else_=-1), or_(*[t for t, _ in tests])


class LeadTimeKpi(KpiImpl):
    """See the module doc."""

    kpi_id = "booking-lead-time"

    @staticmethod
    def _raw_conds(scope: Scope, start: date | None, end: date | None) -> list[Any]:
        a = Appointment
        return [a.status != AppointmentStatus.CANCELLED.value, a.lead_days.is_not(None), a.lead_days >= 0,
                *scope_conditions({"clinic": a.clinic_id, "provider": a.provider_id}, scope),
                *range_conditions(a.appointment_date, start, end)]

    def latest(self, session: Session, scope: Scope) -> date | None:
        value = session.execute(select(func.max(R.appointment_date)).where(
            R.lead_n > 0, *scope_conditions(_DIMS, scope))).scalar()
        return _as_date(value) if value is not None else None

    def measure(self, session: Session, scope: Scope, start: date | None, end: date | None) -> Measure:
        return self._measures(session, scope, [(start, end)])[0]

    def series(self, session: Session, scope: Scope, buckets: Sequence[Bucket]) -> list[Measure]:
        return self._measures(session, scope, list(buckets)) if buckets else []

    def _measures(self, session: Session, scope: Scope, ranges: list[Range]) -> list[Measure]:
        """One measure per range (ranges must not overlap): one query on the roll-ups when
        fresh, else on the appointments."""
        rows = (self._rollup_rows(session, scope, ranges) if is_fresh(session, ("appointments",))
                else self._raw_rows(session, scope, ranges))
        per: dict[int, dict[int, int]] = {}
        span: dict[int, tuple[Any, Any]] = {}
        for i, lead, count, first, last in rows:
            if i < 0:
                continue
            hist = per.setdefault(i, {})
            hist[lead] = hist.get(lead, 0) + int(count)
            # dates as the driver returns them (ISO text on SQLite): they order the same
            lo, hi = span.get(i, (first, last))
            span[i] = (min(lo, first), max(hi, last))
        return [histogram_measure(per.get(i, {}), *(_as_date(d) for d in span[i])) if i in span
                else Measure(value=None) for i in range(len(ranges))]

    def _raw_rows(self, session: Session, scope: Scope, ranges: list[Range]) -> list[Any]:
        a = Appointment
        which, where = _bucketed(a.appointment_date, [(s, e, i) for i, (s, e) in enumerate(ranges)])
        stmt = (select(which, a.lead_days, func.count(), func.min(a.appointment_date), func.max(a.appointment_date))
                .where(*self._raw_conds(scope, None, None), where).group_by(which, a.lead_days))
        return list(session.execute(stmt))

    def _rollup_rows(self, session: Session, scope: Scope, ranges: list[Range]) -> list[Any]:
        month_spans: list[tuple[date | None, date | None, int]] = []
        day_spans: list[tuple[date | None, date | None, int]] = []
        for i, (s, e) in enumerate(ranges):
            months, days = split_months(s, e)
            if months is not None:
                month_spans.append((*months, i))
            day_spans += [(ds, de, i) for ds, de in days]
        parts = []
        if month_spans:
            which, where = _bucketed(M.month, month_spans)
            parts.append(select(which, M.lead_days, func.sum(M.appointments), func.min(M.first_day),
                                func.max(M.last_day))
                         .where(*self._monthly_conds(scope), where).group_by(which, M.lead_days))
        if day_spans:
            parts.append(self._day_part(scope, day_spans))
        if not parts:
            return []
        return list(session.execute(parts[0] if len(parts) == 1 else union_all(*parts)))

    def _day_part(self, scope: Scope, spans: list[tuple[date | None, date | None, int]]) -> Any:
        """Histogram rows of day spans: ``lead_time_daily`` for the network or clinics, the
        appointments for a provider (a provider has a handful of appointments a day)."""
        if scope.provider_id is None:
            which, where = _bucketed(L.appointment_date, spans)
            conds = [L.clinic_id.is_(None)] if scope.clinic_ids is None else [L.clinic_id.in_(scope.clinic_ids)]
            return (select(which, L.lead_days, func.sum(L.appointments), func.min(L.appointment_date),
                           func.max(L.appointment_date)).where(*conds, where).group_by(which, L.lead_days))
        a = Appointment
        which, where = _bucketed(a.appointment_date, spans)
        return (select(which, a.lead_days, func.count(), func.min(a.appointment_date), func.max(a.appointment_date))
                .where(*self._raw_conds(scope, None, None), where).group_by(which, a.lead_days))

    @staticmethod
    def _monthly_conds(scope: Scope) -> list[Any]:
        """``lead_time_monthly`` rows of the scope's grain (network, clinic or provider)."""
        clinics = [] if scope.clinic_ids is None else [M.clinic_id.in_(scope.clinic_ids)]
        if scope.provider_id is not None:
            return clinics + [M.provider_id == scope.provider_id]
        return (clinics or [M.clinic_id.is_(None)]) + [M.provider_id.is_(None)]

    def breakdown(self, session: Session, scope: Scope, start: date | None, end: date | None,
                  dim: str) -> list[tuple[Any, Measure]]:
        a = Appointment
        stmt: Select[*tuple[Any, ...]]  # (group key, lead days, appointments): from the roll-up or the rows
        if dim == "clinic" and scope.provider_id is None and is_fresh(session, ("appointments",)):
            conds = [L.clinic_id.is_not(None)] if scope.clinic_ids is None else [L.clinic_id.in_(scope.clinic_ids)]
            stmt = (select(L.clinic_id, L.lead_days, func.sum(L.appointments))
                    .where(*conds, *range_conditions(L.appointment_date, start, end))
                    .group_by(L.clinic_id, L.lead_days))
        else:
            col = {"clinic": a.clinic_id, "provider": a.provider_id}[dim]
            stmt = (select(col, a.lead_days, func.count()).where(*self._raw_conds(scope, start, end))
                    .group_by(col, a.lead_days))
        groups: dict[Any, dict[int, int]] = {}
        for key, lead, count in session.execute(stmt):
            if lead is None:  # excluded by both queries (lead days known and ≥ 0)
                continue
            hist = groups.setdefault(key, {})
            hist[lead] = hist.get(lead, 0) + int(count)
        return [(key, histogram_measure(hist)) for key, hist in groups.items()]
