"""Supply items, daily usage, reorders with variable lead times, FEFO lots with expiry, counts.

Each clinic stocks :data:`CATALOGUE`; daily usage on clinic days is Poisson-gamma (noisy, over-
dispersed) around ``per_provider × providers`` (flu vaccine ×8 from September to January).
Replenishment is a continuous-review policy that orders a month of stock when on-hand falls to
``2·d̄·L + z·√(L·σd² + d̄²·σL²)`` (reordering a lead time early keeps stock above the textbook
reorder point), receipts arrive after ``max(1, N(L, σL))`` days as a new lot expiring
``shelf_days`` later; usage consumes the earliest-expiring lot first and what is left on the
expiry day is written off as ``expired``. Stock counts on the last clinic day of every month and
on the end date.
"""

from __future__ import annotations

from math import sqrt

import numpy as np
import pandas as pd
from scipy.stats import norm

from bot.seed.params import SeedParams, day_number

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


def supply(p: SeedParams, clinics: pd.DataFrame, planted_item: tuple[int, str] | None = None) -> dict[str, pd.DataFrame]:
    """Frames ``items`` (``item_ix, clinic_ix, sku, …``), ``lots`` (``lot_ix, item_ix,
    lot_number, expiry_day, received_day, quantity_on_hand``), ``tx`` (``item_ix, lot_ix, day,
    kind, quantity``) and ``counts`` (``item_ix, day, on_hand``).

    ``planted_item``: (clinic_ix, sku) whose replenishment stops 45 days before the end, with
    an end-date cycle count that leaves on-hand at 75 % of its reorder point: a run-down for the
    inventory alert to find.
    """
    rng = p.rng("supply")
    first, end = day_number(p.start_date), day_number(p.end_date)
    days = np.arange(first, end + 1)
    open_day = ((days + 3) % 7) < 5
    month = pd.to_datetime(days, unit="D").month.to_numpy()
    count_days = set(pd.Series(days[open_day]).groupby(month[open_day] * 10000 + pd.to_datetime(
        days[open_day], unit="D").year.to_numpy()).max().tolist()) | {end}
    items, lots, txs, counts = [], [], [], []
    for c in clinics.itertuples(index=False):
        for sku, name, unit, cost, per, lead, lead_sd, shelf, critical in CATALOGUE:
            item_ix = len(items)
            sl = 0.99 if critical else 0.95
            mean = per * c.size * np.where((sku == "VAC-FLU") & np.isin(month, FLU_MONTHS), 8.0, 1.0)
            lam = rng.gamma(4.0, mean / 4.0) * open_day
            use = rng.poisson(lam).astype(float)
            d_bar = float(per * c.size * 5 / 7) * (3.0 if sku == "VAC-FLU" else 1.0)
            sd = sqrt(d_bar * (1 + d_bar / 4.0)) + 0.5
            z = float(norm.ppf(sl))
            rop = d_bar * lead + z * sqrt(lead * sd**2 + d_bar**2 * lead_sd**2)
            trigger = rop + d_bar * lead
            order_q = max(1.0, round(d_bar * 30))
            planted = planted_item == (c.clinic_ix, sku)
            items.append((item_ix, c.clinic_ix, sku, name, unit, cost, lead, lead_sd, sl, trigger + order_q, critical, rop))
            state = _simulate(rng, item_ix, days, use, trigger, order_q, lead, lead_sd, shelf, planted, rop,
                              d_bar, len(lots), first)
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
    }


def _simulate(rng, item_ix, days, use, trigger, order_q, lead, lead_sd, shelf, planted, rop, d_bar,
              lot_base, first):  # type: ignore[no-untyped-def]
    lots: list[list] = []  # [lot_ix, item_ix, number, received, expiry, qty]
    tx: list[tuple] = []
    on_hand: list[tuple[int, float]] = []
    pending: list[tuple[int, float]] = []
    stop_from = days[-1] - 45 if planted else None

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

    receive(first - 20, round(trigger + order_q * 0.5))
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
            # the end-date cycle count finds the run-down well under the reorder point
            delta = round(0.75 * rop - total)
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
        if total + sum(q for _, q in pending) <= trigger and (stop_from is None or day < stop_from):
            arrive = day + max(1, int(round(rng.normal(lead, lead_sd))))
            pending.append((arrive, order_q))
        on_hand.append((day, total))
    return {"lots": [tuple(l) for l in lots], "tx": tx, "on_hand": on_hand}
