"""Which implementation computes each catalogue KPI, and the engine's options."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import get_args

from bot.kpi.base import KpiImpl
from bot.kpi.experience import experience_kpis
from bot.kpi.inventory import inventory_kpis
from bot.kpi.inventory_turns import InventoryTurnsKpi
from bot.kpi.net_collection import NetCollectionKpi
from bot.kpi.patient_access import LateCancellation, access_kpis
from bot.kpi.revenue import revenue_kpis
from bot.kpi.revenue_windows import DaysInArKpi, InitialDenialRateKpi
from bot.kpi.tna import tna_kpis


@dataclass(frozen=True)
class EngineOptions:
    """``late_cancellation``: how late cancellations enter the no-show rate (see
    :func:`bot.kpi.patient_access.no_show_spec`); ``tna_horizon_days``: how far ahead third next
    available looks for free slots."""

    late_cancellation: LateCancellation = "denominator"
    tna_horizon_days: int = 90


@lru_cache(maxsize=8)
def _table(options: EngineOptions) -> dict[str, KpiImpl]:
    impls: list[KpiImpl] = [
        *access_kpis(options.late_cancellation),
        *tna_kpis(options.tna_horizon_days),
        *revenue_kpis(), NetCollectionKpi(), DaysInArKpi(), InitialDenialRateKpi(),
        *experience_kpis(),
        *inventory_kpis(), InventoryTurnsKpi(),
    ]
    return {impl.kpi_id: impl for impl in impls}


def implementation(kpi_id: str, options: EngineOptions | None = None) -> KpiImpl:
    """The implementation of ``kpi_id``. Raises KeyError for an id not in the catalogue."""
    return _table(options or EngineOptions())[kpi_id]


def every_impl() -> list[KpiImpl]:
    """Every implementation under every engine option that changes one (one no-show rate per
    late-cancellation rule): the ratio KPIs among them are the roll-up's components."""
    return [impl for late in get_args(LateCancellation)
            for impl in _table(EngineOptions(late_cancellation=late)).values()]
