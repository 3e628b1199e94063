"""Revenue KPIs measured over look-back windows: days in A/R (HFMA MAP Key AR-5) and the initial
denial rate (HFMA Claim Integrity Task Force).

A value and its 12-point trend are answered together: the daily sums they need (net patient
service revenue, denials, claims submitted) are read once for the whole span, from the
``kpi_daily`` roll-up while fresh or from the raw rows (:meth:`bot.kpi.ratio.RatioKpi.daily`
chooses), and summed per window in Python. The sums are integer cents and counts, so the
answers are the same whichever source and grouping is used.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, func, literal, select, true, union_all
from sqlalchemy.orm import Session

from bot.kpi import rollup_read
from bot.kpi.base import Bucket, KpiImpl, Measure, Scope, _as_date, covering_range, scope_conditions, session_memo
from bot.kpi.coverage import (
    CADENCE_DAYS,
    covered_days,
    data_start,
    minimum_days,
    not_enough,
    pooled_daily,
    short_history,
    short_note,
    starts_apart,
)
from bot.kpi.periods import shift_date
from bot.kpi.ratio import RatioKpi
from bot.kpi.revenue import CLAIMS_SUBMITTED, days_in_ar, denial_spec, three_months_ending, write_off_spec
from storage.models import ArSnapshot, Claim, Clinic, LedgerEntry, Remittance

Range = tuple[date | None, date | None]
Daily = list[tuple[date, float, float]]


def _sum_d(daily: Daily, lo: date, hi: date) -> float:
    return sum(d for day, _, d in daily if lo <= day <= hi)


class DaysInArKpi(KpiImpl):
    """Net A/R at the period end (latest snapshot per clinic on or before it, summed) ÷ average
    daily NPSR of the three calendar months ending there (HFMA MAP Key AR-5). The NPSR is the
    denominator of the ``write-off-rate`` component."""

    kpi_id = "days-in-ar"
    _npsr = RatioKpi("write-off-rate", write_off_spec, "write-off-rate")

    def latest(self, session: Session, scope: Scope) -> date | None:
        def newest() -> date | None:
            v = session.execute(select(func.max(ArSnapshot.as_of_date)).where(
                *scope_conditions({"clinic": ArSnapshot.clinic_id}, scope))).scalar()
            return _as_date(v) if v is not None else None

        return session_memo(session, (self.kpi_id, "latest", scope), newest)

    def measure(self, session: Session, scope: Scope, start: date | None, end: date | None) -> Measure:
        return self._many(session, scope, [(start, end)])[0]

    def series(self, session: Session, scope: Scope, buckets: Sequence[Bucket]) -> list[Measure]:
        return self._many(session, scope, list(buckets)) if buckets else []

    def _many(self, session: Session, scope: Scope, ranges: list[Range]) -> list[Measure]:
        latest = self.latest(session, scope)
        days: dict[int, date] = {}
        for i, (start, end) in enumerate(ranges):
            day = latest if end is None or latest is None else min(end, latest)
            if day is not None and (start is None or day >= start):
                days[i] = day
        if not days:
            return [Measure(value=None) for _ in ranges]
        windows = {day: three_months_ending(day) for day in days.values()}
        firsts = ledger_first_days(session, scope)
        if starts_apart(firsts.values(), (w[0] for w in windows.values())):  # ledgers starting apart
            return self._pooled(session, scope, ranges, sorted(firsts))
        ar = self.net_ar(session, scope, sorted(set(days.values())))
        daily = self._npsr.daily(session, scope, min(w[0] for w in windows.values()),
                                 max(w[1] for w in windows.values()))
        first = ledger_first_day(session, scope)
        out = []
        for i in range(len(ranges)):
            day = days.get(i)
            out.append(Measure(value=None) if day is None
                       else self._value(day, ar.get(day), daily, *windows[day], first))
        return out

    def _pooled(self, session: Session, scope: Scope, ranges: list[Range], clinic_ids: list[int]) -> list[Measure]:
        """Network days in A/R over clinics whose ledgers start on different days: Σ net A/R ÷
        Σ each clinic's average daily revenue over the days its own ledger covers
        (:func:`bot.kpi.coverage.pooled_daily`). A clinic below the catalogue's minimum history is
        left out of both sums and named in the basis, as short-history items are for days of supply."""
        per_clinic = [self._many(session, Scope(clinic_ids=(c,), timezone=scope.timezone), ranges) for c in clinic_ids]
        out = []
        for i in range(len(ranges)):
            got = [m[i] for m in per_clinic if m[i].has_data]
            short = sum(1 for m in per_clinic if short_history(m[i]) is not None)
            if not got:
                shortest = [m[i] for m in per_clinic if short_history(m[i]) is not None]
                out.append(max(shortest, key=lambda m: short_history(m) or 0) if shortest else Measure(value=None))
                continue
            ar = sum(m.n for m in got)
            daily = pooled_daily((m.d, int(m.extra["covered_days"])) for m in got)
            day = max(m.last for m in got if m.last)
            left = f"; {short} clinic{'s' if short != 1 else ''} with too short a ledger history left out" if short else ""
            basis = (f"net A/R {ar / 100:,.0f} USD on {day:%Y-%m-%d} ÷ {daily / 100:,.2f} USD a day (the sum of "
                     f"{len(got)} clinics' average daily net revenue, each over the days its own ledger covers){left}")
            out.append(Measure(value=ar / daily if daily > 0 else None, n=ar, d=daily, first=day, last=day,
                               extra={"basis": basis}))
        return out

    @classmethod
    def _value(cls, day: date, ar: float | None, daily: Daily, r_start: date, r_end: date,
               first: date | None) -> Measure:
        """The answer on ``day``: revenue of the window ÷ the days the ledger covers in it (from
        its first record, ``first``; :mod:`bot.kpi.coverage`), "not enough history" below the
        catalogue's minimum."""
        window = (r_end - r_start).days + 1
        n_days = covered_days(first, r_start, r_end)
        if n_days < minimum_days(cls.kpi_id, window):
            return not_enough(cls.kpi_id, n_days, window, "ledger", first, (r_start, r_end))
        revenue = _sum_d(daily, r_start, r_end)
        value = days_in_ar(float(ar or 0), revenue, n_days)
        since = max(r_start, first) if first else r_start
        if value is None and n_days > 0:  # a net revenue ≤ 0 over covered days: no rate, and why (never "no data")
            amount = f"{revenue / 100:,.2f}".replace("-", "−")
            return Measure(value=None, n=float(ar or 0), d=revenue, first=day, last=day, extra={"why": (
                f"not computable: net patient service revenue {since:%Y-%m-%d}..{r_end:%Y-%m-%d} is {amount} USD")})
        if value is None:
            return Measure(value=None)
        basis = (f"net A/R {float(ar or 0) / 100:,.0f} USD on {day:%Y-%m-%d} ÷ "
                 f"({revenue / 100:,.0f} USD net revenue {since:%Y-%m-%d}..{r_end:%Y-%m-%d} / {n_days} days"
                 f"{short_note(n_days, window, 'ledger data')})")
        return Measure(value=value, n=float(ar or 0), d=revenue, first=day, last=day,
                       extra={"basis": basis, "covered_days": n_days})

    @staticmethod
    def net_ar(session: Session, scope: Scope, days: list[date]) -> dict[date, float | None]:
        """Net A/R in scope at the end of each day: every clinic's latest snapshot on or before
        it, summed (None: no snapshot yet). One query: the ``net-ar`` roll-up rows of the days
        while fresh, else an index seek per clinic and day."""
        p = rollup_read.plan("net-ar", scope)
        if p is not None and rollup_read.is_fresh(session, ("ar",)):
            return rollup_read.numerators_on(session, p, days)  # type: ignore[return-value]
        a = ArSnapshot
        wanted = union_all(*[select(literal(day, Date).label("day")) for day in days]).subquery()
        newest = (select(a.net_ar_cents).where(a.clinic_id == Clinic.id, a.as_of_date <= wanted.c.day)
                  .order_by(a.as_of_date.desc()).limit(1).scalar_subquery())
        stmt = (select(wanted.c.day, func.sum(newest)).select_from(Clinic).join(wanted, true())
                .where(*scope_conditions({"clinic": Clinic.id}, scope)).group_by(wanted.c.day))
        return {_as_date(day): (None if v is None else float(v)) for day, v in session.execute(stmt)}

    def breakdown(self, session: Session, scope: Scope, start: date | None, end: date | None,
                  dim: str) -> list[tuple[Any, Measure]]:
        ids = scope.clinic_ids or tuple(session.execute(select(ArSnapshot.clinic_id).distinct()).scalars())
        return [(cid, self.measure(session, Scope(clinic_ids=(cid,)), start, end)) for cid in ids]


