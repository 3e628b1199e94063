"""Alert rules on hand-built snapshots; expected values from kpis.md / spc.md / hand arithmetic."""

from __future__ import annotations

import csv
import math
from datetime import date, datetime, timedelta

import pytest

from bot.alerts.config import (
    AlertSettings,
    ComplianceParams,
    DenialParams,
    ExpiryParams,
    LowStockParams,
    StaleParams,
)
from bot.alerts.denial_drivers import RemitRow
from bot.alerts.rules.compliance import ComplianceSnapshot, compliance, milestone
from bot.alerts.rules.denials import alert_weeks, denial_spike
from bot.alerts.rules.inventory import ItemInfo, LotSnapshot, expiring_lots, low_stock
from bot.kpi.inventory import reorder_point as kpi_reorder_point
from bot.kpi.inventory import safety_stock as kpi_safety_stock
from bot.kpi.stock_position import StockPosition


def safety_stock(d: float, sd: float, lead: float, lead_sd: float, level: float) -> float:
    return kpi_safety_stock(d, sd, lead, level, lead_sd)


def reorder_point(d: float, sd: float, lead: float, lead_sd: float, level: float) -> float:
    return kpi_reorder_point(d, sd, lead, level, lead_sd)
from bot.alerts.rules.stale import stale_data


# kpis.md worked example: d̄ = 50/day, σd = 12, L = 14 days
@pytest.mark.parametrize("level, lead_sd, ss, rop", [
    (0.95, 0.0, 73.854, 773.854),
    (0.99, 0.0, 104.453, 804.453),
    (0.95, 2.0, 180.305, 880.305),
])
def test_reorder_point_worked_examples(level: float, lead_sd: float, ss: float, rop: float) -> None:
    assert safety_stock(50, 12, 14, lead_sd, level) == pytest.approx(ss, abs=5e-4)
    assert reorder_point(50, 12, 14, lead_sd, level) == pytest.approx(rop, abs=5e-4)


def test_reorder_point_uses_exact_z_not_165() -> None:
    # with z rounded to 1.65 the 95 % safety stock would be 74.08, not 73.854
    assert abs(safety_stock(50, 12, 14, 0, 0.95) - 1.65 * 12 * math.sqrt(14)) > 0.2


TODAY = date(2026, 3, 4)
USAGE = [48.0, 52.0] * 35  # 70 days: d̄ = 50, σd (ddof 1) = 2.0144…
INFO = {7: ItemInfo("Nitrile gloves M", "box", False)}


def _expected_rop() -> float:
    mean = sum(USAGE) / len(USAGE)
    sd = math.sqrt(sum((u - mean) ** 2 for u in USAGE) / (len(USAGE) - 1))
    return mean * 14 + 1.6448536269514722 * sd * math.sqrt(14)


def _item(on_hand: float) -> StockPosition:
    mean = sum(USAGE) / len(USAGE)
    sd = math.sqrt(sum((u - mean) ** 2 for u in USAGE) / (len(USAGE) - 1))
    return StockPosition(7, 1, "GLV-M", TODAY, on_hand, mean, sd, 14.0, 0.95, _expected_rop())


def test_low_stock_fires_at_or_below_reorder_point_with_days_of_supply() -> None:
    rop = _expected_rop()
    res = low_stock("north", TODAY, [_item(rop - 1)], INFO, TODAY, LowStockParams())
    [f] = res.findings
    assert f.subject == "item:7" and f.severity == "warning"
    assert f.facts["reorder_point"] == pytest.approx(rop, rel=1e-9)
    assert f.facts["days_of_supply"] == pytest.approx((rop - 1) / 50.0, rel=1e-9)
    ok = low_stock("north", TODAY, [_item(rop + 1)], INFO, TODAY, LowStockParams())
    assert ok.findings == [] and "item:7" in ok.clear
    at = low_stock("north", TODAY, [_item(rop)], INFO, TODAY, LowStockParams())  # "at or below"
    assert [f.subject for f in at.findings] == ["item:7"]


