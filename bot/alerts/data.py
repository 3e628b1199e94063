"""Data access for the alert rules: one function per rule, SQL in, plain snapshots out (the feed
loads that date the data: ``storage.feed_freshness``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.alerts.denial_drivers import RemitRow
from bot.alerts.rules.compliance import ComplianceSnapshot
from bot.alerts.rules.denials import week_start
from bot.alerts.rules.inventory import ItemInfo, LotSnapshot
from bot.kpi.base import Scope
from bot.kpi.stock_position import StockPosition, stock_positions
from storage.feed_freshness import clinic_feed_loads, last_feed_loads
from storage.models import (
    ComplianceItem,
    Payer,
    Remittance,
    SupplyItem,
    SupplyLot,
)

__all__ = ["clinic_feed_loads", "compliance_snapshot", "inventory_snapshot", "last_feed_loads",
           "lots_snapshot", "remittance_rows"]


def inventory_snapshot(session: Session, clinic_id: int, today: date
                       ) -> tuple[list[StockPosition], dict[int, ItemInfo], date | None]:
    """The clinic's stock positions as ``/kpi reorder-point`` computes them (measured on its
    latest inventory day on or before ``today``), the items' names, and that day (for the
    stale check; None without inventory data)."""
    day, positions = stock_positions(session, Scope(clinic_ids=(clinic_id,)), today)
    info = {i.id: ItemInfo(i.name, i.unit, bool(i.critical)) for i in session.scalars(
        select(SupplyItem).where(SupplyItem.clinic_id == clinic_id))}
    return positions, info, day


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
