"""Every KPI computed by the engine from hand-made rows on SQLite and PostgreSQL; expected values
are the kpis.md worked examples or hand counts written in the comments."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import insert

from bot.kpi.engine import answer, list_kpis
from bot.kpi.grammar import parse_kpi_command
from bot.kpi.registry import EngineOptions
from bot.kpi.rollup_refresh import refresh_appointment_rollups
from bot.orgconfig import OrgConfig
from core.text import fold
from storage.models import (
    Appointment,
    ArSnapshot,
    Claim,
    Clinic,
    CodingAudit,
    InventoryTransaction,
    LedgerEntry,
    Payer,
    Provider,
    Remittance,
    Slot,
    StockCount,
    SupplyItem,
    SurveyResponse,
)

NOW = datetime(2026, 4, 10, 12, 0)


@pytest.fixture
def s(sessions):
    session = sessions()
    north = Clinic(key="north", name="North Família", name_folded=fold("North Família"), timezone="America/New_York")
    south = Clinic(key="south", name="South", name_folded="south", timezone="America/New_York")
    session.add_all([north, south])
    session.flush()
    session.add_all([Provider(key="p1", clinic_id=north.id, name="Dr Ana", name_folded="dr ana"),
                     Provider(key="p2", clinic_id=north.id, name="Dr Bo", name_folded="dr bo"),
                     Payer(key="aetna", name="Aetna", name_folded="aetna"),
                     Payer(key="bcbs", name="Blue Cross", name_folded="blue cross")])
    session.flush()
    yield session
    session.rollback()
    session.close()


def ids(s, model, key):  # type: ignore[no-untyped-def]
    from sqlalchemy import select
    return s.execute(select(model.id).where(model.key == key)).scalar_one()


def ask(s, text, org=None, **kw):  # type: ignore[no-untyped-def]
    return answer(s, parse_kpi_command(text), org or OrgConfig(), now=NOW, **kw)


def test_third_next_available_worked_example(s):
    north, p1 = ids(s, Clinic, "north"), ids(s, Provider, "p1")
    pub = datetime(2026, 2, 20, 12)
    # Measured Mon 2026-03-02. Free then: 03-03, 03-05, 03-09 (-> 7 days; the 03-09 slot was booked
    # only on 03-06). Not free on 03-02, all on 03-04 (they would make the answer 3 days): one
    # blocked, one booked on 03-01, one published only on 03-03.
    slots = [
        (date(2026, 3, 3), "free", pub, None), (date(2026, 3, 5), "free", pub, None),
        (date(2026, 3, 9), "booked", pub, datetime(2026, 3, 6, 15)),  # booked later: free on 03-02
        (date(2026, 3, 4), "blocked", pub, None),
        (date(2026, 3, 4), "booked", pub, datetime(2026, 3, 1, 14)),  # booked before 03-02
        (date(2026, 3, 4), "free", datetime(2026, 3, 3, 14), None),  # published after 03-02
    ]
    s.execute(insert(Slot), [dict(source="t", external_id=str(i), clinic_id=north, provider_id=p1, slot_date=d,
                                  start_at=datetime.combine(d, datetime.min.time()) + timedelta(hours=14),
                                  duration_minutes=20, appointment_type="follow-up", state=st, created_at=c,
                                  booked_at=b) for i, (d, st, c, b) in enumerate(slots)])
    a = ask(s, "3rd next available clinic north 2026-03-02")
    assert a.measure.value == 7 and a.measure.last == date(2026, 3, 2)
    assert a.status is not None and a.status.text.startswith("off target")  # target: less than 7 days


def test_net_collection_and_write_off_worked_example(s):
    north, aetna = ids(s, Clinic, "north"), ids(s, Payer, "aetna")
    # kpis.md: payments $182,000, charges $400,000, contractual adjustments $210,000 -> 95.79 %
    rows = [("charge", 400_000_00), ("contractual_adjustment", 210_000_00), ("payer_payment", 150_000_00),
            ("patient_payment", 35_000_00), ("refund", 3_000_00), ("denial_write_off", 9_500_00),
            ("bad_debt_write_off", 4_000_00)]
    s.execute(insert(LedgerEntry), [dict(source="t", external_id=str(i), clinic_id=north, payer_id=aetna,
                                         posted_date=date(2026, 3, 10), kind=k, amount_cents=v,
                                         at_service=(k == "patient_payment") or None) for i, (k, v) in enumerate(rows)])
    ncr = ask(s, "net collection rate 2026-03")
    assert round(ncr.measure.value * 100, 2) == 95.79  # (150,000 + 35,000 - 3,000) / 190,000
    assert (ncr.measure.n, ncr.measure.d) == (182_000_00, 190_000_00)
    wo = ask(s, "write-off-rate clinic north 2026-03")
    assert wo.measure.value == pytest.approx(9_500 / 190_000)
    pos = ask(s, "pos 2026-03")
    assert pos.measure.value == 1.0


def test_days_in_ar_worked_example(s):
    north = ids(s, Clinic, "north")
    # revenue Jan $300k, Feb $310k, Mar $290k 2026 (90 days); net A/R $450,000 on 03-31 -> 45.0
    rev = [(date(2026, 1, 15), 300_000_00), (date(2026, 2, 15), 310_000_00), (date(2026, 3, 15), 290_000_00)]
    s.execute(insert(LedgerEntry), [dict(source="t", external_id=str(i), clinic_id=north, posted_date=d, kind="charge",
                                         amount_cents=v) for i, (d, v) in enumerate(rev)])
    s.add_all([ArSnapshot(clinic_id=north, as_of_date=date(2026, 3, 31), net_ar_cents=450_000_00),
               ArSnapshot(clinic_id=north, as_of_date=date(2026, 2, 28), net_ar_cents=1)])
    s.flush()
    a = ask(s, "days in ar clinic north 2026-03")
    assert a.measure.value == pytest.approx(45.0, abs=1e-9)


def test_days_in_ar_worked_example_split_across_two_clinics(s):
    """kpis.md's example, split: network-wide the A/R of every clinic is summed (45.0 days)."""
    north, south = ids(s, Clinic, "north"), ids(s, Clinic, "south")
    rev = [(north, date(2026, 1, 15), 200_000_00), (south, date(2026, 1, 16), 100_000_00),
           (north, date(2026, 2, 15), 310_000_00), (south, date(2026, 3, 15), 290_000_00)]
    s.execute(insert(LedgerEntry), [dict(source="t", external_id=f"x{i}", clinic_id=c, posted_date=d, kind="charge",
                                         amount_cents=v) for i, (c, d, v) in enumerate(rev)])
    s.add_all([ArSnapshot(clinic_id=north, as_of_date=date(2026, 3, 31), net_ar_cents=300_000_00),
               ArSnapshot(clinic_id=south, as_of_date=date(2026, 3, 31), net_ar_cents=150_000_00)])
    s.flush()
    a = ask(s, "days in ar 2026-03")
    assert a.measure.value == pytest.approx(45.0, abs=1e-9)


