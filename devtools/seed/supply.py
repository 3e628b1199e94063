"""Supply items, daily usage, reorders with variable lead times, FEFO lots with expiry, counts.

Each clinic stocks :data:`CATALOGUE`; daily usage on clinic days is Poisson-gamma (noisy, over-
dispersed) around ``per_provider × providers`` (flu vaccine ×8 from September to January).

Replenishment is a well-run clinic's continuous review: at the end of every day it projects the
on-hand at which a new order would arrive (on hand + on order − the expected usage over the
long lead time ``L + 2σL``, from the known usage calendar, so flu season is anticipated) and
orders when that projection falls to the reorder point plus the lead-time safety margin. The
reorder point is the larger of (a) the one the low-stock rule computes on that day
(:func:`rule_reorder_points`: ``d̄·L + z·√(L·σd² + d̄²·σL²)`` over the trailing 4–13 weeks of
daily usage, kpis.md "Inventory", the same window and formula as
:mod:`bot.alerts.rules.inventory`) and (b) the same formula on the expected usage ahead. So on
hand stays above the rule's reorder point and a quiet network raises no low-stock alert. An
order covers the larger of a month of planned usage and the expected usage of the next 30 days;
receipts arrive after ``max(1, N(L, σL))`` days as a new lot expiring ``shelf_days`` later;
usage consumes the earliest-expiring lot first and what is left on the expiry day is written off
as ``expired``. Stock counts on the last clinic day of every month and on the end date.
"""

from __future__ import annotations

from math import sqrt
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from devtools.seed.params import SeedParams, day_number

# sku, name, unit, unit cost cents, usage per provider-day, lead days, lead sd, shelf days, critical
CATALOGUE = (
    ("GLV-NIT-M", "Nitrile exam gloves, medium (box of 100)", "box", 900, 0.6, 5, 1.0, 1460, False),
    ("SYR-3ML", "Syringe 3 mL with needle (box of 100)", "box", 1500, 0.10, 7, 1.5, 1460, False),
    ("VAC-FLU", "Influenza vaccine, single-dose syringe", "dose", 1800, 0.4, 10, 3.0, 300, True),
    ("VAC-TDAP", "Tdap vaccine, single-dose vial", "dose", 4500, 0.15, 12, 3.0, 540, True),
    ("TST-GLU", "Glucose test strips (50)", "box", 2500, 0.2, 6, 1.0, 540, False),
    ("TST-STREP", "Rapid strep test kit (25 tests)", "kit", 6000, 0.06, 8, 2.0, 365, True),
    ("CUP-SPEC", "Specimen cup, sterile", "each", 40, 3.0, 5, 1.0, 1460, False),
    ("PAD-ALC", "Alcohol prep pads (box of 200)", "box", 400, 0.3, 4, 0.5, 1460, False),
    ("GAU-4X4", "Gauze sponges 4x4 (pack of 200)", "pack", 1200, 0.15, 5, 1.0, 1460, False),
    ("PPR-EXAM", "Exam table paper roll", "roll", 800, 0.4, 5, 1.0, 1460, False),
    ("TST-UA", "Urinalysis reagent strips (100)", "bottle", 3000, 0.05, 7, 1.5, 365, False),
    ("LIDO-1", "Lidocaine 1 %, 20 mL vial", "vial", 600, 0.1, 9, 2.0, 540, True),
    ("PPD-10", "Tuberculin PPD, 10-test vial", "vial", 9000, 0.04, 14, 4.0, 365, True),
    ("EPI-AUTO", "Epinephrine auto-injector", "each", 30000, 0.01, 10, 3.0, 540, True),
    ("SAN-500", "Hand sanitizer 500 mL", "bottle", 450, 0.3, 4, 0.5, 1095, False),
    ("TUB-EDTA", "Blood collection tubes EDTA (100)", "box", 2800, 0.1, 8, 2.0, 540, False),
)
FLU_MONTHS = (9, 10, 11, 12, 1)


PRE_DAYS = 20  # the opening stock is received this many days before the first day of history


def rule_reorder_points(usage: np.ndarray, lead: float, lead_sd: float, service_level: float) -> np.ndarray:
    """Element ``k``: the reorder point ``/kpi reorder-point`` and the low-stock rule compute
    (:mod:`bot.kpi.stock_position`) from ``usage[:k]`` (daily usage, oldest first), i.e. over the
    13 weeks (91 days, zeros for days without usage or before the history) ending the day before
    day ``k``; the last element is the reorder point at the end of the last day. Length
    ``len(usage) + 1``. Same formula: d̄ and sample σd over the 91 days, z = Φ⁻¹(service level)."""
    from bot.kpi.inventory import USAGE_DAYS

    padded = np.concatenate([np.zeros(USAGE_DAYS), usage, [0.0]])
    roll = pd.Series(padded).rolling(USAGE_DAYS)
    d = roll.mean().shift(1).to_numpy()[USAGE_DAYS:]
    sd = roll.std(ddof=1).shift(1).to_numpy()[USAGE_DAYS:]
    z = float(norm.ppf(service_level))
    return d * lead + z * np.sqrt(lead * sd**2 + d**2 * lead_sd**2)


