"""Access and scheduling KPIs: no-show rate, booking lead time, insurance verification,
authorization (all from the ``appointment_daily`` roll-up) and provider utilization (slots).
Third next available lives in :mod:`bot.kpi.tna`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from bot.kpi.base import Bucket, KpiImpl, Measure, RatioKpi, RatioSpec, Scope, _as_date, range_conditions, \
    scope_conditions
from storage.models import Appointment, AppointmentStatus, Slot
from storage.models.rollups import AppointmentDaily as R
from storage.models.rollups import LeadTimeDaily as L

LateCancellation = Literal["denominator", "numerator", "excluded"]
_DIMS = {"clinic": R.clinic_id, "provider": R.provider_id}


def no_show_spec(late_cancellation: LateCancellation = "denominator") -> RatioSpec:
    """No-show rate (IHI): N = no-shows; D = appointments dated in the period minus those
    cancelled in time and those still ``scheduled`` (no outcome yet).

    Late cancellations: ``denominator`` (default: in D, not in N), ``numerator`` (counted as
    no-shows, in N and D), ``excluded`` (in neither).
    """
    n = R.no_show + (R.late_cancelled if late_cancellation == "numerator" else 0)
    d = R.booked - R.cancelled - R.scheduled - (R.late_cancelled if late_cancellation == "excluded" else 0)
    return RatioSpec(source=R, day=R.appointment_date, n=n, d=d, dims=_DIMS)


def verification_spec() -> RatioSpec:
    """Insurance verification rate: completed encounters verified ÷ completed encounters whose
    verification status was recorded (a feed without the field gives "no data", not 0 %)."""
    return RatioSpec(source=R, day=R.appointment_date, n=R.verified, d=R.verify_known, dims=_DIMS)


def authorization_spec() -> RatioSpec:
    """Authorization rate: authorized ÷ completed encounters that required authorization."""
    return RatioSpec(source=R, day=R.appointment_date, n=R.authorized, d=R.auth_required, dims=_DIMS)


def utilization_spec() -> RatioSpec:
    """Provider (template) utilization: booked slot minutes ÷ minutes of slots that are not
    blocked. Overbooked appointments recorded as extra booked slots count in N only when the
    slot is flagged ``overbook`` by type, so N can exceed D; the rate is never capped."""
    overbook = Slot.appointment_type.like("overbook%")
    n = case((Slot.state == "booked", Slot.duration_minutes), else_=0)
    d = case((and_(Slot.state != "blocked", ~overbook), Slot.duration_minutes), else_=0)
    return RatioSpec(source=Slot.__table__, day=Slot.slot_date, n=n, d=d,
                     dims={"clinic": Slot.clinic_id, "provider": Slot.provider_id})


def median_from_histogram(hist: Sequence[tuple[float, float]]) -> float | None:
    """Median of a distribution given as ``[(value, count)]`` (the mean of the two middle
    values for an even total, as ``numpy.median``)."""
    items = sorted((v, c) for v, c in hist if c)
    total = sum(c for _, c in items)
    if not total:
        return None
    lo_rank, hi_rank = (total - 1) // 2, total // 2  # 0-based ranks of the middle value(s)
    seen, lo = 0, None
    for value, count in items:
        if lo is None and seen + count > lo_rank:
            lo = value
        if seen + count > hi_rank:
            return (lo + value) / 2  # type: ignore[operator]
        seen += count
    return None


class LeadTimeKpi(KpiImpl):
    """Booking lead time: median days from booking to appointment (mean and same-day share in
    ``extra``), over appointments not cancelled in time with a known lead time (≥ 0 days)."""

    kpi_id = "booking-lead-time"

    def _conds(self, scope: Scope, start: date | None, end: date | None) -> list[Any]:
        a = Appointment
        return [a.status != AppointmentStatus.CANCELLED.value, a.lead_days.is_not(None), a.lead_days >= 0,
                *scope_conditions({"clinic": a.clinic_id, "provider": a.provider_id}, scope),
                *range_conditions(a.appointment_date, start, end)]

    def latest(self, session: Session, scope: Scope) -> date | None:
        value = session.execute(select(func.max(R.appointment_date)).where(
            R.lead_n > 0, *scope_conditions(_DIMS, scope))).scalar()
        return _as_date(value) if value is not None else None

    def _hist(self, session: Session, scope: Scope, start: date | None, end: date | None,
              by_day: bool) -> list[tuple[Any, ...]]:
        a = Appointment
        cols = [a.appointment_date, a.lead_days] if by_day else [a.lead_days]
        stmt = select(*cols, func.count()).where(*self._conds(scope, start, end)).group_by(*cols)
        return list(session.execute(stmt).all())

    @staticmethod
    def _measure(hist: list[tuple[date | None, int, int]]) -> Measure:
        counts: dict[int, int] = {}
        first = last = None
        for day, lead, count in hist:
            counts[lead] = counts.get(lead, 0) + count
            if day is not None:
                first = day if first is None else min(first, day)
                last = day if last is None else max(last, day)
        total = sum(counts.values())
        if not total:
            return Measure(value=None)
        mean = sum(k * v for k, v in counts.items()) / total
        return Measure(value=median_from_histogram(list(counts.items())), n=total, d=total, first=first,
                       last=last, extra={"mean": mean, "same_day_share": counts.get(0, 0) / total})

    @staticmethod
    def _rollup(session: Session, scope: Scope, by: str | None = None) -> list[Any] | None:
        """WHERE conditions on ``lead_time_daily`` for ``scope``, or None to read raw rows
        (a provider filter or breakdown, or a roll-up older than the last appointment load)."""
        from bot.kpi.rollup_read import is_fresh

        if scope.provider_id is not None or by == "provider" or not is_fresh(session, ("appointments",)):
            return None
        if scope.clinic_ids is None:
            return [L.clinic_id.is_not(None)] if by == "clinic" else [L.clinic_id.is_(None)]
        return [L.clinic_id.in_(scope.clinic_ids)]

    def measure(self, session: Session, scope: Scope, start: date | None, end: date | None) -> Measure:
        conds = self._rollup(session, scope)
        if conds is not None:
            stmt = (select(L.lead_days, func.sum(L.appointments), func.min(L.appointment_date),
                           func.max(L.appointment_date))
                    .where(*conds, *range_conditions(L.appointment_date, start, end)).group_by(L.lead_days))
            rows = session.execute(stmt).all()
            m = self._measure([(None, lead, int(c)) for lead, c, _, _ in rows])
            if rows:
                m.first = min(_as_date(r[2]) for r in rows)
                m.last = max(_as_date(r[3]) for r in rows)
            return m
        rows = self._hist(session, scope, start, end, by_day=False)
        m = self._measure([(None, lead, c) for lead, c in rows])
        bounds = session.execute(select(func.min(Appointment.appointment_date), func.max(Appointment.appointment_date))
                                 .where(*self._conds(scope, start, end))).one()
        m.first = _as_date(bounds[0]) if bounds[0] is not None else None
        m.last = _as_date(bounds[1]) if bounds[1] is not None else None
        return m

    def series(self, session: Session, scope: Scope, buckets: Sequence[Bucket]) -> list[Measure]:
        if not buckets:
            return []
        conds = self._rollup(session, scope)
        if conds is not None:  # histograms summed per bucket in SQL: ~12 × lead values rows back
            which = case(*[(L.appointment_date.between(s, e), i) for i, (s, e) in enumerate(buckets)], else_=-1)
            where = [*conds, *range_conditions(L.appointment_date, buckets[0][0], buckets[-1][1])]
            per: dict[int, list[tuple[None, int, int]]] = {}
            for i, lead, count in session.execute(select(which, L.lead_days, func.sum(L.appointments))
                                                  .where(*where).group_by(which, L.lead_days)):
                per.setdefault(i, []).append((None, lead, int(count)))
            bounds = {i: (lo, hi) for i, lo, hi in session.execute(
                select(which, func.min(L.appointment_date), func.max(L.appointment_date)).where(*where).group_by(which))}
            out = []
            for i in range(len(buckets)):
                m = self._measure(per.get(i, []))
                if m.has_data:
                    m.first, m.last = _as_date(bounds[i][0]), _as_date(bounds[i][1])
                out.append(m)
            return out
        else:
            hist = self._hist(session, scope, buckets[0][0], buckets[-1][1], by_day=True)
        rows = [(_as_date(d), lead, int(c)) for d, lead, c in hist]
        return [self._measure([r for r in rows if s <= r[0] <= e]) for s, e in buckets]

    def breakdown(self, session: Session, scope: Scope, start: date | None, end: date | None,
                  dim: str) -> list[tuple[Any, Measure]]:
        a = Appointment
        conds = self._rollup(session, scope, dim)
        if conds is not None:
            stmt = (select(L.clinic_id, L.lead_days, func.sum(L.appointments))
                    .where(*conds, *range_conditions(L.appointment_date, start, end)).group_by(L.clinic_id, L.lead_days))
        else:
            col = {"clinic": a.clinic_id, "provider": a.provider_id}[dim]
            stmt = (select(col, a.lead_days, func.count()).where(*self._conds(scope, start, end))
                    .group_by(col, a.lead_days))
        groups: dict[Any, list[tuple[None, int, int]]] = {}
        for key, lead, count in session.execute(stmt):
            groups.setdefault(key, []).append((None, lead, int(count)))
        return [(key, self._measure(hist)) for key, hist in groups.items()]


def access_kpis(late_cancellation: LateCancellation = "denominator") -> list[KpiImpl]:
    return [
        RatioKpi("no-show-rate", lambda: no_show_spec(late_cancellation), f"no-show-rate:{late_cancellation}"),
        RatioKpi("insurance-verification-rate", verification_spec, "insurance-verification-rate"),
        RatioKpi("authorization-rate", authorization_spec, "authorization-rate"),
        RatioKpi("provider-utilization", utilization_spec, "provider-utilization"),
        LeadTimeKpi(),
    ]
