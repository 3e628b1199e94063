"""Inventory KPIs (kpis.md "Inventory": standard operations-management formulas).

Readings where kpis.md gives a range or leaves a choice (the catalogue's documented ones):
* usage statistics over the trailing 13 weeks (91 days ending on the measurement day) from the
  clinic's first usage record on (the days the usage data covers), days without usage counted
  as 0; σd is the sample standard deviation (n − 1) of those daily totals; an item whose clinic
  has fewer than 28 such days (kpis.md's 4 weeks) is not measured;
* on hand at the end of the day = the item's latest stock count on or before the day plus the
  receipts and signed adjustments minus usage and expired stock dated after the count and on or
  before the day, else its lots on hand;
* days of supply and reorder point are measured on the period's last day, or on the latest day
  in scope with any inventory transaction or stock count when that is earlier; items without
  usage in the window are not counted;
* days of supply: the median over items; reorder point: how many items have on hand ≤ ROP
  (N = that count, D = items measured); z = Φ⁻¹(service level) exactly (``statistics.NormalDist``);
* inventory turns: consumption value in the period × 365 ÷ the period's calendar days (up to the
  latest inventory data in scope, from the first usage record in scope on; fewer than
  min(28, the period's days): no data), ÷ the average inventory value (per item, the mean of its
  opening stock, the last count before the period, and its stock counts in that span, × unit
  cost, summed);
* expiry waste: expired value ÷ (usage value + expired value), by transaction date.
"""

from __future__ import annotations

from datetime import date, timedelta
from math import sqrt
from statistics import NormalDist

import numpy as np
import pandas as pd

from tests.oracle.frames import NO_DATA, Ask, Expected, ratio
from tests.oracle.tables import RawTables

WINDOW_DAYS = 91


def _items(t: RawTables, ask: Ask) -> pd.DataFrame:
    return t.items if ask.clinic_id is None else t.items[t.items.clinic_id == ask.clinic_id]


def _tx(t: RawTables, ask: Ask) -> pd.DataFrame:
    """Transactions of items in scope with their value in cents (quantity × unit cost)."""
    tx = t.inventory.merge(_items(t, ask)[["id", "unit_cost_cents"]], left_on="item_id", right_on="id")
    return tx.assign(value=tx.quantity * tx.unit_cost_cents)


def _usage_day(t: RawTables, ask: Ask) -> date | None:
    tx = _tx(t, ask)
    counts = t.stock_counts[t.stock_counts.item_id.isin(_items(t, ask).id)]
    found = [d for d in (tx.tx_date.max(), counts.count_date.max()) if not pd.isna(d)]
    if not found:
        return None
    day = min(ask.end, max(found).date())
    return None if day < ask.start else day


_SIGN = {"usage": -1.0, "expired": -1.0, "receipt": 1.0, "adjustment": 1.0}


def _measured_items(t: RawTables, ask: Ask, day: date) -> pd.DataFrame:
    """Per item in scope with usage in the window: mean and sd of daily usage, on hand."""
    items = _items(t, ask)
    lo = pd.Timestamp(day - timedelta(days=WINDOW_DAYS - 1))
    tx = t.inventory[(t.inventory.kind == "usage") & t.inventory.tx_date.between(lo, pd.Timestamp(day))]
    daily = {k: g.to_numpy() for k, g in tx.groupby(["item_id", "tx_date"]).quantity.sum().groupby(level=0)}
    counts = t.stock_counts[t.stock_counts.count_date <= pd.Timestamp(day)].sort_values("count_date")
    last = counts.groupby("item_id").last()
    moves = t.inventory[t.inventory.tx_date <= pd.Timestamp(day)].merge(
        last[["count_date"]], left_on="item_id", right_index=True)
    moves = moves[moves.tx_date > moves.count_date]
    net = (moves.quantity * moves.kind.map(_SIGN)).groupby(moves.item_id).sum()
    counted = last.on_hand.add(net, fill_value=0.0)
    lots = t.lots.groupby("item_id").quantity_on_hand.sum()
    usage = t.inventory[t.inventory.kind == "usage"].merge(t.items[["id", "clinic_id"]], left_on="item_id",
                                                           right_on="id")
    first_use = usage.groupby("clinic_id").tx_date.min()
    rows = []
    for item in items.itertuples():
        per_day = daily.get(item.id, np.array([]))
        start = max(day - timedelta(days=WINDOW_DAYS - 1), first_use[item.clinic_id].date()) \
            if item.clinic_id in first_use.index else day + timedelta(days=1)
        covered = (day - start).days + 1
        if covered < 28:
            continue
        series = np.concatenate([per_day, np.zeros(covered - len(per_day))])
        hand = counted.get(item.id, lots.get(item.id))
        rows.append((item.id, series.mean(), series.std(ddof=1), hand, item.lead_time_days,
                     item.lead_time_sd_days, item.service_level))
    out = pd.DataFrame(rows, columns=["id", "mean", "sd", "on_hand", "L", "sL", "level"])
    return out[(out["mean"] > 0) & out.on_hand.notna()]