def _calendar_sd(d: np.ndarray) -> np.ndarray:
    """Standard deviation of calendar-day usage with mean ``d`` (5 clinic days a week, Poisson-
    gamma with shape 4 on clinic days: var = 5/7·(m + m²/4 + m²) − d², m = 7/5·d)."""
    m = d * 7 / 5
    return np.sqrt(np.maximum(5 / 7 * (m + 1.25 * m**2) - d**2, 0.0))


def supply(p: SeedParams, clinics: pd.DataFrame, planted_item: tuple[int, str] | None = None) -> dict[str, pd.DataFrame]:
    """Frames ``items`` (``item_ix, clinic_ix, sku, …``), ``lots`` (``lot_ix, item_ix,
    lot_number, expiry_day, received_day, quantity_on_hand``), ``tx`` (``item_ix, lot_ix, day,
    kind, quantity``), ``counts`` (``item_ix, day, on_hand``) and the Series ``rop_at_end``
    (item_ix → the low-stock rule's reorder point on usage up to the end date).

    ``planted_item``: (clinic_ix, sku) whose replenishment stops 45 days before the end, with
    an end-date cycle count that leaves on-hand at 75 % of the rule's reorder point: a run-down
    for the inventory alert to find. None: no run-down (a quiet network).
    """
    rng = p.rng("supply")
    first, end = day_number(p.start_date), day_number(p.end_date)
    days = np.arange(first, end + 1)
    open_day = ((days + 3) % 7) < 5
    month = pd.to_datetime(days, unit="D").month.to_numpy()
    count_days = set(pd.Series(days[open_day]).groupby(month[open_day] * 10000 + pd.to_datetime(
        days[open_day], unit="D").year.to_numpy()).max().tolist()) | {end}
    ahead = np.arange(end + 1, end + 61)  # expected usage beyond the end date (forward sums)
    all_days = np.concatenate([days, ahead])
    all_open = ((all_days + 3) % 7) < 5
    all_month = pd.to_datetime(all_days, unit="D").month.to_numpy()
    items: list[tuple[Any, ...]] = []
    lots: list[tuple[Any, ...]] = []
    txs: list[tuple[Any, ...]] = []
    counts: list[tuple[Any, ...]] = []
    rops_at_end: dict[int, float] = {}
    for c in clinics.itertuples(index=False):
        for sku, name, unit, cost, per, lead, lead_sd, shelf, critical in CATALOGUE:
            item_ix = len(items)
            sl = 0.99 if critical else 0.95
            season = (sku == "VAC-FLU") & np.isin(month, FLU_MONTHS)
            mean = per * c.size * np.where(season, 8.0, 1.0)
            lam = rng.gamma(4.0, mean / 4.0) * open_day
            use = rng.poisson(lam).astype(float)
            d_bar = float(per * c.size * 5 / 7) * (3.0 if sku == "VAC-FLU" else 1.0)
            sd = sqrt(d_bar * (1 + d_bar / 4.0)) + 0.5
            z = float(norm.ppf(sl))
            rop = d_bar * lead + z * sqrt(lead * sd**2 + d_bar**2 * lead_sd**2)
            trigger = rop + d_bar * lead
            order_q = max(1.0, round(d_bar * 30))
            planted = planted_item == (c.clinic_ix, sku)
            expected = per * c.size * np.where((sku == "VAC-FLU") & np.isin(all_month, FLU_MONTHS), 8.0, 1.0) \
                * all_open
            policy = _policy(expected, len(days), use, lead, lead_sd, sl, rop)
            rops_at_end[item_ix] = float(policy["rule_rop"][-1])
            items.append((item_ix, c.clinic_ix, sku, name, unit, cost, lead, lead_sd, sl, trigger + order_q, critical, rop))
            state = _simulate(rng, item_ix, days, use, policy, order_q, lead, lead_sd, shelf, planted,
                              len(lots), first)
            lots += state["lots"]
            txs += state["tx"]
            counts += [(item_ix, d, q) for d, q in state["on_hand"] if d in count_days]
    return {
        "items": pd.DataFrame(items, columns=["item_ix", "clinic_ix", "sku", "name", "unit", "unit_cost_cents",
                                              "lead_time_days", "lead_time_sd_days", "service_level", "par_level",
                                              "critical", "rop_planned"]),
        "lots": pd.DataFrame(lots, columns=["lot_ix", "item_ix", "lot_number", "received_day", "expiry_day",
                                            "quantity_on_hand"]),
        "tx": pd.DataFrame(txs, columns=["item_ix", "lot_ix", "day", "kind", "quantity"]),
        "counts": pd.DataFrame(counts, columns=["item_ix", "day", "on_hand"]),
        "rop_at_end": pd.Series(rops_at_end, name="rop_at_end", dtype="float64"),
    }


