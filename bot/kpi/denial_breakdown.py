"""Denial rate broken down by root-cause category or by reason code (CARC).

Each row's numerator is the first remittances that deny with that category (or whose naming
CARC is that code); the denominator is every first remittance in scope and period (the denial
rate's own denominator), so the rows add up to the denial rate. The naming CARC is the one
:func:`bot.denials.classify_claim` uses: the denial adjustment (positive amount, CARC outside the
cost-share/contractual set) with the largest amount, the first on ties. Categories come from
:mod:`bot.denial_codes` (X12 CARC/RARC code lists, grouped per shared/spec/denials.md).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.denial_codes import CATEGORIES, NON_DENIAL_CARCS, carc_label
from bot.kpi.base import Measure, Scope, range_conditions, scope_conditions
from bot.kpi.ratio import RatioKpi
from storage.models import Remittance, RemittanceAdjustment

DIMS = ("category", "reason")
_REMIT_DIMS = {"clinic": Remittance.clinic_id, "payer": Remittance.payer_id}


def _first(scope: Scope, start: date | None, end: date | None) -> list[Any]:
    return [Remittance.is_first.is_(True), Remittance.excluded.is_(False),
            *scope_conditions(_REMIT_DIMS, scope), *range_conditions(Remittance.remit_date, start, end)]


def naming_carcs(session: Session, where: list[Any]) -> dict[int, str]:
    """Remittance id → the CARC that names its denial, for denied remittances matching ``where``."""
    stmt = (select(RemittanceAdjustment.remittance_id, RemittanceAdjustment.carc, RemittanceAdjustment.amount_cents)
            .join(Remittance, Remittance.id == RemittanceAdjustment.remittance_id)
            .where(Remittance.is_denial.is_(True), RemittanceAdjustment.amount_cents > 0, *where)
            .order_by(RemittanceAdjustment.remittance_id, RemittanceAdjustment.id))
    best: dict[int, tuple[int, str]] = {}
    for rid, carc, amount in session.execute(stmt):
        if carc in NON_DENIAL_CARCS or carc == "18":
            continue
        if rid not in best or amount > best[rid][0]:
            best[rid] = (amount, carc)
    return {rid: carc for rid, (_, carc) in best.items()}


def denial_breakdown(session: Session, scope: Scope, start: date | None, end: date | None,
                     dim: str) -> list[tuple[Any, Measure]]:
    """``[(category id or CARC, Measure(n = denials, d = first remittances))]`` over [start, end]."""
    where = _first(scope, start, end)
    total = session.execute(select(func.count()).select_from(Remittance).where(*where)).scalar() or 0
    if not total:
        return []
    if dim == "category":
        counts = Counter(dict(session.execute(
            select(func.coalesce(Remittance.denial_category, "uncategorised"), func.count())
            .where(Remittance.is_denial.is_(True), *where).group_by(Remittance.denial_category)).all()))
    else:
        counts = Counter(naming_carcs(session, where).values())
    return [(key, Measure(value=n / total, n=float(n), d=float(total))) for key, n in counts.items() if n]


def breakdown_names(dim: str, keys: list[Any]) -> dict[Any, str]:
    """Display names: category labels, or "CARC 197 (Authorization / pre-certification)"."""
    if dim == "category":
        return {k: CATEGORIES.get(k, str(k)) for k in keys}
    return {k: carc_label(k) for k in keys}


class DenialRateKpi(RatioKpi):
    """The denial rate, with breakdowns by category and by reason besides clinic and payer."""

    def breakdown(self, session: Session, scope: Scope, start: date | None, end: date | None,
                  dim: str) -> list[tuple[Any, Measure]]:
        if dim in DIMS:
            return denial_breakdown(session, scope, start, end, dim)
        return super().breakdown(session, scope, start, end, dim)
