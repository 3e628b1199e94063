"""Days to third next available appointment (IHI), from slot rows.

On a measurement day d a slot is free when it was published by the end of d (``created_at``),
is not blocked, and was not booked by the end of d (``booked_at``) — the reconstruction the
``Slot`` docstring prescribes. For each provider and appointment type the third such slot on or
after d gives ``slot_date − d`` calendar days (same day = 0); a provider's value is the mean over
its appointment types, and the KPI is the mean over providers. The end of d is taken in each
clinic's own time zone.

Reads, while the slot roll-ups are fresh and cover the measurement days: for the network or one
clinic at the default horizon, the stored answers (``kpi_measure_daily``, one row per trend
point, written by ``storage.rollups_slots`` with :func:`mean_over_providers`); otherwise the
``tna_daily`` roll-up (first and third free slot per provider, type and day), one query for the
value and the whole trend; otherwise the slots themselves (a window query per day).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from statistics import mean
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.kpi.base import Bucket, KpiImpl, Measure, Scope, _as_date, scope_conditions, session_memo
from bot.kpi.rollup_read import is_fresh, stored_measures
from storage.models import Clinic, FeedLoad, Slot
from storage.models.rollups import SlotProviderSummary, TnaDaily

_DIMS = {"clinic": Slot.clinic_id, "provider": Slot.provider_id}


def third_next_available(measurement_day: date, free_slot_dates: Iterable[date]) -> int | None:
    """Calendar days from ``measurement_day`` to the third free slot on or after it (same day =
    0), or None with fewer than three. kpis.md worked example: Mon 2026-03-02 with free slots
    on 03-03, 03-05, 03-09 → 7."""
    upcoming = sorted(d for d in free_slot_dates if d >= measurement_day)
    return (upcoming[2] - measurement_day).days if len(upcoming) >= 3 else None


def local_date(instant: Any, tz: str) -> date:
    """Clinic-local date of a stored naive-UTC instant (datetime, or ISO text from SQLite)."""
    moment = instant if isinstance(instant, datetime) else datetime.fromisoformat(str(instant))
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).date()


def end_of_day_utc(day: date, tz: str) -> datetime:
    """Naive UTC instant of local midnight after ``day`` in ``tz`` (the storage convention)."""
    local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC).replace(tzinfo=None)


def _mean_of_ints(values: list[int]) -> float:
    """``statistics.mean`` of integers, without its per-call Fraction cost: the exact quotient
    (an int when it divides evenly, else the correctly rounded float, as ``mean`` returns)."""
    total, count = sum(values), len(values)
    return total // count if total % count == 0 else total / count


def mean_over_providers(values: Sequence[float], seen: int) -> Measure:
    """The KPI from per-provider values (each the mean over the provider's appointment types)
    and the number of providers ``seen`` with any free slot in the horizon: the exact mean
    (``statistics.mean``), n = d = providers with a value, and the basis sentence."""
    if not values:
        return Measure(value=None)
    count = len(values)
    basis = f"mean over {count} provider{'s' if count != 1 else ''}"
    if seen > count:
        basis += f"; {seen - count} without three free slots in the horizon"
    return Measure(value=mean(values), n=count, d=count, extra={"basis": basis})


def summarise(per_pair: dict[tuple[int, str], int], missing: set[int]) -> tuple[dict[int, float], Measure]:
    """Per-provider means and the mean over providers from ``{(provider, type): days}``;
    ``missing``: the providers seen (those of them without a value are "without three free slots")."""
    by_provider: dict[int, list[int]] = defaultdict(list)
    for (provider, _type), days in per_pair.items():
        by_provider[provider].append(days)
    providers = {p: _mean_of_ints(v) for p, v in by_provider.items()}
    return providers, mean_over_providers(list(providers.values()), len(missing | set(providers)))


MEASURED_HORIZONS = (90,)  # horizons whose answers the slot refresh stores in kpi_measure_daily


def measure_component(horizon_days: int) -> str:
    """The ``kpi_measure_daily`` component of third next available with this horizon."""
    return f"third-next-available:h{horizon_days}"


class ThirdNextAvailableKpi(KpiImpl):
    kpi_id = "third-next-available"

    def __init__(self, horizon_days: int = 90):
        self.horizon = horizon_days

    def latest(self, session: Session, scope: Scope) -> date | None:
        """The latest day whose free/busy can be reconstructed: the last publication or booking."""
        return session_memo(session, (self.kpi_id, "latest", scope),
                            lambda: self._latest(session, scope))

    def _latest(self, session: Session, scope: Scope) -> date | None:
        # dates are clinic-local (docs/formats/slots.md): the latest day is the clinic-local date
        # of each clinic's last publication or booking, the latest of those over the scope
        if is_fresh(session, ("slots",)):
            p = SlotProviderSummary
            conds = scope_conditions({"clinic": p.clinic_id, "provider": p.provider_id}, scope)
            stmt = select(p.clinic_id, func.max(p.last_created_at), func.max(p.last_booked_at)).where(*conds)
            stmt = stmt.group_by(p.clinic_id)
        else:
            conds = scope_conditions(_DIMS, scope)
            stmt = select(Slot.clinic_id, func.max(Slot.created_at), func.max(Slot.booked_at)).where(*conds)
            stmt = stmt.group_by(Slot.clinic_id)
        rows = session.execute(stmt).all()
        if not rows:
            return None
        zones = dict(session.execute(select(Clinic.id, Clinic.timezone).where(
            Clinic.id.in_([r[0] for r in rows]))).all())
        days = [local_date(max(v for v in (made, booked) if v is not None), zones.get(cid) or "UTC")
                for cid, made, booked in rows if made is not None or booked is not None]
        return max(days) if days else None

    def _zones(self, session: Session, scope: Scope) -> dict[str, list[int]]:
        stmt = select(Clinic.timezone, Clinic.id)
        if scope.clinic_ids is not None:
            stmt = stmt.where(Clinic.id.in_(scope.clinic_ids))
        zones: dict[str, list[int]] = defaultdict(list)
        for tz, cid in session.execute(stmt):
            zones[tz].append(cid)
        return zones

    def pairs(self, session: Session, scope: Scope, day: date) -> tuple[dict[tuple[int, str], int], set[int], dict[int, int]]:
        """``({(provider, type): days}, providers seen, provider → clinic)`` on measurement ``day``."""
        return self.pairs_on(session, scope, [day])[day]

    def pairs_on(self, session: Session, scope: Scope,
                 days: Sequence[date]) -> dict[date, tuple[dict[tuple[int, str], int], set[int], dict[int, int]]]:
        """:meth:`pairs` for several measurement days: from ``tna_daily`` when it is fresh and
        covers them all (one query), else from the slots, day by day."""
        wanted = sorted(set(days))
        if wanted and self._covered(session, scope, wanted[0], wanted[-1]):
            t = TnaDaily
            stmt = (select(t.measure_date, t.clinic_id, t.provider_id, t.appointment_type, t.first_free_date,
                           t.third_free_date)
                    .where(t.measure_date.in_(wanted), *scope_conditions({"clinic": t.clinic_id, "provider": t.provider_id},
                                                                         scope)))
            out: dict[date, tuple[dict[tuple[int, str], int], set[int], dict[int, int]]] = {
                d: ({}, set(), {}) for d in wanted}
            limit = timedelta(days=self.horizon)
            dates: dict[Any, date] = {}  # a few hundred distinct values among thousands of rows

            def as_date(value: Any) -> date:
                found = dates.get(value)
                if found is None:
                    found = dates[value] = _as_date(value)
                return found

            for measured, clinic_id, provider, kind, first, third in session.execute(stmt):
                measured = as_date(measured)
                if as_date(first) - measured > limit:
                    continue
                per_pair, seen, clinic_of = out[measured]
                seen.add(provider)
                clinic_of[provider] = clinic_id
                if third is not None and (gap := (as_date(third) - measured).days) <= self.horizon:
                    per_pair[(provider, kind)] = gap
            return out
        return {d: self._pairs_raw(session, scope, d) for d in wanted}

    def _covered(self, session: Session, scope: Scope, first: date, last: date) -> bool:
        """True when ``tna_daily`` is fresh and holds every provider in scope on [first, last]."""
        if not is_fresh(session, ("slots",)):
            return False
        p = SlotProviderSummary
        conds = scope_conditions({"clinic": p.clinic_id, "provider": p.provider_id}, scope)
        gaps = session.execute(select(func.count()).select_from(p).where(
            *conds, or_(p.covered_to < last, and_(p.open_before.is_(True), p.covered_from > first)))).scalar()
        return not gaps

    def _pairs_raw(self, session: Session, scope: Scope,
                   day: date) -> tuple[dict[tuple[int, str], int], set[int], dict[int, int]]:
        free_by_zone = [and_(Slot.clinic_id.in_(ids),
                             or_(Slot.created_at.is_(None), Slot.created_at < end_of_day_utc(day, tz)),
                             or_(Slot.booked_at.is_(None), Slot.booked_at >= end_of_day_utc(day, tz)))
                        for tz, ids in self._zones(session, scope).items()]
        if not free_by_zone:
            return {}, set(), {}
        rn = func.row_number().over(partition_by=(Slot.provider_id, Slot.appointment_type),
                                    order_by=(Slot.slot_date, Slot.start_at)).label("rn")
        inner = (select(Slot.clinic_id, Slot.provider_id, Slot.appointment_type, Slot.slot_date, rn)
                 .where(Slot.slot_date >= day, Slot.slot_date <= day + timedelta(days=self.horizon),
                        Slot.state != "blocked", or_(*free_by_zone), *scope_conditions(_DIMS, scope))
                 .subquery())
        rows = session.execute(select(inner.c.clinic_id, inner.c.provider_id, inner.c.appointment_type,
                                      inner.c.slot_date, inner.c.rn).where(inner.c.rn <= 3)).all()
        per_pair: dict[tuple[int, str], int] = {}
        clinic_of: dict[int, int] = {}
        seen: set[int] = set()
        for clinic_id, provider, kind, slot_date, n in rows:
            seen.add(provider)
            clinic_of[provider] = clinic_id
            if n == 3:
                per_pair[(provider, kind)] = (_as_date(slot_date) - day).days
        return per_pair, seen, clinic_of

    def known_through(self, session: Session, scope: Scope) -> date | None:
        """The last day whose free/busy is known: the newest publication or booking, or the
        clinic-local day the slot feed was last loaded when that is later (nothing was booked
        or published in between, so the schedule then is the one loaded). Issue 16: a Monday
        after a quiet weekend is answered, not "no data"."""
        latest = self.latest(session, scope)
        if latest is None:
            return None

        def loaded() -> date | None:
            at = session.execute(select(func.max(FeedLoad.finished_at)).where(FeedLoad.feed == "slots")).scalar()
            if at is None:
                return None
            zones = {tz for tz, _ in self._zones(session, scope).items()}
            return local_date(at, zones.pop() if len(zones) == 1 else "UTC")

        day = session_memo(session, (self.kpi_id, "loaded"), loaded)
        return latest if day is None else max(latest, day)

    def _day(self, session: Session, scope: Scope, end: date | None) -> date | None:
        latest = self.latest(session, scope)
        if latest is None:
            return None
        if end is None or end <= latest:
            return latest if end is None else end
        known = self.known_through(session, scope)
        return min(end, known or latest)

    def measure(self, session: Session, scope: Scope, start: date | None, end: date | None) -> Measure:
        day = self._day(session, scope, end)
        if day is None or (start is not None and day < start):
            return Measure(value=None)
        return self.measures_on(session, scope, [day])[day]

    def series(self, session: Session, scope: Scope, buckets: Sequence[Bucket]) -> list[Measure]:
        latest = self.known_through(session, scope)
        days = [None if latest is None or latest < s else min(e, latest) for s, e in buckets]
        found = self.measures_on(session, scope, [d for d in days if d is not None])
        return [Measure(value=None) if day is None else found[day] for day in days]

    def measures_on(self, session: Session, scope: Scope, days: Sequence[date]) -> dict[date, Measure]:
        """The KPI on each measurement day: the stored answers (``kpi_measure_daily``) for the
        network or one clinic at a stored horizon when ``tna_daily`` covers the days, else
        computed from :meth:`pairs_on`."""
        wanted = sorted(set(days))
        if (wanted and self.horizon in MEASURED_HORIZONS and scope.provider_id is None
                and (scope.clinic_ids is None or len(scope.clinic_ids) == 1)
                and self._covered(session, scope, wanted[0], wanted[-1])):
            return stored_measures(session, measure_component(self.horizon), scope, wanted)
        out = {}
        for day, (per_pair, seen, _) in self.pairs_on(session, scope, wanted).items():
            m = summarise(per_pair, seen)[1]
            m.first = m.last = day if m.has_data else None
            out[day] = m
        return out

    def breakdown(self, session: Session, scope: Scope, start: date | None, end: date | None,
                  dim: str) -> list[tuple[Any, Measure]]:
        day = self._day(session, scope, end)
        if day is None:
            return []
        per_pair, seen, clinic_of = self.pairs(session, scope, day)
        providers, _ = summarise(per_pair, seen)
        if dim == "provider":
            return [(p, Measure(value=v, n=1, d=1, first=day, last=day)) for p, v in providers.items()]
        groups: dict[int, list[float]] = defaultdict(list)
        for p, v in providers.items():
            groups[clinic_of[p]].append(v)
        return [(c, Measure(value=mean(v), n=len(v), d=len(v), first=day, last=day,
                            extra={"basis": f"mean over {len(v)} providers"})) for c, v in groups.items()]


def tna_kpis(horizon_days: int = 90) -> list[KpiImpl]:
    return [ThirdNextAvailableKpi(horizon_days)]
