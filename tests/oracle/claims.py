"""Claim and remittance KPIs (kpis.md "Revenue cycle"), with remittances classified here from
their CLP/CAS/SVC rows by the rules of shared/spec/denials.md, not from the stored flags.

Classification of one remittance (denials.md "What counts as a denial"):
* excluded: CLP02 22 (reversal), 23 or 25 (not adjudications), or any CARC 18 (duplicate);
* denied: not excluded, paid 0, and some adjustment (claim or line level) carries a CARC outside
  the cost-share/contractual/informational set {1, 2, 3, 45, 23, 59, 94, 253, 24};
* line denial: a service line paid 0 with a line-level denial CARC on a claim paid > 0;
* first: per (payer, CLP01) the earliest non-excluded remittance by remit date, then load order
  (remittances.md ``is_first``) — kpis.md "first remittance per claim per payer".
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

import pandas as pd

from tests.oracle.frames import NO_DATA, Ask, Expected, in_scope, ratio
from tests.oracle.tables import RawTables

NOT_DENIAL_CARCS = {"1", "2", "3", "45", "23", "59", "94", "253", "24"}
EXCLUDED_STATUS = {"22", "23", "25"}
PROCESSED_STATUS = {"1", "2", "3", "19", "20", "21"}  # processed as primary/secondary/tertiary (±forwarded)


def classified(t: RawTables) -> pd.DataFrame:
    """Remittances dated from ``t.since_day`` with ``excluded``, ``denied``, ``line_denials``, ``first``."""
    return t.memo("classified_remittances", lambda: _classify(t))


def _classify(t: RawTables) -> pd.DataFrame:
    r = t.remittances.copy()
    adj = t.adjustments
    r["excluded"] = r.claim_status_code.isin(EXCLUDED_STATUS) | r.id.isin(adj[adj.carc == "18"].remittance_id)
    denial_adj = adj[~adj.carc.isin(NOT_DENIAL_CARCS) & (adj.carc != "18")]
    r["denied"] = ~r.excluded & (r.paid_cents == 0) & r.id.isin(denial_adj.remittance_id)
    lines = t.service_lines
    denied_lines = lines[(lines.paid_cents == 0) & lines.id.isin(denial_adj.service_line_id.dropna())]
    per_remit = denied_lines.groupby("remittance_id").size()
    r["line_denials"] = r.id.map(per_remit).fillna(0).astype("int64").where(r.paid_cents > 0, 0)
    eligible = r[~r.excluded].sort_values(["remit_date", "id"])
    firsts = eligible.drop_duplicates(["payer_id", "patient_control_number"], keep="first").id
    r["first"] = r.id.isin(firsts)
    return r[r.remit_date >= pd.Timestamp(t.since_day)]


def _first_remits(t: RawTables, ask: Ask) -> pd.DataFrame:
    r = in_scope(classified(t), ask, "remit_date")
    return r[r["first"]]


def clean_claim_rate(t: RawTables, ask: Ask) -> Expected:
    """HFMA: claims with no scrubber edit and no manual touch ÷ claims created in the period
    (claims.md: ``clean`` = ``scrubber_edits == 0`` and not ``manually_touched``)."""
    c = in_scope(t.claims, ask, "created_date")
    clean = (c.scrubber_edits == 0) & ~c.manually_touched.fillna(False)
    return ratio(int(clean.sum()), len(c))


def denial_rate(t: RawTables, ask: Ask) -> Expected:
    """HFMA remittance denial rate: first remittances that deny ÷ first remittances."""
    r = _first_remits(t, ask)
    return ratio(int(r.denied.sum()), len(r))


def first_pass_resolution(t: RawTables, ask: Ask) -> Expected:
    """Claims paid on their first remittance (processed, paid > 0, no claim or line denial) ÷
    claims adjudicated (first remittances)."""
    r = _first_remits(t, ask)
    paid = r.claim_status_code.isin(PROCESSED_STATUS) & (r.paid_cents > 0) & ~r.denied & (r.line_denials == 0)
    return ratio(int(paid.sum()), len(r))


def _month_start(day: date, back: int = 0) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 - back, 12)
    return date(y, m + 1, 1)


def initial_denial_rate(t: RawTables, ask: Ask) -> Expected:
    """HFMA Claim Integrity Task Force: initial denials in the period ÷ claims submitted per
    month averaged over the three calendar months before the period's first month, times the
    period's length in months (each calendar month it touches counts its share of days: 1 for a
    whole month, 7/31 for a week of May — kpis.md defines the monthly case; a shorter or longer
    period is pro-rated so that a week is not compared with a month of submissions). D is
    fractional (compared to 1e-9)."""
    r = _first_remits(t, ask)
    if r.empty:
        return NO_DATA
    base_lo, base_hi = _month_start(ask.start, 3), _month_start(ask.start) - timedelta(days=1)
    base = Ask(ask.clinic_id, base_lo, base_hi)
    sent = t.claims.dropna(subset=["submitted_date"])
    in_clinic = sent if ask.clinic_id is None else sent[sent.clinic_id == ask.clinic_id]
    # the baseline counts the days the claims feed covers (from its first submission in scope,
    # day by day); fewer than 30 of them: not enough history
    since = in_clinic.submitted_date.min().date() if len(in_clinic) else None
    covered = [base_lo + timedelta(days=i) for i in range((base_hi - base_lo).days + 1)]
    covered = [d for d in covered if since is not None and d >= since]
    if len(covered) < 30:
        return NO_DATA
    base_months = sum(1 / monthrange(d.year, d.month)[1] for d in covered)
    submitted = len(in_scope(sent, base, "submitted_date"))
    if not submitted:
        return NO_DATA
    months = 0.0
    day = ask.start
    while day <= ask.end:  # day by day: plain, and obviously right
        months += 1 / monthrange(day.year, day.month)[1]
        day += timedelta(days=1)
    d = submitted / base_months * months
    return Expected(value=float(r.denied.sum()) / d, n=int(r.denied.sum()), d=d, exact=False)
