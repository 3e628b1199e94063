"""The stored answers of third next available, days of supply and items at or below reorder
point (``kpi_measure_daily``), per measurement day, for the network and each clinic.

They are computed from the frames the slot and supply refreshes have just written
(``tna_daily``, ``supply_item_daily``) with the KPI engine's own functions
(:func:`bot.kpi.tna.mean_over_providers`, the inventory KPIs' ``fact``/``combine``), so the
stored answer is the one the engine would compute from those tables: a question then reads
one row per trend point instead of thousands of provider or item rows. Storage writes them
(:func:`storage.rollups_measures.write_measures`); :mod:`bot.kpi.rollup_refresh` calls both.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from bot.kpi.base import Measure
from bot.kpi.inventory import USAGE_DAYS, DaysOfSupplyKpi, ReorderPointKpi, usage_stats
from bot.kpi.tna import mean_over_providers

Row = tuple[int | None, date, Measure]  # clinic_id (None = network), day, answer
_EPOCH = date(1970, 1, 1)


def _groups(keys: np.ndarray) -> Iterable[tuple[int, int]]:
    """(start, end) index pairs of the runs of equal values in sorted ``keys``."""
    if not len(keys):
        return []
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return zip(starts.tolist(), np.r_[starts[1:], len(keys)].tolist(), strict=True)


def tna_measures(tna: pd.DataFrame, horizon: int) -> list[Row]:
    """Third next available per day for the network and each clinic from ``tna_daily`` rows
    (``clinic_id, provider_id, appointment_type, day, first, third`` with day numbers since
    1970-01-01, ``third`` −1 = none), read as :meth:`bot.kpi.tna.ThirdNextAvailableKpi.pairs_on`
    does: a provider is seen when its first free slot is within the horizon, and has a value
    for a type when the third is."""
    f = tna[(tna["first"] - tna["day"]) <= horizon]
    gap = (f["third"] - f["day"]).to_numpy()
    has = (f["third"].to_numpy() >= 0) & (gap <= horizon)
    valued = pd.DataFrame({"day": f["day"].to_numpy()[has], "clinic_id": f["clinic_id"].to_numpy()[has],
                           "provider_id": f["provider_id"].to_numpy()[has], "gap": gap[has]})
    out: list[Row] = []
    for per_clinic in (False, True):
        keys = ["day", "clinic_id"] if per_clinic else ["day"]
        # a provider's value: mean over its appointment types (the exact quotient, as a float)
        pv = valued.groupby([*keys, "provider_id"])["gap"].agg(["sum", "count"]).reset_index()
        pv["value"] = pv["sum"] / pv["count"]
        seen = f.groupby(keys)["provider_id"].nunique()
        values = pv["value"].tolist()
        for lo, hi in _groups(_key(pv, keys)):  # pv is sorted by its keys: one run per day (and clinic)
            day = int(pv["day"].iat[lo])
            clinic = int(pv["clinic_id"].iat[lo]) if per_clinic else None
            providers_seen = int(seen.loc[(day, clinic)] if per_clinic else seen.loc[day])
            out.append((clinic, _date(day), mean_over_providers(values[lo:hi], providers_seen)))
    return out


def supply_kpis() -> tuple[Any, ...]:
    """The KPIs whose answers the supply roll-up stores (days of supply, reorder point)."""
    return DaysOfSupplyKpi(), ReorderPointKpi()


def supply_measures(items: pd.DataFrame, meta: dict[int, dict[str, Any]], window: int,
                    firsts: dict[int, date] | None = None) -> dict[str, list[Row]]:
    """Days of supply and items at or below reorder point per day for the network and each
    clinic, from ``supply_item_daily`` rows (``item_id, clinic_id, day`` as a day number,
    ``usage_window, usage_sq_window, on_hand``) and the items' ``meta`` (as
    :meth:`bot.kpi.inventory._ItemKpi.items_on` builds it); ``firsts``: each clinic's first
    inventory record (:func:`bot.kpi.inventory.inventory_first_days`), where usage history
    starts. Keyed by KPI id."""
    assert window == USAGE_DAYS, "the stored answers are those of the engine's window"
    firsts = firsts or {}
    kpis = supply_kpis()
    rows = items.sort_values(["day", "clinic_id"]).reset_index(drop=True)
    totals, squares = rows["usage_window"].tolist(), rows["usage_sq_window"].tolist()
    hands, ids, clinics = rows["on_hand"].tolist(), rows["item_id"].tolist(), rows["clinic_id"].tolist()
    facts: dict[str, list[Any]] = {k.kpi_id: [] for k in kpis}
    days = rows["day"].tolist()
    for total, sq, hand, item_id, day_number in zip(totals, squares, hands, ids, days, strict=True):
        info = meta[item_id]
        item = {**usage_stats({**info, "first": firsts.get(info["clinic_id"])}, _date(int(day_number)), total, sq),
                "on_hand": None if hand is None or hand != hand else float(hand)}
        for k in kpis:
            facts[k.kpi_id].append(k.fact_of(item))
    out: dict[str, list[Row]] = {k.kpi_id: [] for k in kpis}
    day_keys = rows["day"].to_numpy()
    for lo, hi in _groups(day_keys):
        day = _date(int(day_keys[lo]))
        for k in kpis:
            f = facts[k.kpi_id]
            out[k.kpi_id].append((None, day, k.combine_covered([x for x in f[lo:hi] if x is not None], day)))
            for c_lo, c_hi in _groups(np.asarray(clinics[lo:hi])):
                out[k.kpi_id].append((int(clinics[lo + c_lo]), day,
                                      k.combine_covered([x for x in f[lo + c_lo:lo + c_hi] if x is not None], day)))
    return out


def _key(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """One comparable value per row for the (sorted) ``keys`` columns."""
    if len(keys) == 1:
        return frame[keys[0]].to_numpy()
    return frame[keys[0]].to_numpy().astype(np.int64) * (1 << 32) + frame[keys[1]].to_numpy().astype(np.int64)


def _date(day_number: int) -> date:
    return date.fromordinal(_EPOCH.toordinal() + day_number)