def ledger_first_day(session: Session, scope: Scope) -> date | None:
    """Where the ledger's data starts in scope (None: no ledger rows): its first posting day less
    its posting cadence (:func:`bot.kpi.coverage.data_start`; a ledger posted monthly covers the
    month before its first entry). Index seeks on ``ix_ledger_clinic_date_kind``."""
    def first() -> date | None:
        per_clinic = (select(func.min(LedgerEntry.posted_date)).where(LedgerEntry.clinic_id == Clinic.id)
                      .correlate(Clinic).scalar_subquery())
        firsts = select(per_clinic.label("f")).select_from(Clinic).where(
            *scope_conditions({"clinic": Clinic.id}, scope)).subquery()
        v = session.execute(select(func.min(firsts.c.f))).scalar()
        if v is None:
            return None
        day = _as_date(v)
        # the feed's cadence, read from the clinic that posted first (index seeks)
        clinic = session.execute(select(LedgerEntry.clinic_id).where(
            LedgerEntry.posted_date == day, *scope_conditions({"clinic": LedgerEntry.clinic_id}, scope))
            .limit(1)).scalar()
        days = session.execute(select(LedgerEntry.posted_date).where(
            LedgerEntry.clinic_id == clinic, LedgerEntry.posted_date >= day).distinct()
            .order_by(LedgerEntry.posted_date).limit(CADENCE_DAYS)).scalars()
        return data_start(_as_date(d) for d in days)

    return session_memo(session, ("ledger", "first-day", scope), first)


