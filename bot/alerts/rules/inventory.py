"""Low stock (reorder point, days of supply) and expiring lots (kpis.md, "Inventory").

ROP = d̄·L + SS with SS = z·√(L·σd² + d̄²·σL²), z = Φ⁻¹(service level) computed exactly
(scipy.stats.norm.ppf), d̄ and σd the mean and sample standard deviation of daily usage over the
trailing 4–13 weeks, L and σL the lead time and its standard deviation in days. With σL = 0 this
is z·σd·√L. Days of supply = on-hand ÷ d̄.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.stats import norm

from bot.alerts.config import ExpiryParams, LowStockParams
from bot.alerts.model import Finding, RuleResult


def safety_stock(d_mean: float, d_sd: float, lead_days: float, lead_sd: float, service_level: float) -> float:
    """SS = z·√(L·σd² + d̄²·σL²) in units; z = norm.ppf(service_level).

    Raises:
        ValueError: service level outside (0, 1) or a negative input.
    """
    if not 0 < service_level < 1:
        raise ValueError(f"service level must be between 0 and 1, got {service_level}")
    if min(d_mean, d_sd, lead_days, lead_sd) < 0:
        raise ValueError("usage, its deviation and lead times must be non-negative")
    z = float(norm.ppf(service_level))
    return z * math.sqrt(lead_days * d_sd**2 + d_mean**2 * lead_sd**2)


def reorder_point(d_mean: float, d_sd: float, lead_days: float, lead_sd: float, service_level: float) -> float:
    """ROP = d̄·L + SS in units (kpis.md worked example: 50/day, σd 12, L 14, 95 % → 773.854)."""
    return d_mean * lead_days + safety_stock(d_mean, d_sd, lead_days, lead_sd, service_level)


@dataclass(frozen=True)
class ItemSnapshot:
    """An item's state on ``today``: ``on_hand`` (None = unknown); ``daily_usage`` one value per
    day of the usage window (oldest first, zeros for days without usage)."""

    item_id: int
    sku: str
    name: str
    unit: str
    critical: bool
    par_level: float | None
    lead_time_days: float
    lead_time_sd_days: float
    service_level: float
    on_hand: float | None
    daily_usage: tuple[float, ...]


def evaluate_item(item: ItemSnapshot, params: LowStockParams) -> tuple[float | None, float | None, float | None]:
    """(reorder point, d̄, days of supply) for the item. The reorder point is computed from
    usage when there are ``min_weeks`` of history; otherwise the configured par level stands in
    (a par level is an order-up-to quantity, so it is only the fallback); None when neither."""
    usage = np.asarray(item.daily_usage, dtype=float)
    d_mean = float(usage.mean()) if usage.size else None
    enough = usage.size >= params.min_weeks * 7
    if enough and d_mean is not None:
        d_sd = float(usage.std(ddof=1)) if usage.size > 1 else 0.0
        rop: float | None = reorder_point(d_mean, d_sd, item.lead_time_days, item.lead_time_sd_days,
                                          item.service_level)
    elif item.par_level is not None:
        rop = float(item.par_level)
    else:
        rop = None
    dos = None
    if item.on_hand is not None and d_mean and enough:
        dos = item.on_hand / d_mean
    return rop, (d_mean if enough else None), dos


def low_stock(clinic_key: str, today: date, items: list[ItemSnapshot], latest_movement: date | None,
              params: LowStockParams) -> RuleResult:
    """Items whose on-hand is at or below the reorder point (or par level). Critical items are
    severity "critical" and mention the clinic owner. Inventory data older than
    ``params.stale_days`` gives "no data" instead of an evaluation."""
    result = RuleResult("low_stock", clinic_key)
    period = today.isoformat()
    if not items:
        return result
    if latest_movement is None or (today - latest_movement).days > params.stale_days:
        last = latest_movement.isoformat() if latest_movement else "never"
        result.no_data_finding(period, "Low-stock check: no recent inventory data",
                               f"Latest inventory movement: {last}; low stock cannot be checked.",
                               latest=last)
        return result
    result.clear.add("no-data")
    for item in items:
        rop, d_mean, dos = evaluate_item(item, params)
        if rop is None or item.on_hand is None:
            continue  # not evaluable: neither alert nor all-clear
        subject = f"item:{item.item_id}"
        if item.on_hand > rop:
            result.clear.add(subject)
            continue
        basis = "reorder point" if d_mean is not None else "par level"
        lines = [f"On hand {item.on_hand:g} {item.unit} ≤ {basis} {rop:.1f}"]
        if dos is not None:
            lines.append(f"Days of supply left: {dos:.1f} (average use {d_mean:.2f} {item.unit}/day)")
        lines.append(f"Lead time {item.lead_time_days:g} days, service level {item.service_level:.0%}")
        result.findings.append(Finding(
            "low_stock", subject, period, "critical" if item.critical else "warning",
            f"Low stock: {item.name} ({item.sku})", tuple(lines),
            {"on_hand": item.on_hand, "reorder_point": rop, "days_of_supply": dos, "basis": basis,
             "daily_usage": d_mean},
            mention_owner=item.critical,
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
        when = f"expired {-days} days ago" if days < 0 else ("expires today" if days == 0 else f"expires in {days} days")
        result.findings.append(Finding(
            "expiring_lots", subject, lot.expiry_date.isoformat(), "critical" if days < 0 else "warning",
            f"Expiring lot: {lot.item_name} lot {lot.lot_number}",
            (f"{when} ({lot.expiry_date.isoformat()})",
             f"{lot.quantity:g} {lot.unit} on hand, value at risk ${value / 100:,.2f}"),
            {"days_left": days, "quantity": lot.quantity, "value_at_risk_cents": value},
        ))
    return result
