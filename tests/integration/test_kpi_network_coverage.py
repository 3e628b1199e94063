"""A network's per-day average over clinics whose data starts on different days, and clinics
with too short a history in by-clinic lists and the scorecard (bot.kpi.coverage). Expected values
worked out by hand from kpis.md's days-in-A/R definition (net A/R ÷ average daily net revenue):

* Alder: 10 USD of charges a day over all of Sep–Nov 2026 (91 days), net A/R 300 USD → 30.0 days;
* Birch: 20 USD a day from 2026-10-17 (45 days), net A/R 500 USD → 500 ÷ (900 ÷ 45) = 25.0 days;
* network: (300 + 500) ÷ (10 + 20 USD a day) = 26.67 days — not 800 ÷ (1,810 ÷ 91) = 40.2 days,
  which counts Birch's 46 days before its feed began as days without revenue;
* Cedar: 11 days of ledger (from 2026-11-20), net A/R 200 USD: below days-in-A/R's 30-day minimum,
  so it is left out of the network figure, and listed by clinic as "not enough history (11 days
  of data)", never silently dropped.
Inventory turns (annual consumption value ÷ average inventory value, kpis.md), Sep–Nov 2026 (91 days),
unit cost 10 USD:

* Alder: 1 unit a day all 91 days = 910 USD → 910 × 365 ÷ 91 = 3,650 USD a year; stock 100 units
  (counts 2026-08-31 and 2026-11-30) = 1,000 USD → 3.65 turns;
* Birch: 2 units a day from 2026-10-17 (45 days) = 900 USD → 900 × 365 ÷ 45 = 7,300 USD a year;
  stock 150 units (counts 2026-10-17 and 2026-11-30) = 1,500 USD → 4.87 turns;
* network: (3,650 + 7,300) ÷ (1,000 + 1,500) = 4.38 turns — not (1,810 × 365 ÷ 91) ÷ 2,500 = 2.90.
Initial denial rate (HFMA: initial denials in the month ÷ claims submitted per month averaged over
the three months before), March 2026, baseline Dec 2025–Feb 2026:

* Alder: submits 100 claims a month from 2025-12-01 → 300 ÷ 3 months = 100; 10 denials → 10 %;
* Birch: submits 60 a month from 2026-01-01 → 120 ÷ 2 months = 60; 12 denials → 20 %;
* network: (10 + 12) ÷ (100 + 60) = 13.75 % — not 22 ÷ (420 ÷ 3) = 15.71 %, which counts Birch's
  December, before its feed began, as a month without claims.
Both on the raw rows and on the roll-ups.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.kpi.engine import answer
from bot.kpi.grammar import parse_kpi_command
from bot.kpi.periods import PeriodSpec
from bot.kpi.rollup_refresh import refresh_all_rollups
from bot.kpi.scorecard import scorecard
from bot.orgconfig import OrgConfig
from bot.views.kpi import render_answer
from bot.views.reader import render_scorecard
from storage.db import session_scope
from storage.models import ArSnapshot, Claim, InventoryTransaction, LedgerEntry, Remittance, StockCount, SupplyItem
from storage.reference import ensure_clinics

END = date(2026, 11, 30)
NOW = datetime(2026, 12, 1, 15, 0)
CLINICS = {"alder": (91, 1_000, 30_000), "birch": (45, 2_000, 50_000)}  # days, cents a day, net A/R cents


def _ledgers(s, clinics: dict[str, tuple[int, int, int]]) -> None:  # type: ignore[no-untyped-def]
    ids = ensure_clinics(s, [{"key": k, "name": k.title()} for k in clinics])
    for key, (days, per_day, ar) in clinics.items():
        first = END - timedelta(days=days - 1)
        s.add_all([LedgerEntry(source="t", external_id=f"{key}{i}", clinic_id=ids[key], kind="charge",
                               posted_date=first + timedelta(days=i), amount_cents=per_day) for i in range(days)])
        s.add(ArSnapshot(clinic_id=ids[key], as_of_date=END, net_ar_cents=ar))
    s.flush()


def _ask(s, q: str):  # type: ignore[no-untyped-def]
    return answer(s, parse_kpi_command(q), OrgConfig(), now=NOW)


@pytest.mark.parametrize("rollups", [False, True])
def test_network_days_in_ar_sums_each_clinics_daily_revenue_over_its_own_days(sessions, rollups: bool) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        _ledgers(s, CLINICS)
        if rollups:
            refresh_all_rollups(s)
    with session_scope(sessions) as s:
        a = _ask(s, "days-in-ar 2026-11-30")
        assert a.measure.value == pytest.approx(800 / 30, abs=1e-9)  # 26.67 days, not 40.2
        assert "26.7 days" in render_answer(a)[1]
        by = _ask(s, "days-in-ar 2026-11-30 by clinic")
        assert {r.name: r.measure.value for r in by.breakdown or []} == pytest.approx({"Alder": 30.0, "Birch": 25.0})


@pytest.mark.parametrize("rollups", [False, True])
def test_a_clinic_with_too_short_a_history_stays_visible_by_clinic(sessions, rollups: bool) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        _ledgers(s, {**CLINICS, "cedar": (11, 5_000, 20_000)})
        if rollups:
            refresh_all_rollups(s)
    with session_scope(sessions) as s:
        a = _ask(s, "days-in-ar 2026-11-30")
        assert a.measure.value == pytest.approx(800 / 30, abs=1e-9)  # Cedar left out, and said so
        assert "1 clinic with too short a ledger history left out" in str(render_answer(a)[0])
        by = _ask(s, "days-in-ar 2026-11-30 by clinic")
        assert [r.name for r in by.breakdown or []] == ["Alder", "Birch"]  # ranked: Cedar has no value
        assert by.breakdown_unranked == [("Cedar", "not enough history (11 days of data)")]
        text = render_answer(by)[1] + str(render_answer(by)[0])
        assert "Not ranked, 1 clinic: Cedar — not enough history (11 days of data)" in text


def test_the_scorecard_says_not_enough_history_not_no_data(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        _ledgers(s, {"cedar": (11, 5_000, 20_000)})
    with session_scope(sessions) as s:
        _, rows = scorecard(s, OrgConfig(), "cedar", PeriodSpec(kind="all", text=""), visible={"days-in-ar", "no-show-rate"},
                            now=NOW)
        got = {r.kpi.id: (r.measure, r.short_days) for r in rows}
        assert got["days-in-ar"] == (None, 11)  # not enough history: 11 days of ledger
        assert got["no-show-rate"] == (None, None)  # no appointments at all: no data
        shown = [(r.kpi.name, r.shown(), "", None) for r in rows]
        _, text = render_scorecard("Cedar", "latest 30 days of each KPI's data", shown, hidden=0)
        assert "• *Days in A/R (net)*: not enough history (11 days of data)" in text
        assert "• *No-show rate*: no data" in text


def _inventory(s) -> None:  # type: ignore[no-untyped-def]
    ids = ensure_clinics(s, [{"key": "alder", "name": "Alder"}, {"key": "birch", "name": "Birch"}])
    for key, days, per_day, stock, counted in (("alder", 91, 1, 100, date(2026, 8, 31)),
                                               ("birch", 45, 2, 150, date(2026, 10, 17))):
        item = SupplyItem(clinic_id=ids[key], sku="GAUZE", name="Gauze", unit_cost_cents=1_000, lead_time_days=5)
        s.add(item)
        s.flush()
        s.add_all([StockCount(item_id=item.id, count_date=counted, on_hand=stock),
                   StockCount(item_id=item.id, count_date=END, on_hand=stock)])
        first = END - timedelta(days=days - 1)
        s.add_all([InventoryTransaction(source="t", external_id=f"{key}{i}", item_id=item.id, kind="usage",
                                        tx_date=first + timedelta(days=i), quantity=per_day) for i in range(days)])
    s.flush()


@pytest.mark.parametrize("rollups", [False, True])
def test_network_inventory_turns_annualise_each_clinic_over_its_own_days(sessions, rollups: bool) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        _inventory(s)
        if rollups:
            refresh_all_rollups(s)
    with session_scope(sessions) as s:
        a = _ask(s, "inventory-turns 2026-09-01..2026-11-30")
        assert a.measure.value == pytest.approx(10_950 / 2_500, abs=1e-9)  # 4.38, not 2.90
        by = _ask(s, "inventory-turns 2026-09-01..2026-11-30 by clinic")
        assert {r.name: r.measure.value for r in by.breakdown or []} == pytest.approx({"Alder": 3.65, "Birch": 7_300 / 1_500})


def test_the_digest_lists_a_kpi_with_too_short_a_history(sessions) -> None:  # type: ignore[no-untyped-def]
    """Cedar's days in A/R in its digest: "not enough history (11 days of data)", not left out."""
    from bot.digest.kpis import kpi_lines, with_data
    from storage.reference import clinic_by_key

    with session_scope(sessions) as s:
        _ledgers(s, {"cedar": (11, 5_000, 20_000)})
    with session_scope(sessions) as s:
        cedar = clinic_by_key(s, "cedar")
        assert cedar is not None
        lines, values = kpi_lines(s, OrgConfig(), cedar, date(2026, 12, 1), 30, ["days-in-ar"], {})
        assert [(x.kpi_id, x.value_text, x.on_target) for x in lines] == [
            ("days-in-ar", "not enough history (11 days of data)", None)]
        assert values == {}  # no figure to compare the next digest with
        assert with_data(s, cedar, date(2026, 12, 1), 30, ["days-in-ar"]) == []  # no figure to withhold either


