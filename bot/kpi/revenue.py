"""Revenue-cycle KPIs (HFMA MAP Keys unless noted): clean claim rate, first-pass resolution,
denial rate, initial denial rate, days in A/R, net collection rate, denial write-off rate and
point-of-service collections. Money is summed in integer cents in SQL.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal_column, select
from sqlalchemy.orm import Session

from bot.kpi.base import Bucket, KpiImpl, Measure, RatioKpi, RatioSpec, Scope, _as_date, latest_day, range_conditions, \
    scope_conditions
from bot.kpi.periods import unit_bounds
from storage.models import ArSnapshot, Claim, Clinic, LedgerEntry, Remittance

PAYMENTS = ("payer_payment", "patient_payment")
ONE = literal_column("1")


def clean_claim_spec() -> RatioSpec:
    """Clean claim rate (HFMA): clean claims ÷ claims entered for billing, by creation date."""
    return RatioSpec(source=Claim.__table__, day=Claim.created_date, n=case((Claim.clean.is_(True), 1), else_=0),
                     d=ONE, dims={"clinic": Claim.clinic_id, "provider": Claim.provider_id, "payer": Claim.payer_id})


_REMIT_DIMS = {"clinic": Remittance.clinic_id, "payer": Remittance.payer_id}
_FIRST = (Remittance.is_first.is_(True), Remittance.excluded.is_(False))


def denial_spec() -> RatioSpec:
    """Denial rate (HFMA remittance denial rate): first remittances that deny ÷ first
    remittances (distinct claims per payer), reversals and duplicates excluded (``excluded``)."""
    return RatioSpec(source=Remittance.__table__, day=Remittance.remit_date,
                     n=case((Remittance.is_denial.is_(True), 1), else_=0), d=ONE, dims=_REMIT_DIMS, where=_FIRST)


def first_pass_spec() -> RatioSpec:
    """First-pass resolution: first remittances paid with no claim- or line-level denial
    (CLP02 1–3, paid > 0) ÷ claims adjudicated (first remittances, exclusions as denial rate)."""
    paid = and_(Remittance.is_denial.is_(False), Remittance.line_denials == 0, Remittance.paid_cents > 0,
                Remittance.claim_status_code.in_(("1", "2", "3")))
    return RatioSpec(source=Remittance.__table__, day=Remittance.remit_date, n=case((paid, 1), else_=0), d=ONE,
                     dims=_REMIT_DIMS, where=_FIRST)


def _ledger(kinds_n: dict[str, int], kinds_d: dict[str, int], where: tuple[Any, ...] = ()) -> RatioSpec:
    def signed(kinds: dict[str, int]) -> Any:
        return case(*[(LedgerEntry.kind == k, LedgerEntry.amount_cents * s) for k, s in kinds.items()], else_=0)

    return RatioSpec(source=LedgerEntry.__table__, day=LedgerEntry.posted_date, n=signed(kinds_n), d=signed(kinds_d),
                     dims={"clinic": LedgerEntry.clinic_id, "payer": LedgerEntry.payer_id},
                     where=(LedgerEntry.kind.in_(set(kinds_n) | set(kinds_d)), *where))


NPSR = {"charge": 1, "contractual_adjustment": -1}  # net patient service revenue


def net_collection_spec() -> RatioSpec:
    """Net (adjusted) collection rate (MGMA): (payments − refunds) ÷ (charges − contractual
    adjustments); bad debt and write-offs are not subtracted from D."""
    return _ledger({"payer_payment": 1, "patient_payment": 1, "refund": -1}, NPSR)


def write_off_spec() -> RatioSpec:
    """Denial write-off rate: denial write-offs ÷ net patient service revenue."""
    return _ledger({"denial_write_off": 1}, NPSR)


def pos_spec() -> RatioSpec:
    """Point-of-service collection rate: patient payments taken at or before the service
    (``at_service``) ÷ all patient payments."""
    at = and_(LedgerEntry.kind == "patient_payment", LedgerEntry.at_service.is_(True))
    return RatioSpec(source=LedgerEntry.__table__, day=LedgerEntry.posted_date,
                     n=case((at, LedgerEntry.amount_cents), else_=0), d=LedgerEntry.amount_cents,
                     dims={"clinic": LedgerEntry.clinic_id, "payer": LedgerEntry.payer_id},
                     where=(LedgerEntry.kind == "patient_payment",))


def days_in_ar(net_ar_cents: float, revenue_cents: float, calendar_days: int) -> float | None:
    """HFMA net days in A/R: net A/R ÷ (revenue of the last three months ÷ their calendar days).
    kpis.md worked example: 450,000 ÷ (900,000 / 90) = 45.0 days. None when revenue ≤ 0."""
    if revenue_cents <= 0 or calendar_days <= 0:
        return None
    return net_ar_cents / (revenue_cents / calendar_days)


def three_months_ending(day: date) -> tuple[date, date]:
    """The three calendar months ending with ``day``'s month when ``day`` is a month end, else
    the three whole months before ``day``'s month."""
    last_of_month = day.day == calendar.monthrange(day.year, day.month)[1]
    end = day if last_of_month else day.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    for _ in range(2):
        start = (start - timedelta(days=1)).replace(day=1)
    return start, end


