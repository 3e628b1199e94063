"""Money KPIs from raw ledger entries and A/R snapshots (kpis.md "Revenue cycle"; ledger.md).

Money stays in integer cents; a ledger entry's amount is positive and its ``kind`` gives the
sign. Net patient service revenue (NPSR) = charges − contractual adjustments.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pandas as pd

from tests.oracle.frames import NO_DATA, Ask, Expected, in_scope, ratio
from tests.oracle.tables import RawTables


def _sums(t: RawTables, ask: Ask) -> pd.Series:
    """Cents per ledger kind posted in the period (missing kinds read as 0)."""
    return in_scope(t.ledger, ask, "posted_date").groupby("kind").amount_cents.sum()


def _npsr(by_kind: pd.Series) -> int:
    return int(by_kind.get("charge", 0) - by_kind.get("contractual_adjustment", 0))


def net_collection_rate(t: RawTables, ask: Ask) -> Expected:
    """MGMA adjusted collection rate: (payer + patient payments − refunds) ÷ (charges −
    contractual adjustments); bad debt and other write-offs stay out of D."""
    k = _sums(t, ask)
    paid = int(k.get("payer_payment", 0) + k.get("patient_payment", 0) - k.get("refund", 0))
    return ratio(paid, _npsr(k))


def write_off_rate(t: RawTables, ask: Ask) -> Expected:
    """Denial write-offs ÷ net patient service revenue."""
    k = _sums(t, ask)
    return ratio(int(k.get("denial_write_off", 0)), _npsr(k))


def point_of_service_collection_rate(t: RawTables, ask: Ask) -> Expected:
    """Patient cash taken at or before the service (ledger ``at_service``) ÷ all patient cash."""
    p = in_scope(t.ledger, ask, "posted_date")
    p = p[p.kind == "patient_payment"]
    return ratio(int(p[p.at_service.fillna(False)].amount_cents.sum()), int(p.amount_cents.sum()))


def revenue_months(day: date) -> tuple[date, date]:
    """kpis.md "the last three months": the three calendar months ending with ``day`` when it is
    a month's last day (the worked example: A/R at 31 March, revenue January–March), else the
    three whole months before ``day``'s month."""
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        end = day
    else:
        end = day.replace(day=1) - timedelta(days=1)
    y, m = divmod(end.year * 12 + end.month - 1 - 2, 12)
    return date(y, m + 1, 1), end


def days_in_ar(t: RawTables, ask: Ask) -> Expected:
    """HFMA MAP Key AR-5: net A/R at the period's end (each clinic's latest snapshot on or before
    it, summed) ÷ (NPSR of the last three months ÷ the calendar days of them the ledger covers,
    from its first posting in scope; fewer than 30: no data). Measured on the
    latest snapshot date when the period ends later; no data when that is before the period or
    revenue ≤ 0. N = net A/R cents, D = the three months' NPSR cents."""
    ar = t.ar if ask.clinic_id is None else t.ar[t.ar.clinic_id == ask.clinic_id]
    if ar.empty:
        return NO_DATA
    day = min(ask.end, ar.as_of_date.max().date())
    if day < ask.start:
        return NO_DATA
    upto = ar[ar.as_of_date <= pd.Timestamp(day)].sort_values("as_of_date")
    net_ar = int(upto.groupby("clinic_id").net_ar_cents.last().sum())
    lo, hi = revenue_months(day)
    revenue = _npsr(_sums(t, Ask(ask.clinic_id, lo, hi)))
    if revenue <= 0:
        return NO_DATA
    # the divisor: the window's days from the ledger's first posting in scope; fewer than 30
    # (the catalogue's minimum, one month of HFMA's three) is "not enough history"
    ledger = t.ledger if ask.clinic_id is None else t.ledger[t.ledger.clinic_id == ask.clinic_id]
    first = ledger.posted_date.min().date()
    days = (hi - max(lo, first)).days + 1
    if days < 30:
        return NO_DATA
    return Expected(value=net_ar / (revenue / days), n=net_ar, d=revenue)
