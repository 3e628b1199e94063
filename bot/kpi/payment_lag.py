"""The typical payment lag, read from the data: how long after the service a payer pays. A
collection rate over a period shorter than it divides payments that are mostly for earlier
periods' charges by this period's charges (MGMA/HFMA define the rate over a month or longer;
kpis.md's worked example is a month), so such an answer carries a one-line caveat.
"""

from __future__ import annotations

from datetime import date
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.kpi.base import Scope, _as_date, scope_conditions, session_memo
from storage.models import Claim, Remittance

SAMPLE = 5_000  # the latest paying first remittances the median is read from


def payment_lag_days(session: Session, scope: Scope) -> float | None:
    """Median calendar days from the date of service (``Claim.service_date``) to the payer's first
    paying remittance (``remit_date``; first remittances, reversals and duplicates excluded,
    paid > 0), over the latest :data:`SAMPLE` of them in scope (clinic, payer). None when no
    remittance is linked to a claim (a ledger-only feed): then no lag is known and no caveat given."""
    def lag() -> float | None:
        r = Remittance
        rows = session.execute(
            select(r.remit_date, Claim.service_date).join(Claim, Claim.id == r.claim_id)
            .where(r.is_first.is_(True), r.excluded.is_(False), r.paid_cents > 0,
                   *scope_conditions({"clinic": r.clinic_id, "payer": r.payer_id}, scope))
            .order_by(r.remit_date.desc()).limit(SAMPLE)).all()
        return float(median((_as_date(paid) - _as_date(served)).days for paid, served in rows)) if rows else None

    return session_memo(session, ("payment-lag", scope), lag)


def lag_caveat(session: Session, scope: Scope, start: date | None, end: date) -> str | None:
    """``"This period is 7 days, shorter than the typical payment lag here (34 days from service
    to payment): most of its payments are for earlier periods' charges."``; None for a period as
    long as the lag or longer, an open ("all data") period, or no known lag."""
    lag = payment_lag_days(session, scope)
    if start is None or lag is None:
        return None
    days = (end - start).days + 1
    if days >= lag:
        return None
    return (f"This period is {days} day{'s' if days != 1 else ''}, shorter than the typical payment lag here "
            f"({lag:.0f} days from service to payment): most of its payments are for earlier periods' charges.")
