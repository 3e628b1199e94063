"""Revenue-cycle KPIs (HFMA MAP Keys unless noted): clean claim rate, first-pass resolution,
denial rate, net collection rate (:mod:`bot.kpi.net_collection`), denial write-off rate and point-of-service collections, and
the formulas of days in A/R; days in A/R and the initial denial rate themselves live in
:mod:`bot.kpi.revenue_windows`. Money is summed in integer cents in SQL.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnClause, and_, case, literal_column

from bot.kpi.base import KpiImpl, RatioSpec
from bot.kpi.denial_breakdown import DenialRateKpi
from bot.kpi.ratio import RatioKpi
from storage.models import Claim, LedgerEntry, Remittance

PAYMENTS = ("payer_payment", "patient_payment")
ONE: ColumnClause[Any] = literal_column("1")


def clean_claim_spec() -> RatioSpec:
    """Clean claim rate (HFMA): clean claims ÷ claims entered for billing, by creation date."""
    return RatioSpec(source=Claim.__table__, day=Claim.created_date, n=case((Claim.clean.is_(True), 1), else_=0),
                     d=ONE, dims={"clinic": Claim.clinic_id, "provider": Claim.provider_id, "payer": Claim.payer_id})


def submitted_spec() -> RatioSpec:
    """Claims submitted per submission date (the initial denial rate's denominator base)."""
    return RatioSpec(source=Claim.__table__, day=Claim.submitted_date, n=ONE, d=ONE,
                     dims={"clinic": Claim.clinic_id, "payer": Claim.payer_id},
                     where=(Claim.submitted_date.is_not(None),))


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


def ledger_spec(kinds_n: dict[str, int], kinds_d: dict[str, int], where: tuple[Any, ...] = ()) -> RatioSpec:
    """Σ signed amounts of the ``kinds_n`` entries ÷ those of the ``kinds_d`` entries (sign per kind)."""
    def signed(kinds: dict[str, int]) -> Any:
        return case(*[(LedgerEntry.kind == k, LedgerEntry.amount_cents * s) for k, s in kinds.items()], else_=0)

    return RatioSpec(source=LedgerEntry.__table__, day=LedgerEntry.posted_date, n=signed(kinds_n), d=signed(kinds_d),
                     dims={"clinic": LedgerEntry.clinic_id, "payer": LedgerEntry.payer_id},
                     where=(LedgerEntry.kind.in_(set(kinds_n) | set(kinds_d)), *where))


NPSR = {"charge": 1, "contractual_adjustment": -1}  # net patient service revenue


def write_off_spec() -> RatioSpec:
    """Denial write-off rate: denial write-offs ÷ net patient service revenue."""
    return ledger_spec({"denial_write_off": 1}, NPSR)


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


#: claims submitted per day, a sum the initial denial rate reads that is no KPI of its own
CLAIMS_SUBMITTED = RatioKpi("claims-submitted", submitted_spec, "claims-submitted", feeds=("claims",))


def revenue_kpis() -> list[KpiImpl]:
    """The revenue-cycle ratio KPIs (days in A/R and the initial denial rate, which read these
    over windows, are in :mod:`bot.kpi.revenue_windows`; the net collection rate in
    :mod:`bot.kpi.net_collection`)."""
    return [
        RatioKpi("clean-claim-rate", clean_claim_spec, "clean-claim-rate"),
        DenialRateKpi("denial-rate", denial_spec, "denial-rate"),
        RatioKpi("first-pass-resolution", first_pass_spec, "first-pass-resolution"),
        RatioKpi("write-off-rate", write_off_spec, "write-off-rate"),
        RatioKpi("point-of-service-collection-rate", pos_spec, "point-of-service-collection-rate"),
    ]
