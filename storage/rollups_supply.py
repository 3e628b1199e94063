"""``supply_item_daily``: per item and day, the trailing-window usage sums and the quantity on
hand that days of supply and reorder point need (``bot.kpi.inventory``), computed with numpy.

Daily usage = Σ quantity of the item's ``usage`` transactions that day; the window is the
``window_days`` days ending on the day (days without usage count as 0). On hand = the latest
stock count on or before the day, else the sum of the item's current lot quantities.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage.models import InventoryTransaction as T
from storage.models import StockCount, SupplyItem, SupplyLot
from storage.models.rollups import SupplyItemDaily
from storage.rollups_slots import _EPOCH, _dates, _write


def _days(values: pd.Series) -> np.ndarray:
    return (pd.to_datetime(values).to_numpy().astype("datetime64[D]") - _EPOCH).astype(np.int64)


def compute_supply(usage: pd.DataFrame, counts: pd.DataFrame, lots: dict[int, float], clinic_of: dict[int, int],
                   window: int) -> pd.DataFrame:
    """Rows of ``supply_item_daily`` from daily usage ``(item_id, day, qty, rows)`` and stock
    counts ``(item_id, day, on_hand)`` (day numbers), for days from the first to the last usage."""
    cols = ["item_id", "clinic_id", "day", "window_days", "usage_rows", "usage_window", "usage_sq_window", "on_hand"]
    if usage.empty:
        return pd.DataFrame(columns=cols)
    items = np.sort(usage["item_id"].unique())
    first, last = int(usage["day"].min()), int(usage["day"].max())
    n_days = last - first + 1
    row = np.searchsorted(items, usage["item_id"].to_numpy())
    col = usage["day"].to_numpy() - first
    qty = np.zeros((len(items), n_days))
    nrows = np.zeros((len(items), n_days), dtype=np.int64)
    np.add.at(qty, (row, col), usage["qty"].to_numpy(dtype=float))
    np.add.at(nrows, (row, col), usage["rows"].to_numpy(dtype=np.int64))

    def trailing(values: np.ndarray) -> np.ndarray:
        # a plain sum over each window (no running-sum differences: no cancellation, and a
        # window without usage sums to exactly 0)
        padded = np.concatenate([np.zeros((len(items), window - 1)), values], axis=1)
        return np.lib.stride_tricks.sliding_window_view(padded, window, axis=1).sum(axis=2)

    s1, s2 = trailing(qty), trailing(qty * qty)
    ii, dd = np.nonzero(s1 > 0)
    out = pd.DataFrame({"item_id": items[ii], "clinic_id": [clinic_of[int(i)] for i in items[ii]],
                        "day": dd + first, "window_days": window, "usage_rows": nrows[ii, dd],
                        "usage_window": s1[ii, dd], "usage_sq_window": s2[ii, dd]})
    # the latest stock count on or before each day, else the current lot quantities
    c = counts.astype({"item_id": "int64", "day": "int64"}).sort_values("day")
    out = pd.merge_asof(out.sort_values("day"), c, on="day", by="item_id", direction="backward")
    fallback = out["item_id"].map(lambda i: lots.get(int(i), np.nan)).astype(float)
    out["on_hand"] = out["on_hand"].astype(float).fillna(fallback)
    out = out.sort_values(["item_id", "day"]).reset_index(drop=True)
    return out[cols]


def refresh_supply(session: Session, window: int | None = None) -> int:
    """Recompute ``supply_item_daily`` for all items over the trailing ``window`` days (None:
    the engine's ``bot.kpi.inventory.USAGE_DAYS``), and with the engine's window the answers
    of days of supply and reorder point (``kpi_measure_daily``). Returns rows written."""
    from bot.kpi.inventory import USAGE_DAYS

    window = USAGE_DAYS if window is None else window
    session.execute(delete(SupplyItemDaily))
    if window == USAGE_DAYS:
        from storage.rollups_measures import write_measures

        for kpi_id in ("days-of-supply", "reorder-point"):
            write_measures(session, kpi_id, [])
    usage = pd.DataFrame(session.execute(
        select(T.item_id, T.tx_date, func.sum(T.quantity), func.count()).where(T.kind == "usage")
        .group_by(T.item_id, T.tx_date)).all(), columns=["item_id", "day", "qty", "rows"])
    if usage.empty:
        return 0
    usage["day"] = _days(usage["day"])
    counts = pd.DataFrame(session.execute(select(StockCount.item_id, StockCount.count_date, StockCount.on_hand)).all(),
                          columns=["item_id", "day", "on_hand"])
    counts["day"] = _days(counts["day"]) if len(counts) else counts["day"]
    lots = {int(k): float(v) for k, v in session.execute(select(SupplyLot.item_id, func.sum(SupplyLot.quantity_on_hand))
                                                         .group_by(SupplyLot.item_id)).all() if v is not None}
    clinic_of = dict(session.execute(select(SupplyItem.id, SupplyItem.clinic_id)).all())
    rows = compute_supply(usage, counts, lots, clinic_of, window)
    if window == USAGE_DAYS:  # the window the engine reads: store its answers too
        from storage.rollups_measures import supply_measures, write_measures

        meta = {r.id: dict(id=r.id, clinic_id=r.clinic_id, sku=r.sku, L=r.lead_time_days, sL=r.lead_time_sd_days,
                           level=r.service_level, cost=r.unit_cost_cents)
                for r in session.execute(select(SupplyItem.id, SupplyItem.clinic_id, SupplyItem.sku,
                                                SupplyItem.lead_time_days, SupplyItem.lead_time_sd_days,
                                                SupplyItem.service_level, SupplyItem.unit_cost_cents))}
        for kpi_id, answers in supply_measures(rows, meta, window).items():
            write_measures(session, kpi_id, answers)
    rows["day"] = _dates(rows["day"].to_numpy())
    _write(session, SupplyItemDaily.__table__, rows)
    return len(rows)