def test_low_stock_critical_item_escalates_to_owner() -> None:
    info = {7: ItemInfo("Tdap vaccine", "dose", True)}
    [f] = low_stock("north", TODAY, [_item(10)], info, TODAY, LowStockParams()).findings
    assert f.severity == "critical" and f.mention_owner


def test_low_stock_stale_inventory_is_no_data_not_all_clear() -> None:
    res = low_stock("north", TODAY, [_item(10_000)], INFO, TODAY - timedelta(days=8), LowStockParams())
    assert res.no_data and [f.subject for f in res.findings] == ["no-data"]
    assert res.clear == set()  # nothing resolves on stale data


def test_expiring_lots_value_at_risk_and_window() -> None:
    lots = [LotSnapshot(1, "L1", "Flu vaccine", "FLU", "dose", TODAY + timedelta(days=30), 12, 1850),
            LotSnapshot(2, "L2", "Flu vaccine", "FLU", "dose", TODAY + timedelta(days=31), 5, 1850),
            LotSnapshot(3, "L3", "Flu vaccine", "FLU", "dose", TODAY - timedelta(days=2), 3, 1850),
            LotSnapshot(4, "L4", "Flu vaccine", "FLU", "dose", TODAY + timedelta(days=3), 0, 1850)]
    res = expiring_lots("north", TODAY, lots, ExpiryParams(days=30))
    by = {f.subject: f for f in res.findings}
    assert set(by) == {"lot:1", "lot:3"}
    assert by["lot:1"].facts["value_at_risk_cents"] == 12 * 1850
    assert by["lot:3"].severity == "critical" and by["lot:3"].facts["days_left"] == -2
    assert {"lot:2", "lot:4"} <= res.clear


def test_expiring_lots_without_lot_data_is_no_data() -> None:
    assert expiring_lots("north", TODAY, None, ExpiryParams()).no_data


# --- denial spike: the spc.md vector (qicharts2), with week 12's spike moved to the latest week
def _vector(shared_dir) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    path = shared_dir / "spec" / "vectors" / "denials_weekly_input.csv"
    with path.open() as fh:
        return [(int(r["denied"]), int(r["claims"])) for r in csv.DictReader(fh)]


def _rows(series: list[tuple[int, int]], today: date, payer: str = "acme") -> list[RemitRow]:
    weeks = alert_weeks(today, len(series))
    rows = []
    for week, (denied, claims) in zip(weeks, series, strict=True):
        rows += [RemitRow(week, payer, payer.title(), i < denied, "authorization" if i < denied else None)
                 for i in range(claims)]
    return rows


def test_denial_spike_on_latest_week_names_rule_value_limit_n(shared_dir) -> None:  # type: ignore[no-untyped-def]
    data = _vector(shared_dir)
    series = data[:11] + data[12:] + [data[11]]  # 15 baseline weeks, then 88/630
    base_y, base_n = sum(d for d, _ in series[:-1]), sum(n for _, n in series[:-1])
    pbar = base_y / base_n
    ucl = pbar + 3 * math.sqrt(pbar * (1 - pbar) / 630)
    res = denial_spike("north", TODAY, _rows(series, TODAY),
                       DenialParams(weeks=16, min_baseline=12, min_claims=30, slices=["clinic"]))
    [f] = res.findings
    assert f.facts["kind"] == "spike" and f.facts["rule"] == "above the upper limit"
    assert f.facts["chart"] == "p"
    assert f.facts["value"] == pytest.approx(88 / 630, rel=1e-12)
    assert f.facts["limit"] == pytest.approx(ucl, rel=1e-9)
    assert (f.facts["denied"], f.facts["n"]) == (88, 630)
    assert "above the upper limit" in " ".join(f.lines)


def test_denial_quiet_latest_week_clears(shared_dir) -> None:  # type: ignore[no-untyped-def]
    data = _vector(shared_dir)
    series = data[:11] + data[12:] + [data[0]]  # latest week 42/610, well inside the limits
    res = denial_spike("north", TODAY, _rows(series, TODAY),
                       DenialParams(weeks=16, slices=["clinic", "payer", "category"]))
    assert res.findings == []
    assert {"clinic", "payer:acme", "category:authorization", "no-data"} <= res.clear


