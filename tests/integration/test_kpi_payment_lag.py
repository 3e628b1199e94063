"""A short period's net collection rate says its payments are largely for earlier charges
(bot.kpi.payment_lag), and still answers. Hand-made data:

* three claims paid 20, 30 and 45 days after their date of service → the typical payment lag is
  the median, 30 days;
* the ledger of kpis.md's worked example, posted on 2026-03-10: payments 150,000 + 35,000 −
  refunds 3,000 = 182,000 USD ÷ (charges 400,000 − contractual 210,000) = 95.79 %;
* asked for the week 2026-03-09..2026-03-15 (7 days < 30): the same 95.79 % with the caveat line;
  asked for March (31 days ≥ 30): no caveat; without any remittance (kpis.md's example alone):
  no lag is known, no caveat.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import insert

from bot.kpi.engine import answer
from bot.kpi.grammar import parse_kpi_command
from bot.orgconfig import OrgConfig
from bot.views.kpi import render_answer
from storage.db import session_scope
from storage.models import Claim, LedgerEntry, Remittance
from storage.reference import ensure_clinics

NOW = datetime(2026, 4, 20, 15, 0)
CAVEAT = ("This period is 7 days, shorter than the typical payment lag here (30 days from service to payment): "
          "most of its payments are for earlier periods' charges.")


def _ledger(s, clinic: int) -> None:  # type: ignore[no-untyped-def]
    rows = [("charge", 400_000_00), ("contractual_adjustment", 210_000_00), ("payer_payment", 150_000_00),
            ("patient_payment", 35_000_00), ("refund", 3_000_00)]
    s.execute(insert(LedgerEntry), [dict(source="t", external_id=str(i), clinic_id=clinic, posted_date=date(2026, 3, 10),
                                         kind=k, amount_cents=v) for i, (k, v) in enumerate(rows)])


def _paid_claims(s, clinic: int) -> None:  # type: ignore[no-untyped-def]
    served = date(2026, 1, 5)
    for i, lag in enumerate((20, 30, 45)):
        claim = Claim(source="t", external_id=f"c{i}", patient_control_number=f"P{i}", clinic_id=clinic,
                      service_date=served, created_date=served, charge_cents=100_00, clean=True)
        s.add(claim)
        s.flush()
        s.add(Remittance(natural_key=f"r{i}", claim_id=claim.id, clinic_id=clinic, patient_control_number=f"P{i}",
                         claim_status_code="1", remit_date=served + timedelta(days=lag), charge_cents=100_00,
                         paid_cents=60_00))
    # a reversal is not a payment: it does not count towards the lag
    s.add(Remittance(natural_key="rx", claim_id=claim.id, clinic_id=clinic, patient_control_number="P2",
                     claim_status_code="22", remit_date=served + timedelta(days=200), charge_cents=-100_00,
                     paid_cents=60_00, excluded=True))
    s.flush()


def _ask(s, q: str):  # type: ignore[no-untyped-def]
    return answer(s, parse_kpi_command(q), OrgConfig(), now=NOW)


def test_a_week_of_net_collections_carries_the_payment_lag_caveat(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        clinic = ensure_clinics(s, [{"key": "north", "name": "North"}])["north"]
        _ledger(s, clinic)
        _paid_claims(s, clinic)
    with session_scope(sessions) as s:
        week = _ask(s, "net collection rate 2026-03-09..2026-03-15")
        assert round(week.measure.value * 100, 2) == 95.79  # answered, not refused
        assert week.caveat == CAVEAT
        blocks, text = render_answer(week)
        assert CAVEAT in text and CAVEAT in str(blocks)
        month = _ask(s, "net collection rate 2026-03")
        assert round(month.measure.value * 100, 2) == 95.79 and month.caveat is None


def test_without_remittances_no_lag_is_known_and_no_caveat(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        _ledger(s, ensure_clinics(s, [{"key": "north", "name": "North"}])["north"])
    with session_scope(sessions) as s:
        week = _ask(s, "net collection rate 2026-03-09..2026-03-15")
        assert round(week.measure.value * 100, 2) == 95.79 and week.caveat is None
