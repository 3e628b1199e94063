"""The generator on its own (no database): reproducibility, realistic ranges computed
independently with pandas from the generated rows, planted events present."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from devtools.seed import SeedParams, generate
from devtools.seed.params import day_number

END = date(2026, 3, 31)


@pytest.fixture(scope="module")
def net():
    return generate(SeedParams(clinics=3, days=60, seed=7, end_date=END))


def test_same_seed_gives_identical_frames(net) -> None:
    again = generate(SeedParams(clinics=3, days=60, seed=7, end_date=END))
    for name, frame in net.frames.items():
        pd.testing.assert_frame_equal(frame, again[name], obj=name)


def test_different_seed_gives_different_rows(net) -> None:
    other = generate(SeedParams(clinics=3, days=60, seed=8, end_date=END))
    assert not net["appointments"]["status"].equals(other["appointments"]["status"])
    assert net["claims"]["charge_cents"].sum() != other["claims"]["charge_cents"].sum()


def test_network_shape() -> None:
    big = generate(SeedParams(clinics=8, days=30, seed=3, end_date=END)).frames
    assert big["clinics"]["timezone"].nunique() >= 6  # several IANA zones incl. Phoenix, Honolulu
    per_clinic = big["providers"].groupby("clinic_ix").size()
    assert per_clinic.between(2, 8).all()
    assert big["clinics"]["key"].is_unique


def test_no_show_rate_in_realistic_range_and_rises_with_lead_time(net) -> None:
    a = net["appointments"]
    outcome = a[a["status"].isin(["completed", "no_show", "late_cancelled"])]
    rate = (outcome["status"] == "no_show").mean()
    assert 0.05 <= rate <= 0.25
    bands = pd.cut(outcome["lead_days"], [-1, 0, 7, 30, 400], labels=["same day", "1-7", "8-30", "31+"])
    by_band = outcome.groupby(bands, observed=True)["status"].apply(lambda s: (s == "no_show").mean())
    assert list(by_band.index) == ["same day", "1-7", "8-30", "31+"]
    assert by_band.is_monotonic_increasing and by_band.iloc[-1] > 2 * by_band.iloc[0]


def test_same_day_share_near_the_real_data(net) -> None:
    a = net["appointments"]
    kept = a[a["status"] != "cancelled"]
    assert 0.25 <= (kept["lead_days"] == 0).mean() <= 0.45  # 35 % in the Vitória data (SOURCES.md)


def test_past_has_outcomes_future_is_scheduled(net) -> None:
    a = net["appointments"]
    end = day_number(END)
    assert (a.loc[a["appt_day"] > end, "status"].isin(["scheduled", "cancelled"])).all()
    assert not (a.loc[a["appt_day"] <= end, "status"] == "scheduled").any()
    assert (a["booked_min"] <= (end + 1) * 1440).all()  # nothing booked after the generation instant


def test_clean_claim_and_denial_rates(net) -> None:
    assert 0.85 <= net["claims"]["clean"].mean() <= 0.99
    r = net["remits"]
    first = r[r["is_first"] & ~r["excluded"]]
    assert 0.03 <= first["is_denial"].mean() <= 0.15
    assert set(r.loc[r["status_code"] == "22", "excluded"]) == {True}
    dup_ids = net["adjustments"].loc[net["adjustments"]["carc"] == "18", "remit_ix"]
    assert r.set_index("remit_ix").loc[dup_ids, "excluded"].all()


def test_service_lines_add_up_to_the_claim_payment(net) -> None:
    lines = net["service_lines"].groupby("remit_ix")[["paid_cents", "charge_cents"]].sum()
    r = net["remits"].set_index("remit_ix").loc[lines.index]
    assert (lines["paid_cents"] == r["paid_cents"]).all()
    assert (lines["charge_cents"] == r["charge_cents"]).all()


def test_paid_claims_balance_charge_contractual_and_patient_share(net) -> None:
    r = net["remits"]
    paid = r[r["kind"] == "paid"]
    line_denied = net["adjustments"].query("line_number >= 0").groupby("remit_ix")["amount_cents"].sum()
    denied_amount = line_denied.reindex(paid["remit_ix"]).fillna(0).to_numpy()
    assert (paid["charge_cents"] == paid["paid_cents"] + paid["co45"] + paid["pr_cents"] + denied_amount).all()


def test_planted_denial_spike_is_in_the_rows(net) -> None:
    e = next(e for e in net.planted if e.kind == "denial_spike")
    clinic_ix = int(net["clinics"].index[net["clinics"]["key"] == e.clinic_key][0])
    payer_ix = int(net["payers"].index[net["payers"]["key"] == e.detail["payer_key"]][0])
    r = net["remits"].merge(net["claims"][["claim_ix", "clinic_ix", "payer_ix"]], on="claim_ix")
    r = r[r["is_first"] & ~r["excluded"] & (r["clinic_ix"] == clinic_ix) & (r["payer_ix"] == payer_ix)]
    since = day_number(e.detail["since"])
    recent = (r.loc[r["remit_day"] >= since, "denial_category"] == e.detail["category"]).mean()
    before = (r.loc[r["remit_day"] < since, "denial_category"] == e.detail["category"]).mean()
    assert recent > 0.15 and recent > 4 * before


def test_planted_operations_events_are_in_the_rows(net) -> None:
    kinds = {e.kind for e in net.planted}
    assert kinds >= {"denial_spike", "supply_rundown", "lot_expiry", "compliance_due", "compliance_overdue",
                     "feed_stopped"}
    end = day_number(END)
    lots = net["lots"]
    soon = lots[(lots["quantity_on_hand"] > 0) & (lots["expiry_day"] > end) & (lots["expiry_day"] <= end + 30)]
    assert len(soon) >= 2
    comp = net["compliance"]
    assert ((comp["due_day"] > end) & (comp["due_day"] <= end + 7)).sum() == 1
    assert (comp["due_day"] < end).sum() == 1
    stopped = next(e for e in net.planted if e.kind == "feed_stopped")
    assert net["surveys"]["day"].max() <= day_number(END - timedelta(days=stopped.detail["days"]))
    rundown = next(e for e in net.planted if e.kind == "supply_rundown")
    assert rundown.detail["on_hand"] < rundown.detail["reorder_point"]


def test_params_are_validated() -> None:
    with pytest.raises(ValueError):
        SeedParams(clinics=0)
    with pytest.raises(ValueError):
        SeedParams(days=5)


def test_ar_is_positive_and_ledger_amounts_positive(net) -> None:
    assert (net["ledger"]["amount"] > 0).all()
    assert (net["ar"]["net_ar_cents"] > 0).all()
    assert np.isin(net["ledger"]["kind"], ["charge", "payer_payment", "patient_payment", "refund",
                                           "contractual_adjustment", "denial_write_off", "bad_debt_write_off",
                                           "other_adjustment"]).all()


@pytest.fixture(scope="module")
def quiet():
    # 120 days ending in flu season: the seasonal vaccine usage is what used to run stock down
    return generate(SeedParams(clinics=3, days=120, seed=7, end_date=date(2026, 11, 29), plant_events=False))


def _stock_vs_rule(net, end: int) -> pd.DataFrame:
    """Per item: on hand at the end (receipts − usage − expiries ± adjustments) and the reorder
    point by kpis.md (d̄·L + z·√(L·σd² + d̄²·σL²)) over the 91 days of usage before the end,
    computed here with pandas/scipy from the transaction rows."""
    from scipy.stats import norm

    tx, items = net["inventory"], net["supply_items"]
    signed = np.where(tx["kind"].isin(["usage", "expired"]), -tx["quantity"], tx["quantity"])
    on_hand = pd.Series(signed).groupby(tx["item_ix"].to_numpy()).sum()
    days = np.arange(end - 90, end + 1)
    use = tx[tx["kind"] == "usage"].pivot_table(index="day", columns="item_ix", values="quantity", aggfunc="sum")
    use = use.reindex(index=days, columns=items["item_ix"], fill_value=0).fillna(0)
    d, sd = use.mean(), use.std(ddof=1)
    lt, slt = items["lead_time_days"].to_numpy(), items["lead_time_sd_days"].to_numpy()
    rop = d.to_numpy() * lt + norm.ppf(items["service_level"].to_numpy()) * np.sqrt(
        lt * sd.to_numpy() ** 2 + d.to_numpy() ** 2 * slt ** 2)
    return pd.DataFrame({"sku": items["sku"].to_numpy(), "on_hand": on_hand.reindex(items["item_ix"]).to_numpy(),
                         "rop": rop})


def test_quiet_network_plants_nothing(quiet) -> None:
    end = day_number(date(2026, 11, 29))
    assert quiet.planted == []
    comp = quiet["compliance"]
    assert (comp["due_day"] > end + 31).all()  # nothing within the 30-day reminder horizon
    assert (comp["corrective_day"] == -1).all()
    assert quiet["surveys"]["day"].max() >= end - 2  # the survey feed did not stop
    lots = quiet["lots"]
    assert not ((lots["quantity_on_hand"] > 0) & (lots["expiry_day"] <= end + 31)).any()
    assert (quiet["inventory"]["kind"] != "adjustment").all()  # no planted run-down count


def test_a_well_run_clinic_keeps_stock_above_the_reorder_point(quiet) -> None:
    stock = _stock_vs_rule(quiet, day_number(date(2026, 11, 29)))
    low = stock[stock["on_hand"] <= stock["rop"]]
    assert low.empty, low
    flu = stock[stock["sku"] == "VAC-FLU"]
    assert (flu["rop"] > 0).all()  # flu season: the reorder point is high, and stock is above it


def test_planted_run_down_is_below_the_rules_reorder_point(net) -> None:
    e = next(e for e in net.planted if e.kind == "supply_rundown")
    stock = _stock_vs_rule(net, day_number(END))
    clinic_ix = int(net["clinics"].index[net["clinics"]["key"] == e.clinic_key][0])
    item_ix = int(net["supply_items"][(net["supply_items"]["clinic_ix"] == clinic_ix)
                                      & (net["supply_items"]["sku"] == e.detail["sku"])]["item_ix"].iloc[0])
    row = stock.iloc[item_ix]
    assert row["on_hand"] == pytest.approx(e.detail["on_hand"])
    assert row["on_hand"] < row["rop"]
