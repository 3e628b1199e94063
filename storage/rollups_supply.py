"""``supply_item_daily``: per item and day, the trailing-window usage sums and the quantity on
hand that days of supply and reorder point need (``bot.kpi.inventory``), computed with numpy.

Daily usage = Σ quantity of the item's ``usage`` transactions that day; the window is the
``window_days`` days ending on the day (days without usage count as 0). On hand at the end of
the day = the latest stock count on or before the day plus the net movements (receipts +,
usage and expired −, signed adjustments) dated after the count and on or before the day, else
the sum of the item's current lot quantities. Rows run to the latest movement or count, so a
count or adjustment dated after the last usage day has its own row (issue 16).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from storage.models import InventoryTransaction as T
from storage.models import StockCount, SupplyItem, SupplyLot
from storage.models.rollups import SupplyItemDaily
from storage.rollups_slots import _EPOCH, _dates, _write

# called with the computed rows and each item's fields by id, to store the answers
SupplyAnswers = Callable[[pd.DataFrame, dict[int, dict[str, Any]]], None]

# a movement's effect on the quantity on hand: adjustments are signed already
SIGNED_QUANTITY = case((T.kind.in_(("usage", "expired")), -T.quantity), (T.kind == "receipt", T.quantity),
                       else_=T.quantity)


def _days(values: pd.Series) -> np.ndarray:
    return (pd.to_datetime(values).to_numpy().astype("datetime64[D]") - _EPOCH).astype(np.int64)


def compute_supply(usage: pd.DataFrame, counts: pd.DataFrame, lots: dict[int, float], clinic_of: dict[int, int],
                   window: int, moves: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows of ``supply_item_daily`` from daily usage ``(item_id, day, qty, rows)``, stock
    counts ``(item_id, day, on_hand)`` and net signed movements ``(item_id, day, net)`` (day
    numbers), for days from the first usage to the latest usage, movement or count."""
    cols = ["item_id", "clinic_id", "day", "window_days", "usage_rows", "usage_window", "usage_sq_window", "on_hand"]
    if usage.empty:
        return pd.DataFrame(columns=cols)
    moves = pd.DataFrame(columns=["item_id", "day", "net"]) if moves is None else moves
    items = np.sort(usage["item_id"].unique())
    first = min(int(f["day"].min()) for f in (usage, moves, counts) if len(f))
    last = max(int(f["day"].max()) for f in (usage, moves, counts) if len(f))
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
    c = c.assign(count_day=c["day"])
    out = pd.merge_asof(out.sort_values("day"), c, on="day", by="item_id", direction="backward")
    # net movements after the count day, through the row's day (cumulative sums per item)
    net = np.zeros((len(items), n_days))
    known = moves[moves["item_id"].isin(items)] if len(moves) else moves
    if len(known):
        np.add.at(net, (np.searchsorted(items, known["item_id"].to_numpy()), known["day"].to_numpy() - first),
                  known["net"].to_numpy(dtype=float))
    cum = np.cumsum(net, axis=1)
    counted = out["count_day"].notna().to_numpy()
    r = np.searchsorted(items, out["item_id"].to_numpy())
    since = np.zeros(len(out))
    cd = out["count_day"].to_numpy(dtype=float)
    since[counted] = cum[r[counted], out["day"].to_numpy()[counted] - first] - cum[r[counted], cd[counted].astype(np.int64) - first]
    fallback = out["item_id"].map(lambda i: lots.get(int(i), np.nan)).astype(float)
    out["on_hand"] = (out["on_hand"].astype(float) + since).fillna(fallback)
    out = out.sort_values(["item_id", "day"]).reset_index(drop=True)
    return out[cols]


def refresh_supply(session: Session, window: int, answers: SupplyAnswers | None = None) -> int:
    """Recompute ``supply_item_daily`` for all items over the trailing ``window`` days. With
    ``answers`` (given for the window the engine reads, :func:`bot.kpi.rollup_refresh.refresh_supply`)
    it is called with the computed rows (``item_id, clinic_id, day`` as a day number,
    ``usage_window, usage_sq_window, on_hand``) and each item's fields by id (``id, clinic_id,
    sku, L, sL, level, cost``) to store the answers. Returns rows written."""
    session.execute(delete(SupplyItemDaily))
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
    moves = pd.DataFrame(session.execute(
        select(T.item_id, T.tx_date, func.sum(SIGNED_QUANTITY)).group_by(T.item_id, T.tx_date)).all(),
        columns=["item_id", "day", "net"])
    moves["day"] = _days(moves["day"]) if len(moves) else moves["day"]
    rows = compute_supply(usage, counts, lots, clinic_of, window, moves)
    if answers is not None:
        meta = {r.id: dict(id=r.id, clinic_id=r.clinic_id, sku=r.sku, L=r.lead_time_days, sL=r.lead_time_sd_days,
                           level=r.service_level, cost=r.unit_cost_cents)
                for r in session.execute(select(SupplyItem.id, SupplyItem.clinic_id, SupplyItem.sku,
                                                SupplyItem.lead_time_days, SupplyItem.lead_time_sd_days,
                                                SupplyItem.service_level, SupplyItem.unit_cost_cents))}
        answers(rows, meta)
    rows["day"] = _dates(rows["day"].to_numpy())
    _write(session, SupplyItemDaily.__table__, rows)
    return len(rows)
