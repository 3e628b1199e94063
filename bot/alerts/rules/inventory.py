"""Low stock (reorder point, days of supply) and expiring lots (kpis.md, "Inventory").

The low-stock rule computes nothing itself: it reads the stock positions of
:mod:`bot.kpi.stock_position`, the computation ``/kpi reorder-point`` and ``/kpi days-of-supply``
answer from (ROP = d̄·L + z·√(L·σd² + d̄²·σL²), trailing 13 weeks of usage), so the alert and the
KPI agree for every clinic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.alerts.config import ExpiryParams, LowStockParams
from bot.alerts.model import Finding, RuleResult
from bot.kpi.stock_position import StockPosition


@dataclass(frozen=True)
class ItemInfo:
    """What the alert text needs of an item besides its stock position."""

    name: str
    unit: str
    critical: bool


def low_stock(clinic_key: str, today: date, positions: list[StockPosition], info: dict[int, ItemInfo],
              latest: date | None, params: LowStockParams) -> RuleResult:
    """Items whose on-hand is at or below the reorder point, from the same stock positions
    ``/kpi reorder-point`` counts (:func:`bot.kpi.stock_position.stock_positions`, measured on
    ``latest``, the clinic's latest inventory day). Critical items are severity "critical" and
    mention the clinic owner; nothing on hand is the milestone "stock-out" (a worsening). Inventory data older than ``params.stale_days`` gives "no data"
    instead of an evaluation; items the KPI does not count (no usage in 13 weeks, no quantity
    on hand) are neither alerted nor cleared."""
    result = RuleResult("low_stock", clinic_key)
    period = today.isoformat()
    if latest is None and not positions:
        return result
    if latest is None or (today - latest).days > params.stale_days:
        last = latest.isoformat() if latest else "never"
        result.no_data_finding(period, "Low-stock check: no recent inventory data",
                               f"Latest inventory movement: {last}; low stock cannot be checked.",
                               latest=last)
        return result
    result.clear.add("no-data")
    for pos in positions:
        subject = f"item:{pos.item_id}"
        if not pos.at_or_below:
            result.clear.add(subject)
            continue
        item = info.get(pos.item_id, ItemInfo(pos.sku, "units", False))
        lines = (f"On hand {pos.on_hand:g} {item.unit} ≤ reorder point {pos.reorder_point:.1f} "
                 f"(end of {pos.day:%Y-%m-%d})",
                 f"Days of supply left: {pos.days_of_supply:.1f} (average use {pos.mean_daily:.2f} "
                 f"{item.unit}/day over 13 weeks)",
                 f"Lead time {pos.lead_time_days:g} days, service level {pos.service_level:.0%}")
        out = pos.on_hand <= 0  # a stock-out is a worse condition than low stock: a milestone
        result.findings.append(Finding(
            "low_stock", subject, period, "critical" if item.critical else "warning",
            f"{'Out of stock' if out else 'Low stock'}: {item.name} ({pos.sku})", lines,
            {"on_hand": pos.on_hand, "reorder_point": pos.reorder_point, "days_of_supply": pos.days_of_supply,
             "basis": "reorder point", "daily_usage": pos.mean_daily, "day": pos.day.isoformat()},
            mention_owner=item.critical, milestone="stock-out" if out else None,
        ))
    return result


@dataclass(frozen=True)
class LotSnapshot:
    lot_id: int
    lot_number: str
    item_name: str
    sku: str
    unit: str
    expiry_date: date
    quantity: float
    unit_cost_cents: int


def expiring_lots(clinic_key: str, today: date, lots: list[LotSnapshot] | None,
                  params: ExpiryParams) -> RuleResult:
    """Lots with quantity on hand expiring within ``params.days`` days (or already expired), with
    value at risk = quantity × unit cost. ``lots`` None means the clinic has stocked items but no
    lot data: "no data"."""
    result = RuleResult("expiring_lots", clinic_key)
    if lots is None:
        result.no_data_finding(today.isoformat(), "Expiry check: no lot data",
                               "The clinic has stocked items but no lots with expiry dates.")
        return result
    result.clear.add("no-data")
    for lot in lots:
        subject = f"lot:{lot.lot_id}"
        days = (lot.expiry_date - today).days
        if lot.quantity <= 0 or days > params.days:
            result.clear.add(subject)
            continue
        value = round(lot.quantity * lot.unit_cost_cents)
        when = (f"expired {-days} day{'s' if days != -1 else ''} ago" if days < 0 else "expires today" if days == 0
                else f"expires in {days} day{'s' if days != 1 else ''}")
        result.findings.append(Finding(
            "expiring_lots", subject, lot.expiry_date.isoformat(), "critical" if days < 0 else "warning",
            f"Expiring lot: {lot.item_name} lot {lot.lot_number}",
            (f"{when} ({lot.expiry_date.isoformat()})",
             f"{lot.quantity:g} {lot.unit} on hand, value at risk ${value / 100:,.2f}"),
            {"days_left": days, "quantity": lot.quantity, "value_at_risk_cents": value},
        ))
    return result