def _rollup_plan(session: Session, component: str, scope: Scope) -> Any:
    """The ``kpi_daily`` plan for ``component`` when it is fresh and has a grain for ``scope``."""
    from bot.kpi import rollup_read
    from bot.kpi.components import components

    p = rollup_read.plan(component, scope)
    return p if p is not None and rollup_read.is_fresh(session, components()[component].feeds) else None


class DaysInArKpi(KpiImpl):
    """Net A/R at the period end (latest snapshot per clinic on or before it, summed) ÷ average
    daily NPSR of the three calendar months ending there (HFMA MAP Key AR-5)."""

    kpi_id = "days-in-ar"

    def latest(self, session: Session, scope: Scope) -> date | None:
        v = session.execute(select(func.max(ArSnapshot.as_of_date)).where(
            *scope_conditions({"clinic": ArSnapshot.clinic_id}, scope))).scalar()
        return _as_date(v) if v is not None else None

    def measure(self, session: Session, scope: Scope, start: date | None, end: date | None) -> Measure:
        return self._at(session, scope, start, end, self.latest(session, scope))

    def series(self, session: Session, scope: Scope, buckets: Sequence[Bucket]) -> list[Measure]:
        latest = self.latest(session, scope)
        return [self._at(session, scope, s, e, latest) for s, e in buckets]

    def _at(self, session: Session, scope: Scope, start: date | None, end: date | None,
            latest: date | None) -> Measure:
        if latest is None:
            return Measure(value=None)
        day = latest if end is None else min(end, latest)
        if start is not None and day < start:
            return Measure(value=None)
        # each clinic's latest snapshot on or before the day: one index seek per clinic
        a = ArSnapshot
        newest = (select(a.net_ar_cents).where(a.clinic_id == Clinic.id, a.as_of_date <= day)
                  .order_by(a.as_of_date.desc()).limit(1).scalar_subquery())
        # select_from(Clinic): without it, an unscoped (network) question has no Clinic in the
        # outer FROM, the subquery stops correlating and sums one clinic's snapshot only
        ar = session.execute(select(func.sum(newest)).select_from(Clinic).where(
            *scope_conditions({"clinic": Clinic.id}, scope))).scalar()
        r_start, r_end = three_months_ending(day)
        p = _rollup_plan(session, "write-off-rate", scope)  # its denominator is the NPSR
        if p is not None:
            from bot.kpi import rollup_read

            revenue = rollup_read.total(session, p, r_start, r_end)[1]
        else:
            spec = _ledger(NPSR, NPSR)
            revenue = session.execute(select(func.sum(spec.d)).where(
                *spec.where, *scope_conditions(spec.dims, scope), *range_conditions(spec.day, r_start, r_end))).scalar()
        days = (r_end - r_start).days + 1
        value = days_in_ar(float(ar or 0), float(revenue or 0), days)
        if value is None:
            return Measure(value=None)
        basis = (f"net A/R {float(ar or 0) / 100:,.0f} USD on {day:%Y-%m-%d} ÷ "
                 f"({float(revenue) / 100:,.0f} USD net revenue {r_start:%Y-%m-%d}..{r_end:%Y-%m-%d} / {days} days)")
        return Measure(value=value, n=float(ar or 0), d=float(revenue), first=day, last=day, extra={"basis": basis})

    def breakdown(self, session: Session, scope: Scope, start: date | None, end: date | None,
                  dim: str) -> list[tuple[Any, Measure]]:
        ids = scope.clinic_ids or tuple(session.execute(select(ArSnapshot.clinic_id).distinct()).scalars())
        return [(cid, self.measure(session, Scope(clinic_ids=(cid,)), start, end)) for cid in ids]