def _policy(expected: np.ndarray, n: int, use: np.ndarray, lead: float, lead_sd: float, sl: float,
            rop_planned: float) -> dict[str, np.ndarray]:
    """Per history day: ``trigger`` (order when on hand + on order − ``lead_use`` ≤ it),
    ``lead_use`` (expected usage over the long lead time), ``cover`` (expected usage over the
    next 30 days) and ``rule_rop`` (the rule's reorder point; last element = after the end day)."""
    z = float(norm.ppf(sl))
    long_lead = int(np.ceil(lead + 2 * lead_sd))
    csum = np.concatenate([[0.0], np.cumsum(expected)])
    ix = np.arange(n)
    lead_use = csum[ix + 1 + long_lead] - csum[ix + 1]
    cover = csum[ix + 31] - csum[ix + 1]
    d_ahead = (csum[ix + 1 + max(1, int(lead))] - csum[ix + 1]) / max(1, int(lead))
    sd_ahead = _calendar_sd(d_ahead)
    rop_ahead = d_ahead * lead + z * np.sqrt(lead * sd_ahead**2 + d_ahead**2 * lead_sd**2)
    rule = rule_reorder_points(np.concatenate([np.zeros(PRE_DAYS), use]), lead, lead_sd, sl)
    rule_today = rule[PRE_DAYS:PRE_DAYS + n]
    floor = np.fmax(np.nan_to_num(rule_today, nan=rop_planned), rop_ahead)
    margin = z * np.fmax(_calendar_sd(d_ahead), 0.5) * np.sqrt(long_lead)
    return {"trigger": floor + margin, "lead_use": lead_use, "cover": cover, "rule_rop": rule[PRE_DAYS:]}


def _simulate(rng: np.random.Generator, item_ix: int, days: np.ndarray, use: np.ndarray, policy: dict[str, Any],
              order_q: float, lead: float, lead_sd: float, shelf: int, planted: bool, lot_base: int,
              first: int) -> dict[str, list[Any]]:
    lots: list[list] = []  # [lot_ix, item_ix, number, received, expiry, qty]
    tx: list[tuple] = []
    on_hand: list[tuple[int, float]] = []
    pending: list[tuple[int, float]] = []
    stop_from = days[-1] - 45 if planted else None
    trigger, lead_use, cover = policy["trigger"], policy["lead_use"], policy["cover"]

    def receive(day: int, qty: float) -> None:
        lot_ix = lot_base + len(lots)
        number = f"L{(day % 100000):05d}{int(rng.integers(100, 999))}"
        lots.append([lot_ix, item_ix, number, day, day + shelf, qty])
        tx.append((item_ix, lot_ix, day, "receipt", qty))

    def consume(day: int, need: float, kind: str) -> float:
        """Take ``need`` from the earliest-expiring lots (FEFO); returns the quantity taken."""
        taken = 0.0
        for lot in sorted((l for l in lots if l[5] > 0), key=lambda l: l[4]):
            if need <= 0:
                break
            take = min(need, lot[5])
            lot[5] -= take
            need -= take
            taken += take
            tx.append((item_ix, lot[0], day, kind, take if kind == "usage" else -take))
        return taken

    receive(first - PRE_DAYS, float(round(trigger[0] + lead_use[0] + max(order_q, cover[0]) * 0.5)))
    total = lots[0][5]
    for i, day in enumerate(days.tolist()):
        for arrival in [p_ for p_ in pending if p_[0] == day]:
            receive(day, arrival[1])
            total += arrival[1]
            pending.remove(arrival)
        if stop_from is not None and day == stop_from:
            pending.clear()
        total -= consume(day, use[i], "usage")
        if stop_from is not None and day == days[-1]:
            # the end-date cycle count finds the run-down well under the rule's reorder point
            delta = round(0.75 * float(policy["rule_rop"][-1]) - total)
            if delta > 0:  # the count found more than the books: a positive adjustment
                lot = max(lots, key=lambda l: l[4])
                lot[5] += delta
                tx.append((item_ix, lot[0], day, "adjustment", float(delta)))
                total += delta
            elif delta < 0:
                total -= consume(day, float(-delta), "adjustment")
        for lot in lots:
            if lot[4] == day and lot[5] > 0:
                tx.append((item_ix, lot[0], day, "expired", lot[5]))
                total -= lot[5]
                lot[5] = 0.0
        position = total + sum(q for _, q in pending) - lead_use[i]
        if position <= trigger[i] and (stop_from is None or day < stop_from):
            arrive = day + max(1, int(round(rng.normal(lead, lead_sd))))
            pending.append((arrive, float(max(order_q, round(cover[i]), round(trigger[i] - position)))))
        on_hand.append((day, total))
    return {"lots": [tuple(l) for l in lots], "tx": tx, "on_hand": on_hand}