def test_denial_no_remittances_in_latest_week_is_no_data_not_all_clear(shared_dir) -> None:  # type: ignore[no-untyped-def]
    data = _vector(shared_dir)
    series = data[:15] + [(0, 0)]
    res = denial_spike("north", TODAY, _rows(series, TODAY), DenialParams(weeks=16))
    assert res.no_data and len(res.findings) == 1
    assert res.clear == set()


def test_denial_small_latest_volume_does_not_alert() -> None:
    series = [(5, 100)] * 15 + [(10, 12)]  # 83 % on 12 claims: below min_claims
    res = denial_spike("north", TODAY, _rows(series, TODAY), DenialParams(weeks=16, min_claims=30, slices=["clinic"]))
    assert res.findings == [] and "clinic" not in res.clear


def test_alert_weeks_end_with_last_complete_week() -> None:
    weeks = alert_weeks(date(2026, 3, 4), 3)  # a Wednesday
    assert weeks == [date(2026, 2, 9), date(2026, 2, 16), date(2026, 2, 23)]


# --- compliance
@pytest.mark.parametrize("days, step", [(45, None), (30, "30"), (20, "30"), (14, "14"), (8, "14"), (7, "7"),
                                        (2, "7"), (1, "1"), (0, "0"), (-1, "overdue")])
def test_compliance_milestones(days: int, step: str | None) -> None:
    assert milestone(days, [30, 14, 7, 1, 0]) == step


def test_compliance_overdue_escalates_and_corrective_follow_up() -> None:
    items = [ComplianceSnapshot("hipaa", "hipaa_risk_assessment", "HIPAA risk assessment", "U0MGR",
                                TODAY - timedelta(days=2), 12, "open", TODAY + timedelta(days=1)),
             ComplianceSnapshot("osha", "osha_training", "OSHA training", None, TODAY + timedelta(days=60),
                                12, "open", None)]
    res = compliance("north", TODAY, items, ComplianceParams())
    by = {f.subject: f for f in res.findings}
    assert by["item:hipaa"].severity == "critical" and by["item:hipaa"].mention_owner
    assert by["item:hipaa"].milestone == "overdue"
    assert by["corrective:hipaa"].milestone == "1"
    assert {"item:osha", "corrective:osha"} <= res.clear


# --- stale data
READS = {"low_stock": "inventory", "expiring_lots": "lots", "denial_spike": "remittances"}  # rule → feed


def test_stale_feeds_are_one_finding_that_tells_the_truth() -> None:
    now = datetime(2026, 3, 4, 12)
    loads = {"remittances": now - timedelta(days=9), "appointments": now - timedelta(hours=20)}
    res = stale_data("organisation", now, loads, StaleParams(default_hours=72, feeds={"inventory": 48}),
                     READS)
    [f] = res.findings  # one incident for every overdue feed (issue 16), not one per feed
    assert f.subject == "feeds" and f.severity == "no_data"
    assert f.facts["feeds"] == ["inventory", "remittances"]  # inventory configured, never loaded
    assert f.title == "No new data: 2 feeds overdue (inventory, remittances)"
    assert "inventory: never loaded" in f.lines[0]
    assert f.lines[1].startswith("remittances: last loaded 2026-02-23 12:00 UTC (9.0 days ago)")
    # what really happens (tester item 4): KPIs answer from the older data, and the rules that read
    # the feeds are still evaluated on it (run_alerts runs every rule; only their "no data" is folded)
    assert f.lines[-1] == ("KPIs that use these feeds answer from the data loaded before they stopped; the "
                           "denial-spike, low-stock alerts are still checked on that same data, so nothing after "
                           "it can raise one until the feed is loaded again.")
    assert res.clear == {"feed:appointments"}
    fresh = stale_data("organisation", now, {"appointments": now}, StaleParams(), READS)
    assert fresh.findings == [] and "feeds" in fresh.clear