def test_denial_rates_exclude_reversals_and_repeat_remittances(s):
    north, aetna, bcbs = ids(s, Clinic, "north"), ids(s, Payer, "aetna"), ids(s, Payer, "bcbs")
    # 4 first remittances in March (2 denials), 1 excluded reversal denial, 1 non-first denial
    rows = [(aetna, True, False, True, 0, 0), (aetna, True, False, False, 100_00, 0), (bcbs, True, False, True, 0, 0),
            (bcbs, True, False, False, 80_00, 1), (bcbs, True, True, True, 0, 0), (aetna, False, False, True, 0, 0)]
    s.execute(insert(Remittance), [dict(natural_key=str(i), clinic_id=north, payer_id=p, patient_control_number=str(i),
                                        claim_status_code="1" if not den else "4", remit_date=date(2026, 3, 5 + i),
                                        charge_cents=100_00, paid_cents=paid, is_first=first, excluded=exc,
                                        is_denial=den, line_denials=ld)
                                   for i, (p, first, exc, den, paid, ld) in enumerate(rows)])
    dr = ask(s, "denial-rate 2026-03 by payer")
    assert (dr.measure.n, dr.measure.d) == (2, 4)
    assert {(r.name, r.measure.n, r.measure.d) for r in dr.breakdown} == {("Aetna", 1, 2), ("Blue Cross", 1, 2)}
    fpr = ask(s, "first pass resolution 2026-03")
    assert (fpr.measure.n, fpr.measure.d) == (1, 4)  # the bcbs payment had a line denial
    # initial denial rate: 2 initial denials in March / (6 claims submitted Dec-Feb / 3 x 1 month) = 100 %
    s.execute(insert(Claim), [dict(source="t", external_id=str(i), patient_control_number=str(i), clinic_id=north,
                                   service_date=date(2026, 1, 1), created_date=date(2026, 1, 1),
                                   submitted_date=date(2025, 12, 5) + timedelta(days=15 * i), charge_cents=1,
                                   clean=i % 2 == 0) for i in range(6)])
    idr = ask(s, "initial denial rate 2026-03")
    assert idr.measure.n == 2 and idr.measure.d == pytest.approx(2.0)
    ccr = ask(s, "ccr 2026-01")
    assert (ccr.measure.n, ccr.measure.d) == (3, 6)


