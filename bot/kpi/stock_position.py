"""One item's stock position on a day: the single computation behind ``/kpi reorder-point``,
``/kpi days-of-supply`` and the low-stock alert (issue 16: they must agree for every clinic).

The day is :func:`bot.kpi.inventory.inventory_data_end` (the latest day with any inventory
movement or stock count in scope) unless the caller names an earlier one; quantity on hand at
the end of that day is the latest count plus the net movements after it (else lots on hand);
usage statistics are the trailing 13 weeks ending on the day; ROP = d̄·L + z·√(L·σd² + d̄²·σL²).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.kpi.base import Scope
from bot.kpi.inventory import Covered, ReorderPointKpi, inventory_data_end, reorder_point


@dataclass(frozen=True)
class StockPosition:
    """An item with usage in the window and a known quantity on hand, on ``day``. Units are the
    item's own (boxes, doses); ``mean_daily`` and ``sd_daily`` per day; ``reorder_point`` in
    units; ``days_of_supply`` = on hand ÷ mean daily usage."""

    item_id: int
    clinic_id: int
    sku: str
    day: date
    on_hand: float
    mean_daily: float
    sd_daily: float
    lead_time_days: float
    service_level: float
    reorder_point: float

    @property
    def days_of_supply(self) -> float:
        return self.on_hand / self.mean_daily

    @property
    def at_or_below(self) -> bool:
        return self.on_hand <= self.reorder_point


def stock_positions(session: Session, scope: Scope, day: date | None = None) -> tuple[date | None, list[StockPosition]]:
    """(measurement day, positions of the items the inventory KPIs count on it). ``day`` None
    or later than the data: the latest inventory day in scope. (None, []) without data."""
    latest = inventory_data_end(session, scope)
    if latest is None:
        return None, []
    when = latest if day is None else min(day, latest)
    kpi = ReorderPointKpi()
    out = []
    for i in kpi.items_on(session, scope, [when])[when]:
        if i["on_hand"] is None or not i["mean"] > 0 or not isinstance(kpi.fact_of(i), Covered):
            continue  # no usage, or less usage history than the KPI needs (not enough to alert on)
        rop = reorder_point(i["mean"], i["sd"], i["L"], i["level"], i["sL"])
        out.append(StockPosition(int(i["id"]), int(i["clinic_id"]), str(i["sku"]), when, float(i["on_hand"]),
                                 float(i["mean"]), float(i["sd"]), float(i["L"]), float(i["level"]), rop))
    return when, out