def test_clinic_override_merges_over_org_settings() -> None:
    s = AlertSettings.model_validate({"denial_spike": {"min_claims": 40},
                                      "clinics": {"north": {"denial_spike": {"weeks": 20}}}})
    north = s.for_clinic("north").denial_spike
    assert (north.weeks, north.min_claims) == (20, 40)
    assert s.for_clinic("south").denial_spike.weeks == 26


def test_one_denial_event_is_one_finding_with_its_slices(shared_dir) -> None:  # type: ignore[no-untyped-def]
    """Issue 16: one spike opened three incidents (all payers, the payer, the category)."""
    data = _vector(shared_dir)
    series = data[:11] + data[12:] + [data[11]]
    res = denial_spike("north", TODAY, _rows(series, TODAY),
                       DenialParams(weeks=16, min_baseline=12, min_claims=30, slices=["clinic", "payer", "category"]))
    [f] = res.findings
    assert f.subject == "denials" and f.title.startswith("Denial spike: ")
    assert sorted(f.facts["slices"]) == ["category:authorization", "clinic", "payer:acme"]
    # the headline, one line per signalling chart (3), then the drivers line (issue 19)
    assert len(f.lines) == 1 + 3 + 1 and res.charts_evaluated == 3
    assert f.lines[-1].startswith("Why: ") and "payer Acme" in f.lines[-1]


def test_kpi_reading_and_alert_judge_the_latest_week_alike(shared_dir) -> None:  # type: ignore[no-untyped-def]
    from bot.kpi.catalogue import BY_ID
    from bot.kpi.spc_reading import describe, trend_chart

    data = _vector(shared_dir)
    series = data[:11] + data[12:] + [data[11]]
    chart = trend_chart(BY_ID["denial-rate"], [d / n for d, n in series], [float(d) for d, _ in series],
                        [float(n) for _, n in series])
    labels = [f"W{i}" for i in range(16)]
    line = describe(BY_ID["denial-rate"], chart, labels, 16)
    assert line.startswith("p chart: W15 is above the upper limit (13.97 % vs ")
    quiet = data[:11] + data[12:] + [data[0]]
    chart = trend_chart(BY_ID["denial-rate"], [d / n for d, n in quiet], [float(d) for d, _ in quiet],
                        [float(n) for _, n in quiet])
    assert "within the limits" in describe(BY_ID["denial-rate"], chart, labels, 16)


def test_denial_alert_names_its_weeks_as_answers_do() -> None:
    """One name per period (tester's report): the alert's ISO weeks read "week of 5 Jan 2026", as
    in a /kpi answer, not "week of 2026-01-05". Weeks from alert_weeks' documented rule (the last
    complete Monday week before TODAY, Wed 4 Mar 2026, is 23 Feb); 8 low weeks then 8 high ones."""
    series = [(4, 100), (6, 100)] * 4 + [(11, 100), (13, 100)] * 4
    res = denial_spike("north", TODAY, _rows(series, TODAY),
                       DenialParams(weeks=16, min_baseline=6, min_claims=30, min_expected=1, slices=["clinic"]))
    [f] = res.findings
    assert f.lines[0].startswith("Week of 23 Feb 2026: 1 of the clinic's denial charts signal upward")
    if f.facts["kind"] == "shift":  # the run of high weeks began 7 weeks before the latest
        assert f.lines[0].endswith("; the shift began the week of 5 Jan 2026")
    assert "2026-0" not in " ".join(f.lines)


def test_a_feed_expected_hourly_says_its_age_in_hours_and_one_hour_in_the_singular() -> None:
    """A feed expected every hour, last loaded 90 minutes ago: "1.5 hours ago" (never "0.1 days
    ago"), "every 1 hour"; past two days the age is in days again."""
    now = datetime(2026, 3, 4, 12)
    loads = {"appointments": now - timedelta(minutes=90), "remittances": now - timedelta(hours=60)}
    res = stale_data("organisation", now, loads, StaleParams(default_hours=1), READS)
    [f] = res.findings
    assert "appointments: last loaded 2026-03-04 10:30 UTC (1.5 hours ago); expected at least every 1 hour" in f.lines
    assert "remittances: last loaded 2026-03-02 00:00 UTC (2.5 days ago); expected at least every 1 hour" in f.lines
