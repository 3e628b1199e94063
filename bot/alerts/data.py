"""Data access for the alert rules: one function per rule, SQL in, plain snapshots out."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.alerts.config import LowStockParams
from bot.alerts.rules.compliance import ComplianceSnapshot
from bot.alerts.rules.denials import RemitRow, week_start
from bot.alerts.rules.inventory import ItemSnapshot, LotSnapshot
from storage.models import (
    ComplianceItem,
    FeedLoad,
    InventoryTransaction,
    Payer,
    Remittance,
    StockCount,
    SupplyItem,
    SupplyLot,
)

SIGN = {"usage": -1.0, "expired": -1.0, "receipt": 1.0}


def _on_hand(session: Session, item_id: int, today: date) -> float | None:
    """Latest count on or before ``today`` adjusted by later movements; else the lots' quantity;
    None when there is neither."""
    count = session.execute(select(StockCount.count_date, StockCount.on_hand)
                            .where(StockCount.item_id == item_id, StockCount.count_date <= today)
                            .order_by(StockCount.count_date.desc()).limit(1)).first()
    if count is None:
        lots = session.execute(select(func.count(SupplyLot.id), func.sum(SupplyLot.quantity_on_hand))
                               .where(SupplyLot.item_id == item_id)).one()
        return float(lots[1] or 0.0) if lots[0] else None
    moves = session.execute(select(InventoryTransaction.kind, func.sum(InventoryTransaction.quantity))
                            .where(InventoryTransaction.item_id == item_id,
                                   InventoryTransaction.tx_date > count.count_date,
                                   InventoryTransaction.tx_date <= today)
                            .group_by(InventoryTransaction.kind)).all()
    on_hand = float(count.on_hand)
    for kind, qty in moves:
        on_hand += SIGN.get(kind, 1.0) * float(qty or 0)  # adjustments are signed already
    return on_hand


def inventory_snapshot(session: Session, clinic_id: int, today: date,
                       params: LowStockParams) -> tuple[list[ItemSnapshot], date | None]:
    """Items with on-hand and the daily usage series over the trailing window (at most
    ``max_weeks``, starting no earlier than the item's first movement), and the clinic's latest
    inventory movement date (for the stale check)."""
    items = session.scalars(select(SupplyItem).where(SupplyItem.clinic_id == clinic_id)
                            .order_by(SupplyItem.id)).all()
    if not items:
        return [], None
    ids = [i.id for i in items]
    latest = session.scalar(select(func.max(InventoryTransaction.tx_date))
                            .where(InventoryTransaction.item_id.in_(ids), InventoryTransaction.tx_date <= today))
    end = today - timedelta(days=1)
    start = end - timedelta(days=params.max_weeks * 7 - 1)
    first = dict(session.execute(select(InventoryTransaction.item_id, func.min(InventoryTransaction.tx_date))
                                 .where(InventoryTransaction.item_id.in_(ids))
                                 .group_by(InventoryTransaction.item_id)).all())
    usage: dict[int, dict[date, float]] = defaultdict(dict)
    for item_id, day, qty in session.execute(
            select(InventoryTransaction.item_id, InventoryTransaction.tx_date, func.sum(InventoryTransaction.quantity))
            .where(InventoryTransaction.item_id.in_(ids), InventoryTransaction.kind == "usage",
                   InventoryTransaction.tx_date >= start, InventoryTransaction.tx_date <= end)
            .group_by(InventoryTransaction.item_id, InventoryTransaction.tx_date)):
        usage[item_id][day] = float(qty)
    snapshots = []
    for item in items:
        begin = max(start, first[item.id]) if item.id in first else end + timedelta(days=1)
        days = [(begin + timedelta(days=k)) for k in range((end - begin).days + 1)]
        snapshots.append(ItemSnapshot(
            item.id, item.sku, item.name, item.unit, bool(item.critical), item.par_level,
            float(item.lead_time_days), float(item.lead_time_sd_days or 0.0), float(item.service_level),
            _on_hand(session, item.id, today), tuple(usage[item.id].get(d, 0.0) for d in days)))
    return snapshots, latest


def lots_snapshot(session: Session, clinic_id: int) -> list[LotSnapshot] | None:
    """Lots of the clinic's items; None when it stocks items but records no lots at all."""
    rows = session.execute(
        select(SupplyLot.id, SupplyLot.lot_number, SupplyItem.name, SupplyItem.sku, SupplyItem.unit,
               SupplyLot.expiry_date, SupplyLot.quantity_on_hand, SupplyItem.unit_cost_cents)
        .join(SupplyItem, SupplyItem.id == SupplyLot.item_id)
        .where(SupplyItem.clinic_id == clinic_id).order_by(SupplyLot.expiry_date, SupplyLot.id)).all()
    if not rows:
        has_items = session.scalar(select(func.count(SupplyItem.id)).where(SupplyItem.clinic_id == clinic_id))
        return None if has_items else []
    return [LotSnapshot(r[0], r[1], r[2], r[3], r[4], r[5], float(r[6]), int(r[7] or 0)) for r in rows]


def remittance_rows(session: Session, clinic_id: int, since: date, until: date) -> list[RemitRow]:
    """First, non-excluded remittances of the clinic with ``since <= remit_date <= until``."""
    stmt = (select(Remittance.remit_date, Payer.key, Payer.name, Remittance.is_denial, Remittance.denial_category)
            .outerjoin(Payer, Payer.id == Remittance.payer_id)
            .where(Remittance.clinic_id == clinic_id, Remittance.is_first.is_(True),
                   Remittance.excluded.is_(False), Remittance.remit_date >= since,
                   Remittance.remit_date <= until))
    return [RemitRow(week_start(d), key or "unknown", name or "unknown payer", bool(den), cat)
            for d, key, name, den, cat in session.execute(stmt)]


def compliance_snapshot(session: Session, clinic_id: int) -> list[ComplianceSnapshot]:
    rows = session.scalars(select(ComplianceItem).where(ComplianceItem.clinic_id == clinic_id)
                           .order_by(ComplianceItem.due_date, ComplianceItem.id)).all()
    return [ComplianceSnapshot(c.key, c.kind, c.title, c.owner, c.due_date, c.recurrence_months,
                               c.status, c.corrective_action_due) for c in rows]


def last_feed_loads(session: Session) -> dict[str, datetime | None]:
    """Feed name → latest finished load (naive UTC), over every feed ever loaded."""
    rows = session.execute(select(FeedLoad.feed, func.max(FeedLoad.finished_at)).group_by(FeedLoad.feed)).all()
    return {feed: last for feed, last in rows}
