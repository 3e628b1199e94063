"""Issue 16: ``/kpi denial-rate by category`` and ``… by reason`` answer; rows add up to the
denial rate; the naming CARC is the denial adjustment with the largest amount (denials.md)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.kpi.engine import answer
from bot.kpi.grammar import parse_kpi_command
from bot.orgconfig import OrgConfig
from bot.views.kpi import render_answer
from storage.db import session_scope
from storage.models import Clinic, Payer, Remittance, RemittanceAdjustment

DAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 10, 15)

# (category, [(group, carc, amount)]) per denied claim; 14 paid claims besides
DENIED = [
    ("authorization", [("CO", "197", 120), ("PR", "1", 500)]),
    ("authorization", [("CO", "197", 80)]),
    ("provider_enrollment_credentialing", [("CO", "147", 90), ("CO", "45", 400)]),
    ("documentation_requested", [("CO", "176", 60), ("CO", "16", 20)]),
    ("coding", [("CO", "4", 30), ("CO", "11", 70)]),  # 11 has the larger amount
    ("uncategorised", [("CO", "A7", 50)]),
]


@pytest.fixture
def loaded(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with session_scope(sessions) as s:
        c = Clinic(key="north", name="North Family Practice", name_folded="north family practice",
                   timezone="America/New_York")
        p = Payer(key="acme", name="Acme", name_folded="acme")
        s.add_all([c, p])
        s.flush()
        for i in range(20):
            denied = DENIED[i] if i < len(DENIED) else None
            r = Remittance(natural_key=f"k{i}", clinic_id=c.id, payer_id=p.id, patient_control_number=f"P{i}",
                           claim_status_code="1", remit_date=DAY + timedelta(days=i % 5), charge_cents=1000,
                           paid_cents=0 if denied else 900, is_first=True, excluded=False,
                           is_denial=denied is not None, denial_category=denied[0] if denied else None)
            s.add(r)
            s.flush()
            for group, carc, amount in (denied[1] if denied else [("CO", "45", 100)]):
                s.add(RemittanceAdjustment(remittance_id=r.id, group_code=group, carc=carc, amount_cents=amount))
    return sessions


def _rows(sessions: sessionmaker[Session], q: str):  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        a = answer(s, parse_kpi_command(q), OrgConfig(), now=NOW)
        blocks, _fallback = render_answer(a, interactive=False)
        text = str(blocks)
        return a, {r.name: (r.measure.n, r.measure.d) for r in a.breakdown}, text


def test_denial_rate_by_category(loaded: sessionmaker[Session]) -> None:
    a, rows, text = _rows(loaded, "denial-rate 2026-03 by category")
    assert a.measure.n == 6 and a.measure.d == 20
    assert rows == {"Authorization / pre-certification": (2, 20), "Provider enrollment / credentialing": (1, 20),
                    "Documentation requested": (1, 20), "Coding": (1, 20), "Uncategorised": (1, 20)}
    assert sum(n for n, _ in rows.values()) == a.measure.n
    assert "Authorization / pre-certification" in text and "By category" in text


def test_denial_rate_by_reason(loaded: sessionmaker[Session]) -> None:
    a, rows, _ = _rows(loaded, "denial-rate 2026-03 by reason")
    assert rows == {"CARC 197 (Authorization / pre-certification)": (2, 20),
                    "CARC 147 (Provider enrollment / credentialing)": (1, 20),
                    "CARC 176 (Documentation requested)": (1, 20), "CARC 11 (Coding)": (1, 20),
                    "CARC A7 (Uncategorised)": (1, 20)}


def test_breakdown_by_category_is_refused_for_other_kpis() -> None:
    from bot.errors import UsageError

    with pytest.raises(UsageError, match="clinic, provider only"):
        parse_kpi_command("no-show-rate by category")