def ledger_first_days(session: Session, scope: Scope) -> dict[int, date]:
    """Each clinic's first ledger posting day in scope (clinics without ledger rows left out).
    One grouped query on ``ix_ledger_clinic_date_kind``."""
    def firsts() -> dict[int, date]:
        rows = session.execute(select(LedgerEntry.clinic_id, func.min(LedgerEntry.posted_date)).where(
            *scope_conditions({"clinic": LedgerEntry.clinic_id}, scope)).group_by(LedgerEntry.clinic_id))
        return {c: _as_date(d) for c, d in rows if d is not None}

    return session_memo(session, ("ledger", "first-days", scope), firsts)


def month_share(first: date, last: date) -> float:
    """Length of ``first..last`` in months: each calendar month touched counts the share of its
    days inside (a whole month = 1.0; 1–7 May = 7/31)."""
    total, day = 0.0, first
    while day <= last:
        days_in = monthrange(day.year, day.month)[1]
        stop = min(last, date(day.year, day.month, days_in))
        total += ((stop - day).days + 1) / days_in
        day = stop + timedelta(days=1)
    return total


class InitialDenialRateKpi(KpiImpl):
    """Initial denial rate (HFMA Claim Integrity Task Force): initial denials (first remittances
    that deny) in the period ÷ claims submitted per month averaged over the three months before
    the period, times the period's length in months (:func:`month_share`: 1 for a calendar month as
    HFMA defines it; a week or a multi-month range is pro-rated by days, so a weekly trend point is
    not a week of denials over a month of submissions)."""

    kpi_id = "initial-denial-rate"
    _denials = RatioKpi("denial-rate", denial_spec, "denial-rate")
    _submitted = CLAIMS_SUBMITTED

    def latest(self, session: Session, scope: Scope) -> date | None:
        return self._denials.latest(session, scope)

    def measure(self, session: Session, scope: Scope, start: date | None, end: date | None) -> Measure:
        return self._many(session, scope, [(start, end)])[0]

    def series(self, session: Session, scope: Scope, buckets: Sequence[Bucket]) -> list[Measure]:
        return self._many(session, scope, list(buckets)) if buckets else []

    def _many(self, session: Session, scope: Scope, ranges: list[Range]) -> list[Measure]:
        denials = [(day, n) for day, n, _ in self._denials.daily(session, scope, *covering_range(ranges)) if n > 0]
        found: dict[int, tuple[float, date, date, float, date, date, date, date]] = {}
        for i, (start, end) in enumerate(ranges):
            if start is None:  # "all data": from the first month that has three months of baseline
                start = self._first_measurable_month(session, scope)
            inside = [(day, n) for day, n in denials if (start is None or day >= start) and (end is None or day <= end)]
            if not inside:
                continue
            first, last = inside[0][0], inside[-1][0]
            p_start, p_end = start or first, end or last
            months = month_share(p_start, p_end)
            b_start, b_end = three_months_ending(p_start.replace(day=1) - timedelta(days=1))
            found[i] = (sum(n for _, n in inside), first, last, months, b_start, b_end, p_start, p_end)
        submitted: Daily = []
        since: date | None = None  # the baseline's months are those the claims feed covers (from its first submission)
        if found:
            submitted = self._submitted.daily(session, scope, min(f[4] for f in found.values()),
                                              max(f[5] for f in found.values()))
            since = self._first_submission(session, scope)
        out = []
        clinics = self._clinics_starting_apart(session, scope, [f[4] for f in found.values()])
        for i in range(len(ranges)):
            if i not in found:
                out.append(Measure(value=None))
                continue
            n, first, last, months, b_start, b_end, p_start, p_end = found[i]
            if clinics:
                out.append(self._pooled(session, scope, clinics, found[i]))
                continue
            window = (b_end - b_start).days + 1
            covered = covered_days(since, b_start, b_end)
            if covered < minimum_days(self.kpi_id, window):
                out.append(not_enough(self.kpi_id, covered, window, "claims submission", since, (b_start, b_end)))
                continue
            sent = int(_sum_d(submitted, b_start, b_end))
            if not sent:
                out.append(Measure(value=None, extra={"why": "no claims submitted in the three months before"}))
                continue
            base_months = month_share(max(b_start, since), b_end) if since else 3.0
            d = sent / base_months * months
            note = short_note(covered, window, "claims submissions")
            out.append(Measure(value=n / d, n=n, d=d, first=first, last=last,
                               extra={"basis": f"{n:,.0f} initial denials ÷ {sent:,} claims submitted "
                                               f"{b_start:%Y-%m}..{b_end:%Y-%m} (÷ {base_months:.2f} × "
                                               f"{months:.2f} months{note})"}))
        return out

    def _clinics_starting_apart(self, session: Session, scope: Scope, baselines: list[date]) -> list[int]:
        """The clinics in scope with claims submitted, when their first submissions cover one of the
        ``baselines`` (first days) unevenly (:func:`bot.kpi.coverage.starts_apart`); else [] and the
        scope is measured as one. One grouped query per session."""
        def firsts() -> dict[int, date]:
            rows = session.execute(select(Claim.clinic_id, func.min(Claim.submitted_date)).where(
                Claim.submitted_date.is_not(None), *scope_conditions(
                    {"clinic": Claim.clinic_id, "provider": Claim.provider_id, "payer": Claim.payer_id}, scope))
                .group_by(Claim.clinic_id))
            return {c: _as_date(d) for c, d in rows if d is not None}

        found: dict[int, date] = session_memo(session, (self.kpi_id, "clinic-firsts", scope), firsts)
        return sorted(found) if starts_apart(found.values(), baselines) else []

    def _pooled(self, session: Session, scope: Scope, clinics: list[int],
                found: tuple[float, date, date, float, date, date, date, date]) -> Measure:
        """The network rate over clinics whose claims feeds start on different days: Σ initial
        denials ÷ Σ each clinic's claims submitted per month over the baseline months its own feed
        covers (× the period's months). Averaging the network's submissions over the months since
        the earliest clinic's start counts a later clinic's months before its feed as months
        without claims, understating D (:mod:`bot.kpi.coverage`). A clinic below the minimum
        history is left out of N and D, and said so."""
        _, first, last, months, b_start, b_end, p_start, p_end = found
        window = (b_end - b_start).days + 1
        sent = {c: m.n for c, m in self._submitted.breakdown(session, scope, b_start, b_end, "clinic")}
        denied = {c: m.n for c, m in self._denials.breakdown(session, scope, p_start, p_end, "clinic")}
        n = d = 0.0
        short: list[tuple[int, date | None]] = []
        for c in clinics:
            since = self._first_submission(session, Scope(clinic_ids=(c,), timezone=scope.timezone))
            covered = covered_days(since, b_start, b_end)
            if covered < minimum_days(self.kpi_id, window):
                short.append((covered, since))
            elif since is not None and sent.get(c):
                n += denied.get(c, 0)
                d += sent[c] / month_share(max(b_start, since), b_end) * months
        if not d:
            if short:
                covered, since = max(short, key=lambda x: x[0])
                return not_enough(self.kpi_id, covered, window, "claims submission", since, (b_start, b_end))
            return Measure(value=None, extra={"why": "no claims submitted in the three months before"})
        left = f"; {len(short)} clinic{'s' if len(short) != 1 else ''} with too short a claims history left out" if short else ""
        return Measure(value=n / d, n=n, d=d, first=first, last=last, extra={"basis": (
            f"{n:,.0f} initial denials ÷ {d:,.1f} claims submitted (each clinic's monthly submissions "
            f"{b_start:%Y-%m}..{b_end:%Y-%m} over the months its own claims feed covers, × {months:.2f} months){left}")})

    def _first_submission(self, session: Session, scope: Scope) -> date | None:
        """The first day with a claim submitted in scope (None: none)."""
        def first() -> date | None:
            days = [day for day, n, d in self._submitted.daily(session, scope, None, None) if n or d]
            return data_start(days)  # the first submission less the feed's cadence

        return session_memo(session, (self.kpi_id, "first-submission", scope), first)

    def _first_measurable_month(self, session: Session, scope: Scope) -> date | None:
        """First day of the month three months after the first claim submission in scope (the
        first month whose three-month submission baseline lies inside the data); None = none."""
        since = self._first_submission(session, scope)
        return None if since is None else shift_date(since.replace(day=1), "month", 3)

    def breakdown(self, session: Session, scope: Scope, start: date | None, end: date | None,
                  dim: str) -> list[tuple[Any, Measure]]:
        col = {"clinic": Remittance.clinic_id, "payer": Remittance.payer_id}[dim]
        keys = [k for k in session.execute(select(col).distinct()).scalars() if k is not None]
        out = []
        for key in keys:
            sub = Scope(**{**scope.__dict__, f"{dim}_id" if dim != "clinic" else "clinic_ids":
                           key if dim != "clinic" else (key,)})
            out.append((key, self.measure(session, sub, start, end)))
        return out