def _measured_on_usage_day(t: RawTables, ask: Ask) -> pd.DataFrame | None:
    """:func:`_measured_items` on the ask's usage day; None where there is no such day or no item."""
    day = _usage_day(t, ask)
    if day is None:
        return None
    m = _measured_items(t, ask, day)
    return None if m.empty else m


def days_of_supply(t: RawTables, ask: Ask) -> Expected:
    """Median over items of on hand ÷ average daily usage."""
    m = _measured_on_usage_day(t, ask)
    if m is None:
        return NO_DATA
    return Expected(value=float(np.median(m.on_hand / m["mean"])), n=len(m), d=len(m))


def reorder_point(mean: float, sd: float, lead: float, lead_sd: float, level: float) -> float:
    """ROP = d̄·L + z·√(L·σd² + d̄²·σL²) (kpis.md; reduces to z·σd·√L when σL = 0)."""
    return mean * lead + NormalDist().inv_cdf(level) * sqrt(lead * sd ** 2 + mean ** 2 * lead_sd ** 2)


def items_at_or_below_reorder_point(t: RawTables, ask: Ask) -> Expected:
    m = _measured_on_usage_day(t, ask)
    if m is None:
        return NO_DATA
    rop = [reorder_point(r.mean, r.sd, r.L, r.sL, r.level) for r in m.itertuples()]
    below = int((m.on_hand.to_numpy() <= np.array(rop)).sum())
    return Expected(value=float(below), n=below, d=len(m))


def inventory_turns(t: RawTables, ask: Ask) -> Expected:
    """Annualised consumption value ÷ average inventory value (N, D in cents, not whole)."""
    tx = _tx(t, ask)
    counts = t.stock_counts[t.stock_counts.item_id.isin(_items(t, ask).id)]
    latest = max([d for d in (tx.tx_date.max(), counts.count_date.max()) if not pd.isna(d)], default=None)
    if latest is None:
        return NO_DATA
    end = min(ask.end, latest.date())
    span = Ask(ask.clinic_id, ask.start, end)
    used = tx[(tx.kind == "usage") & tx.tx_date.between(span.lo, span.hi)]
    if end < ask.start or used.empty:
        return NO_DATA
    opening = counts[counts.count_date < span.lo].sort_values("count_date").groupby("item_id").tail(1)
    c = pd.concat([opening, counts[counts.count_date.between(span.lo, span.hi)]])
    cost = t.items.set_index("id").unit_cost_cents
    avg_value = float((c.groupby("item_id").on_hand.mean() * cost).dropna().sum())
    if not avg_value:
        return NO_DATA
    first_use = tx[tx.kind == "usage"].tx_date.min().date()
    days = (end - max(ask.start, first_use)).days + 1
    if days < min(28, (end - ask.start).days + 1):
        return NO_DATA
    annual = float(used.value.sum()) * 365 / days
    return Expected(value=annual / avg_value, n=annual, d=avg_value, exact=False)


def expiry_waste(t: RawTables, ask: Ask) -> Expected:
    """Value expired ÷ (value consumed + value expired) in the period, in cents."""
    tx = _tx(t, ask)
    tx = tx[tx.tx_date.between(ask.lo, ask.hi)]
    expired = float(tx[tx.kind == "expired"].value.sum())
    return ratio(expired, expired + float(tx[tx.kind == "usage"].value.sum()))