class InitialDenialRateKpi(KpiImpl):
    """Initial denial rate (HFMA Claim Integrity Task Force): initial denials (first remittances
    that deny) in the period ÷ claims submitted per month averaged over the three months before
    the period, times the number of months the period spans."""

    kpi_id = "initial-denial-rate"

    def latest(self, session: Session, scope: Scope) -> date | None:
        return RatioKpi("denial-rate", denial_spec, "denial-rate").latest(session, scope)

    def measure(self, session: Session, scope: Scope, start: date | None, end: date | None) -> Measure:
        spec = denial_spec()
        denied = _rollup_plan(session, "denial-rate", scope)
        if denied is not None:
            from bot.kpi import rollup_read

            n, first, last = rollup_read.days_with_numerator(session, denied, start, end)
        else:
            denials = session.execute(
                select(func.sum(spec.n), func.min(spec.day), func.max(spec.day)).where(
                    *spec.where, Remittance.is_denial.is_(True), *scope_conditions(spec.dims, scope),
                    *range_conditions(spec.day, start, end))).one()
            n, first, last = float(denials[0] or 0), denials[1], denials[2]
        if first is None:
            return Measure(value=None)
        first, last = _as_date(first), _as_date(last)
        p_start = start or first
        p_end = end or last
        months = (p_end.year - p_start.year) * 12 + p_end.month - p_start.month + 1
        b_end = p_start.replace(day=1) - timedelta(days=1)
        b_start = unit_bounds(b_end, "month")[0]
        for _ in range(2):
            b_start = unit_bounds(b_start - timedelta(days=1), "month")[0]
        sent = _rollup_plan(session, "claims-submitted", scope)
        if sent is not None:
            from bot.kpi import rollup_read

            submitted = int(rollup_read.total(session, sent, b_start, b_end)[1])
        else:
            submitted = session.execute(select(func.count()).select_from(Claim).where(
                Claim.submitted_date.is_not(None), *range_conditions(Claim.submitted_date, b_start, b_end),
                *scope_conditions({"clinic": Claim.clinic_id, "payer": Claim.payer_id}, scope))).scalar() or 0
        if not submitted:
            return Measure(value=None, extra={"why": "no claims submitted in the three months before"})
        d = submitted / 3 * months
        return Measure(value=n / d, n=n, d=d, first=first, last=last,
                       extra={"basis": f"{n:,.0f} initial denials ÷ {submitted:,} claims submitted "
                                       f"{b_start:%Y-%m}..{b_end:%Y-%m} (÷ 3 × {months} months)"})

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


def revenue_kpis() -> list[KpiImpl]:
    return [
        RatioKpi("clean-claim-rate", clean_claim_spec, "clean-claim-rate"),
        RatioKpi("denial-rate", denial_spec, "denial-rate"),
        RatioKpi("first-pass-resolution", first_pass_spec, "first-pass-resolution"),
        RatioKpi("net-collection-rate", net_collection_spec, "net-collection-rate"),
        RatioKpi("write-off-rate", write_off_spec, "write-off-rate"),
        RatioKpi("point-of-service-collection-rate", pos_spec, "point-of-service-collection-rate"),
        DaysInArKpi(),
        InitialDenialRateKpi(),
    ]
