"""Net collection rate by payer: who a patient payment belongs to (bot.kpi.net_collection).
Hand-made ledger, March 2026, one clinic (USD):

* Aetna: charges 1,000, contractual adjustments 400 → allowed 600; Aetna paid 480; the patient
  paid 100 of the Aetna claim's copay/coinsurance, linked to the claim → Aetna (480 + 100) ÷ 600
  = 96.67 % (the allowed amount includes the patient's share, so the patient payment counts);
* self-pay: charges 200, self-pay discount 70 → 130; a patient payment of 90 with neither payer
  nor claim. It cannot be told apart from an insured patient's balance, so the self-pay row gets
  no rate and says why — before, every patient payment went to self-pay: (100 + 90) ÷ 130 = 146 %;
* the clinic: (480 + 100 + 90) ÷ (600 + 130) = 670 ÷ 730 = 91.78 %, every payment counted;
* a clinic with self-pay visits only, or whose self-pay payment is linked to its (payer-less)
  claim: its patient payments are self-pay payments, 90 ÷ 130 = 69.23 %.
Both on the raw rows and on the roll-ups.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.kpi.engine import answer
from bot.kpi.grammar import parse_kpi_command
from bot.kpi.rollup_refresh import refresh_all_rollups
from bot.orgconfig import OrgConfig
from bot.views.kpi import render_answer
from storage.db import session_scope
from storage.models import Claim, LedgerEntry
from storage.reference import ensure_clinics, ensure_payers

NOW = datetime(2026, 4, 20, 15, 0)
DAY = date(2026, 3, 10)


def _entry(s, n: int, clinic: int, kind: str, usd: int, payer: int | None = None,  # type: ignore[no-untyped-def]
           claim: int | None = None) -> None:
    s.add(LedgerEntry(source="t", external_id=f"e{n}", clinic_id=clinic, payer_id=payer, claim_id=claim,
                      posted_date=DAY, kind=kind, amount_cents=usd * 100))


def _self_pay(s, clinic: int, first: int, claim: int | None = None) -> None:  # type: ignore[no-untyped-def]
    _entry(s, first, clinic, "charge", 200)
    _entry(s, first + 1, clinic, "contractual_adjustment", 70)
    _entry(s, first + 2, clinic, "patient_payment", 90, None, claim)


def _ask(s, q: str):  # type: ignore[no-untyped-def]
    return answer(s, parse_kpi_command(q), OrgConfig(), now=NOW)


def _claim(s, n: int, clinic: int, payer: int | None, usd: int) -> int:  # type: ignore[no-untyped-def]
    claim = Claim(source="t", external_id=f"c{n}", patient_control_number=f"P{n}", clinic_id=clinic, payer_id=payer,
                  service_date=DAY, created_date=DAY, charge_cents=usd * 100, clean=True)
    s.add(claim)
    s.flush()
    return int(claim.id)


def _insured(s, north: int) -> None:  # type: ignore[no-untyped-def]
    aetna = ensure_payers(s, [{"key": "aetna", "name": "Aetna"}])["aetna"]
    claim = _claim(s, 1, north, aetna, 1_000)
    _entry(s, 1, north, "charge", 1_000, aetna, claim)
    _entry(s, 2, north, "contractual_adjustment", 400, aetna, claim)
    _entry(s, 3, north, "payer_payment", 480, aetna, claim)
    _entry(s, 4, north, "patient_payment", 100, None, claim)


@pytest.mark.parametrize("rollups", [False, True])
def test_a_self_pay_payment_linked_to_its_payerless_claim_is_rated_as_self_pay(sessions, rollups: bool) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        north = ensure_clinics(s, [{"key": "north", "name": "North"}])["north"]
        _insured(s, north)
        _self_pay(s, north, 5, _claim(s, 2, north, None, 200))
        s.flush()
        if rollups:
            refresh_all_rollups(s)
    with session_scope(sessions) as s:
        by = _ask(s, "net collection rate 2026-03 by payer")
        rates = {r.name: r.measure.value for r in by.breakdown or []}
        assert rates == pytest.approx({"Aetna": 580 / 600, "(self-pay / no payer)": 90 / 130})
        assert by.breakdown_unranked == []


@pytest.mark.parametrize("rollups", [False, True])
def test_patient_payments_go_to_their_claims_payer_and_self_pay_is_never_over_100(sessions, rollups: bool) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        north = ensure_clinics(s, [{"key": "north", "name": "North"}])["north"]
        _insured(s, north)
        _self_pay(s, north, 5)
        s.flush()
        if rollups:
            refresh_all_rollups(s)
    with session_scope(sessions) as s:
        total = _ask(s, "net collection rate 2026-03")
        assert (total.measure.n, total.measure.d) == (670_00, 730_00)
        by = _ask(s, "net collection rate 2026-03 by payer")
        rates = {r.name: r.measure.value for r in by.breakdown or []}
        assert rates == pytest.approx({"Aetna": 580 / 600})
        assert all(v is not None and v <= 1 for v in rates.values())
        assert [name for name, _ in by.breakdown_unranked] == ["(self-pay / no payer)"]
        assert by.breakdown_unranked[0][1].startswith("not attributable: 90 USD of patient payments carry neither")
        assert "Not ranked, 1 payer: (self-pay / no payer) — not attributable" in str(render_answer(by)[0])
        aetna_only = _ask(s, "net collection rate 2026-03 payer aetna")
        assert aetna_only.measure.value == pytest.approx(580 / 600)  # the same as its row


@pytest.mark.parametrize("rollups", [False, True])
def test_a_self_pay_only_clinic_rates_its_patient_payments_as_self_pay(sessions, rollups: bool) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        _self_pay(s, ensure_clinics(s, [{"key": "south", "name": "South"}])["south"], 1)
        s.flush()
        if rollups:
            refresh_all_rollups(s)
    with session_scope(sessions) as s:
        by = _ask(s, "net collection rate 2026-03 by payer")
        assert {r.name: r.measure.value for r in by.breakdown or []} == pytest.approx({"(self-pay / no payer)": 90 / 130})
        assert by.breakdown_unranked == []