def _claims(s) -> None:  # type: ignore[no-untyped-def]
    ids = ensure_clinics(s, [{"key": "alder", "name": "Alder"}, {"key": "birch", "name": "Birch"}])
    months = {"alder": [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)], "birch": [date(2026, 1, 1), date(2026, 2, 1)]}
    for key, per_month, denials in (("alder", 100, 10), ("birch", 60, 12)):
        for m in months[key]:
            s.add_all([Claim(source="t", external_id=f"{key}{m:%Y%m}-{k}", patient_control_number=f"{key}{m:%m}{k}",
                             clinic_id=ids[key], service_date=m, created_date=m, charge_cents=100_00, clean=True,
                             submitted_date=m + timedelta(days=k % 28)) for k in range(per_month)])
        s.add_all([Remittance(natural_key=f"{key}-d{k}", clinic_id=ids[key], patient_control_number=f"{key}D{k}",
                              claim_status_code="4", remit_date=date(2026, 3, 10), charge_cents=100_00, paid_cents=0,
                              is_denial=True) for k in range(denials)])
    s.flush()


@pytest.mark.parametrize("rollups", [False, True])
def test_network_initial_denial_rate_averages_each_clinics_submissions_over_its_own_months(sessions, rollups: bool) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        _claims(s)
        if rollups:
            refresh_all_rollups(s)
    with session_scope(sessions) as s:
        a = _ask(s, "initial-denial-rate 2026-03")
        assert a.measure.value == pytest.approx(22 / 160, abs=1e-12)  # 13.75 %, not 15.71 %
        by = _ask(s, "initial-denial-rate 2026-03 by clinic")
        assert {r.name: r.measure.value for r in by.breakdown or []} == pytest.approx({"Alder": 0.10, "Birch": 0.20})
