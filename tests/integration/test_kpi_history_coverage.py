"""Per-day averages divide by the days the data covers inside their window (bot.kpi.coverage),
and say so; below the catalogue's minimum the answer is "not enough history". The outside
tester's cases, with expected values worked out by hand:

* one item, stock counts 100 then 60, 30 days of 2 units a day: days of supply = 60 ÷ 2 = 30.0
  (not 60 ÷ (60/91) = 91.0), "based on 30 days of usage — less than the 91-day window";
  20 days of usage: fewer than kpis.md's 4 weeks, "not enough history";
* net A/R 500 USD with a ledger of 11 days: "not enough history" (not 56.9 days); a ledger of
  45 days in the 92-day window Sep–Nov: 500 ÷ (revenue ÷ 45).
Both on the raw rows and on the roll-ups the seed and importers build.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from bot.kpi.engine import answer
from bot.kpi.grammar import parse_kpi_command
from bot.kpi.rollup_refresh import refresh_all_rollups
from bot.orgconfig import OrgConfig
from bot.views.kpi import render_answer
from storage.db import session_scope
from storage.models import ArSnapshot, InventoryTransaction, LedgerEntry, StockCount, SupplyItem
from storage.reference import ensure_clinics

END = date(2026, 11, 30)
NOW = datetime(2026, 12, 1, 15, 0)


def _inventory(s, usage_days: int) -> None:  # type: ignore[no-untyped-def]
    clinic = ensure_clinics(s, [{"key": "seaside", "name": "Seaside"}])["seaside"]
    item = SupplyItem(clinic_id=clinic, sku="GAUZE", name="Gauze", unit_cost_cents=1000, lead_time_days=5)
    s.add(item)
    s.flush()
    first = END - timedelta(days=usage_days - 1)
    s.add_all([StockCount(item_id=item.id, count_date=first, on_hand=100),
               StockCount(item_id=item.id, count_date=END, on_hand=60)])
    s.add_all([InventoryTransaction(source="t", external_id=f"u{i}", item_id=item.id, tx_date=first + timedelta(days=i),
                                    kind="usage", quantity=2) for i in range(usage_days)])
    s.flush()


def _seed(sessions, rollups: bool, seed: Callable[..., None], *args: int) -> None:  # type: ignore[no-untyped-def]
    """``seed(s, *args)`` in one committed session; with ``rollups`` the roll-ups are rebuilt from it."""
    with session_scope(sessions) as s:
        seed(s, *args)
        if rollups:
            refresh_all_rollups(s)


def _ask(s, q: str):  # type: ignore[no-untyped-def]
    return answer(s, parse_kpi_command(q), OrgConfig(), now=NOW)


@pytest.mark.parametrize("rollups", [False, True])
def test_days_of_supply_on_30_days_of_usage(sessions, rollups: bool) -> None:  # type: ignore[no-untyped-def]
    _seed(sessions, rollups, _inventory, 30)
    with session_scope(sessions) as s:
        a = _ask(s, "days-of-supply")
        assert a.measure.value == pytest.approx(30.0, abs=1e-12)
        assert a.measure.last == END
        _, text = render_answer(a)
        assert "30.0 days" in text
        assert "based on 30 days of usage — less than the 91-day window" in str(render_answer(a)[0])
        # reorder point reads the same usage statistics: d̄ = 2/day (σd = 0), L = 5 → ROP = 10 < 60
        rop = _ask(s, "reorder-point")
        assert (rop.measure.value, rop.measure.d) == (0.0, 1)


@pytest.mark.parametrize("rollups", [False, True])
def test_days_of_supply_on_too_short_a_history(sessions, rollups: bool) -> None:  # type: ignore[no-untyped-def]
    _seed(sessions, rollups, _inventory, 20)
    with session_scope(sessions) as s:
        a = _ask(s, "days-of-supply")
        assert a.measure.value is None
        _, text = render_answer(a)
        assert "not enough history" in text and "20 days of the 91-day window" in text
        assert "at least 28 days" in text


def _ledger(s, days: int, revenue_cents: int) -> None:  # type: ignore[no-untyped-def]
    clinic = ensure_clinics(s, [{"key": "seaside", "name": "Seaside"}])["seaside"]
    first = END - timedelta(days=days - 1)
    per_day = revenue_cents // days
    s.add_all([LedgerEntry(source="t", external_id=f"c{i}", clinic_id=clinic, posted_date=first + timedelta(days=i),
                           kind="charge", amount_cents=per_day) for i in range(days)])
    s.add(ArSnapshot(clinic_id=clinic, as_of_date=END, net_ar_cents=50_000))
    s.flush()


@pytest.mark.parametrize("rollups", [False, True])
def test_days_in_ar_on_a_short_ledger(sessions, rollups: bool) -> None:  # type: ignore[no-untyped-def]
    _seed(sessions, rollups, _ledger, 11, 80_000 // 11 * 11)
    with session_scope(sessions) as s:
        a = _ask(s, "days-in-ar 2026-11-30")
        assert a.measure.value is None
        _, text = render_answer(a)
        assert "not enough history" in text and "2026-11-20" in text and "11 days of the 91-day window" in text


@pytest.mark.parametrize("rollups", [False, True])
def test_days_in_ar_divides_by_the_days_covered(sessions, rollups: bool) -> None:  # type: ignore[no-untyped-def]
    _seed(sessions, rollups, _ledger, 45, 45 * 2_000)  # 20 USD a day from 2026-10-17
    with session_scope(sessions) as s:
        a = _ask(s, "days-in-ar 2026-11-30")
        # Sep–Nov is 91 days; the ledger covers 45 of them: 500 USD ÷ (900 USD ÷ 45 days) = 25.0 days
        assert a.measure.value == pytest.approx(25.0, abs=1e-12)
        flat = str(render_answer(a)[0])
        assert "/ 45 days; based on 45 days of ledger data — less than the 91-day window" in flat
        assert "2026-10-17..2026-11-30" in flat


def _ledger_reversed(s) -> None:  # type: ignore[no-untyped-def]
    _ledger(s, 45, 45 * 2_000)
    clinic = ensure_clinics(s, [{"key": "seaside", "name": "Seaside"}])["seaside"]
    s.add(LedgerEntry(source="t", external_id="adj", clinic_id=clinic, posted_date=END,
                      kind="contractual_adjustment", amount_cents=100_000))
    s.flush()


@pytest.mark.parametrize("rollups", [False, True])
def test_days_in_ar_over_a_negative_revenue_is_not_computable(sessions, rollups: bool) -> None:  # type: ignore[no-untyped-def]
    # 45 days × 20 USD charged − 1,000 USD contractual adjustments = −100.00 USD net revenue: no
    # "days" (500 ÷ (−100 ÷ 45) = −225 days means nothing) and not "no data" either
    _seed(sessions, rollups, _ledger_reversed)
    with session_scope(sessions) as s:
        a = _ask(s, "days-in-ar 2026-11-30")
        assert a.measure.value is None
        _, text = render_answer(a)
        assert "not computable: net patient service revenue 2026-10-17..2026-11-30 is −100.00 USD" in text, text
