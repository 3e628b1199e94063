"""Net (adjusted) collection rate (MGMA): (payments − refunds) ÷ (charges − contractual
adjustments), and who a patient payment belongs to when the rate is read by payer.

A payer's allowed amount (its charges less contractual adjustments, the denominator) includes
the patient's share — copay, coinsurance, deductible — so the patient payments on that payer's
claims belong to that payer's numerator (MGMA/HFMA compute the adjusted collection rate per
financial class on the same accounts in N and D). The ledger says so only when a patient payment
is linked to its claim (``LedgerEntry.claim_id``): it is then attributed to the claim's payer.
A patient payment with neither payer nor claim (the daily journal's patient batch) cannot be
told apart between a self-pay visit and an insured patient's balance; counted as self-pay it
paired every patient's payments with the self-pay charges alone and showed self-pay above 100 %.
So the self-pay / no-payer row of a by-payer breakdown gets no rate when such payments meet
insured charges in the period: it is listed, unranked, with why; those payments stay in the
clinic and network rates.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from bot.kpi.base import UNRANKED, Measure, RatioSpec, Scope, range_conditions, scope_conditions
from bot.kpi.ratio import RatioKpi
from bot.kpi.revenue import NPSR, ledger_spec
from storage.models import Claim, LedgerEntry

_SOURCE = LedgerEntry.__table__.outerjoin(Claim.__table__, LedgerEntry.claim_id == Claim.id)
_PAYER = func.coalesce(LedgerEntry.payer_id, Claim.payer_id)  # a linked patient payment: its claim's payer
_DIMS = {"clinic": LedgerEntry.clinic_id, "payer": _PAYER}


def net_collection_spec() -> RatioSpec:
    """Net (adjusted) collection rate (MGMA): (payer and patient payments − refunds) ÷ (charges −
    contractual adjustments); bad debt and write-offs are not subtracted from D (kpis.md). Payer
    dimension: the entry's payer, else its claim's payer (module doc)."""
    spec = ledger_spec({"payer_payment": 1, "patient_payment": 1, "refund": -1}, NPSR)
    return replace(spec, source=_SOURCE, dims=_DIMS)


class NetCollectionKpi(RatioKpi):
    """:class:`RatioKpi` whose by-payer breakdown does not rate unattributable patient payments."""

    def __init__(self) -> None:
        super().__init__("net-collection-rate", net_collection_spec, "net-collection-rate")

    def breakdown(self, session: Session, scope: Scope, start: date | None, end: date | None,
                  dim: str) -> list[tuple[Any, Measure]]:
        rows = super().breakdown(session, scope, start, end, dim)
        if dim != "payer":
            return rows
        unlinked, insured = _unattributed(session, scope, start, end)
        if not (unlinked and insured):
            return rows
        why = (f"not attributable: {unlinked / 100:,.0f} USD of patient payments carry neither payer nor claim, so "
               "they cannot be split between self-pay visits and insured patients' copays and balances; they "
               "count in the clinic and network rates only (a payer's rate counts its payments and the patient "
               "payments linked to its claims)")
        return [(k, Measure(value=None, n=m.n, d=m.d, extra={UNRANKED: why}) if k is None else m) for k, m in rows]


def _unattributed(session: Session, scope: Scope, start: date | None, end: date | None) -> tuple[float, float]:
    """(cents of patient payments with neither payer nor claim, cents of charges with a payer) in
    scope over [start, end]; a patient payment linked to a claim without a payer is that self-pay
    claim's, not unattributed. One query on the ledger."""
    e = LedgerEntry
    loose = and_(e.kind == "patient_payment", e.payer_id.is_(None), e.claim_id.is_(None))
    stmt = (select(func.sum(case((loose, e.amount_cents), else_=0)),
                   func.sum(case((and_(e.kind == "charge", _PAYER.is_not(None)), e.amount_cents), else_=0)))
            .select_from(_SOURCE)
            .where(e.kind.in_(("patient_payment", "charge")), *scope_conditions(_DIMS, scope),
                   *range_conditions(e.posted_date, start, end)))
    unlinked, insured = session.execute(stmt).one()
    return float(unlinked or 0), float(insured or 0)