def test_appointment_kpis_and_late_cancellation_policy(s):
    north, p1 = ids(s, Clinic, "north"), ids(s, Provider, "p1")
    # status, lead_days, verified, auth_required, authorized
    rows = [("completed", 0, True, True, True), ("completed", 2, True, True, False), ("completed", 10, False, False, None),
            ("no_show", 5, None, None, None), ("late_cancelled", 1, None, None, None), ("cancelled", 3, None, None, None),
            ("scheduled", 7, None, None, None)]
    s.execute(insert(Appointment), [dict(source="t", external_id=str(i), clinic_id=north, provider_id=p1,
                                         patient_pseudonym="x", appointment_date=date(2026, 3, 2 + i), status=st,
                                         lead_days=ld, insurance_verified=v, authorization_required=ar, authorized=au,
                                         row_hash="h") for i, (st, ld, v, ar, au) in enumerate(rows)])
    refresh_appointment_rollups(s, date(2026, 3, 1), date(2026, 3, 31))
    a = ask(s, "no-show-rate provider dr ana 2026-03")
    assert (a.measure.n, a.measure.d) == (1, 5)  # D: 3 completed + no-show + late cancellation
    assert a.small_n
    b = ask(s, "no-show-rate 2026-03", options=EngineOptions(late_cancellation="numerator"))
    assert (b.measure.n, b.measure.d) == (2, 5)
    c = ask(s, "no-show-rate 2026-03", options=EngineOptions(late_cancellation="excluded"))
    assert (c.measure.n, c.measure.d) == (1, 4)
    assert (ask(s, "verification 2026-03").measure.n, ask(s, "verification 2026-03").measure.d) == (2, 3)
    auth = ask(s, "authorization-rate 2026-03")
    assert (auth.measure.n, auth.measure.d) == (1, 2)
    # lead times of non-cancelled-in-time rows: 0, 2, 10, 5, 1, 7 -> median 3.5, mean 25/6
    lead = ask(s, "lead time 2026-03")
    assert lead.measure.value == 3.5 and lead.measure.extra["mean"] == pytest.approx(25 / 6)
    assert lead.measure.extra["same_day_share"] == pytest.approx(1 / 6)
    org = OrgConfig.model_validate({"targets": {"no-show-rate": {"max": 0.10}},
                                    "clinics": [{"key": "north", "name": "North", "targets": {"no-show-rate": {"max": 0.25}}}]})
    assert ask(s, "no-show-rate 2026-03", org).status.text == "off target: above the 10.00 % maximum"
    assert ask(s, "no-show-rate clinic north 2026-03", org).status.on_target  # clinic target 25 %


def test_utilization_can_exceed_100_percent(s):
    north, p1 = ids(s, Clinic, "north"), ids(s, Provider, "p1")
    # 3 template slots of 20 min, all booked, plus one overbooked slot of 20 min; 1 blocked -> 80/60
    rows = [("booked", "follow-up"), ("booked", "follow-up"), ("booked", "follow-up"), ("booked", "overbook"),
            ("blocked", "follow-up")]
    s.execute(insert(Slot), [dict(source="t", external_id=str(i), clinic_id=north, provider_id=p1,
                                  slot_date=date(2026, 3, 2), start_at=datetime(2026, 3, 2, 14, i),
                                  duration_minutes=20, appointment_type=t, state=st) for i, (st, t) in enumerate(rows)])
    u = ask(s, "utilization 2026-03-02")
    assert u.measure.value == pytest.approx(80 / 60)
    assert u.status is not None and "above" in u.status.text  # band 75-85 %


def test_experience_and_coding(s):
    north, p1 = ids(s, Clinic, "north"), ids(s, Provider, "p1")
    ratings = [10, 9, 8, 7, 10, 0]  # top box 3 of 6
    s.execute(insert(SurveyResponse), [dict(source="t", external_id=str(i), clinic_id=north, provider_id=p1,
                                            response_date=date(2026, 3, 3), provider_rating=r) for i, r in enumerate(ratings)])
    s.execute(insert(CodingAudit), [dict(source="t", external_id="a", clinic_id=north, audit_date=date(2026, 3, 4),
                                         codes_audited=40, codes_matched=38)])
    sat = ask(s, "patient satisfaction 2026-03")
    assert (sat.measure.n, sat.measure.d) == (3, 6) and sat.status is None  # no benchmark -> no percentile
    assert ask(s, "coding accuracy 2026-03").measure.value == pytest.approx(0.95)


def test_inventory_kpis(s):
    north = ids(s, Clinic, "north")
    item = SupplyItem(clinic_id=north, sku="GLV-M", name="Gloves M", unit_cost_cents=200, lead_time_days=14,
                      lead_time_sd_days=0, service_level=0.95)
    s.add(item)
    s.flush()
    end = date(2026, 3, 31)
    # 91 days of usage: 50 a day -> mean 50, sd 0 -> ROP = 700; on hand 650 -> below ROP; DOS = 13
    s.execute(insert(InventoryTransaction), [dict(source="t", external_id=f"u{i}", item_id=item.id,
                                                  tx_date=end - timedelta(days=i), kind="usage", quantity=50)
                                             for i in range(91)] + [
        dict(source="t", external_id="x", item_id=item.id, tx_date=end, kind="expired", quantity=50)])
    s.add_all([StockCount(item_id=item.id, count_date=end, on_hand=650),
               StockCount(item_id=item.id, count_date=date(2026, 3, 1), on_hand=850)])
    s.flush()
    assert ask(s, "days of supply 2026-03").measure.value == pytest.approx(13.0)
    assert ask(s, "rop 2026-03").measure.value == 1
    # March: 31 x 50 used + 50 expired -> waste 50 / 1,600
    assert ask(s, "expiry waste 2026-03").measure.value == pytest.approx(50 / 1600)
    # turns: 1,550 x $2 x 365/31 / (mean(650, 850) x $2)
    assert ask(s, "turns 2026-03").measure.value == pytest.approx(1550 * 365 / 31 / 750)


def test_list_shows_every_kpi_and_no_data_is_never_zero(s):
    items = list_kpis(s, OrgConfig(), now=NOW)
    assert len(items) == 20 and all(i.measure is None for i in items)
    a = ask(s, "no-show-rate 2026-03")
    assert a.measure.value is None and a.latest is None
