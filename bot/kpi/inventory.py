"""Inventory KPIs (standard operations-management formulas): expiry waste, days of supply,
items at or below reorder point; inventory turns lives in :mod:`bot.kpi.inventory_turns`.

Formulas: ROP = d̄·L + SS; SS = z·σd·√L (demand variability) or z·√(L·σd² + d̄²·σL²) (demand
and lead-time variability); z = Φ⁻¹(service level) exactly (``scipy.stats.norm.ppf``), never a
rounded 1.65. Usage statistics come from daily usage over the trailing ``USAGE_DAYS`` days
(days without usage count as zero).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from statistics import median
from typing import Any

from sqlalchemy import ColumnClause, and_, case, func, literal_column, select
from sqlalchemy.orm import Session

from bot.kpi.base import Bucket, KpiImpl, Measure, RatioSpec, Scope, _as_date, scope_conditions, session_memo
from bot.kpi.coverage import covered_days, minimum_days, not_enough, short_note
from bot.kpi.ratio import RatioKpi
from bot.kpi.rollup_read import is_fresh, stored_measures
from storage.models import InventoryTransaction as T
from storage.models import StockCount, SupplyItem, SupplyLot
from storage.models.rollups import SupplyItemDaily as D
from storage.rollups_supply import SIGNED_QUANTITY

USAGE_DAYS = 91  # 13 weeks
SUPPLY_FEEDS = ("inventory", "supply", "lots")  # what supply_item_daily is built from
_DIMS = {"clinic": SupplyItem.clinic_id}
_JOIN = T.__table__.join(SupplyItem.__table__, T.item_id == SupplyItem.id)


@lru_cache(maxsize=256)
def z_value(service_level: float) -> float:
    """Φ⁻¹(service level): 0.95 → 1.6448536… (cached: a few distinct levels, and scipy's
    ``ppf`` costs ~0.2 ms a call)."""
    from scipy.stats import norm  # imported on first use: scipy.stats costs ~1 s to import

    return float(norm.ppf(service_level))


def safety_stock(mean_daily: float, sd_daily: float, lead_days: float, service_level: float,
                 lead_sd_days: float = 0.0) -> float:
    """SS = z·√(L·σd² + d̄²·σL²) (reduces to z·σd·√L when σL = 0). kpis.md: d̄ 50, σd 12,
    L 14, 95 % → 73.854; 99 % → 104.453; σL 2 at 95 % → 180.305."""
    return z_value(service_level) * math.sqrt(lead_days * sd_daily ** 2 + mean_daily ** 2 * lead_sd_days ** 2)


def reorder_point(mean_daily: float, sd_daily: float, lead_days: float, service_level: float,
                  lead_sd_days: float = 0.0) -> float:
    """ROP = d̄·L + SS (same units as usage). kpis.md: 773.854 / 804.453 / 880.305."""
    return mean_daily * lead_days + safety_stock(mean_daily, sd_daily, lead_days, service_level, lead_sd_days)


def turns_to_days(turns: float) -> float:
    """Days of inventory for ``turns`` a year: 365 / turns (7.5 turns ≈ 48.67 days)."""
    return 365 / turns


def window_sd(total: float, squares: float, days: int = USAGE_DAYS) -> float:
    """Sample standard deviation of ``days`` daily usage totals from their sum and sum of
    squares (exact integer arithmetic when both are whole numbers, as usage counts are)."""
    if float(total).is_integer() and float(squares).is_integer():
        num = int(squares) * days - int(total) ** 2
        return math.sqrt(max(num, 0) / (days * (days - 1)))
    return math.sqrt(max(squares - total * total / days, 0.0) / (days - 1))


def expiry_waste_spec() -> RatioSpec:
    """Expiry waste: value expired ÷ (value consumed + value expired), in cents."""
    value = T.quantity * SupplyItem.unit_cost_cents
    return RatioSpec(source=_JOIN, day=T.tx_date, n=case((T.kind == "expired", value), else_=0),
                     d=case((T.kind.in_(("usage", "expired")), value), else_=0), dims=_DIMS,
                     where=(T.kind.in_(("usage", "expired")),))


def usage_value_spec() -> RatioSpec:
    """Usage transactions (n: rows) and their value in cents (d), by transaction date: the
    consumption side of inventory turns."""
    one: ColumnClause[Any] = literal_column("1")
    return RatioSpec(source=_JOIN, day=T.tx_date, n=one, d=T.quantity * SupplyItem.unit_cost_cents, dims=_DIMS,
                     where=(T.kind == "usage",))


#: the usage value per day, a sum inventory turns reads that is no KPI of its own (supply items
#: price it)
INVENTORY_USAGE = RatioKpi("inventory-usage", usage_value_spec, "inventory-usage", feeds=("inventory", "supply"))


def inventory_data_end(session: Session, scope: Scope) -> date | None:
    """The latest day in scope with any inventory movement (usage, receipt, expiry, adjustment)
    or stock count; None without inventory data. A count or adjustment dated after the last
    usage day counts, so "today" answers on the day of a count (issue 16)."""
    def newest() -> date | None:
        in_scope = scope_conditions(_DIMS, scope)
        # per item, one backward probe of ix_inventory_item_date (a plain max(tx_date) would
        # scan every transaction of the network)
        per_item = (select(func.max(T.tx_date)).where(T.item_id == SupplyItem.id)
                    .correlate(SupplyItem).scalar_subquery())
        latest_per_item = select(per_item.label("m")).select_from(SupplyItem).where(*in_scope).subquery()
        tx = session.execute(select(func.max(latest_per_item.c.m))).scalar()
        items = [] if scope.clinic_ids is None else [
            StockCount.item_id.in_(select(SupplyItem.id).where(*in_scope))]
        counted = session.execute(select(func.max(StockCount.count_date)).where(*items)).scalar()
        days = [_as_date(v) for v in (tx, counted) if v is not None]
        return max(days) if days else None

    return session_memo(session, ("inventory", "data-end", scope), newest)


def inventory_first_days(session: Session, scope: Scope, *, memo: bool = True) -> dict[int, date]:
    """Per clinic in scope, the first day of the inventory feed's usage records: where the usage
    history the per-day averages divide by starts (:mod:`bot.kpi.coverage`). Receipts or counts
    recorded before it do not show usage was being recorded. ``memo`` False for a roll-up
    refresh, which runs in the session that has just written the rows."""
    def firsts() -> dict[int, date]:
        rows = session.execute(select(SupplyItem.clinic_id, func.min(T.tx_date)).select_from(_JOIN)
                               .where(T.kind == "usage", *scope_conditions(_DIMS, scope))
                               .group_by(SupplyItem.clinic_id))
        return {clinic_id: _as_date(day) for clinic_id, day in rows if day is not None}

    return session_memo(session, ("inventory", "first-days", scope), firsts) if memo else firsts()


def usage_stats(meta: dict[str, Any], day: date, total: float, squares: float) -> dict[str, Any]:
    """An item's usage over the trailing window ending ``day``: ``days`` covered (from its
    clinic's first inventory record, ``meta['first']``), ``mean`` and ``sd`` per covered day."""
    days = covered_days(meta.get("first"), day - timedelta(days=USAGE_DAYS - 1), day)
    mean = total / days if days else 0.0
    sd = window_sd(total, squares, days) if days >= 2 else 0.0
    return {**meta, "days": days, "mean": mean, "sd": sd}


@dataclass(frozen=True)
class ShortHistory:
    """The fact of an item whose usage history is shorter than the KPI's minimum."""

    days: int
    first: date | None


@dataclass(frozen=True)
class Covered:
    """A KPI's fact of one item, with the days of usage it rests on."""

    days: int
    fact: Any


class _ItemKpi(KpiImpl):
    """Base for per-item inventory KPIs measured at the end of a period."""

    def latest(self, session: Session, scope: Scope) -> date | None:
        """The day the inventory KPIs are measured on (:func:`inventory_data_end`); shared with
        the low-stock alert."""
        return inventory_data_end(session, scope)

    def items_on(self, session: Session, scope: Scope, days: Sequence[date]) -> dict[date, list[dict[str, Any]]]:
        """:meth:`items` with usage (mean > 0) for several days: one query on the
        ``supply_item_daily`` roll-up when fresh, else :meth:`items` day by day. Items without
        usage in the window are left out (no KPI counts them)."""
        wanted = sorted(set(days))
        if not wanted or not is_fresh(session, SUPPLY_FEEDS):
            return {d: self.items(session, scope, d) for d in wanted}
        firsts = inventory_first_days(session, scope)
        meta = {r.id: dict(id=r.id, clinic_id=r.clinic_id, sku=r.sku, L=r.lead_time_days, sL=r.lead_time_sd_days,
                           level=r.service_level, cost=r.unit_cost_cents, first=firsts.get(r.clinic_id))
                for r in session.execute(select(SupplyItem.id, SupplyItem.clinic_id, SupplyItem.sku,
                                                SupplyItem.lead_time_days, SupplyItem.lead_time_sd_days,
                                                SupplyItem.service_level, SupplyItem.unit_cost_cents)
                                         .where(*scope_conditions(_DIMS, scope)))}
        out: dict[date, list[dict[str, Any]]] = {d: [] for d in wanted}
        stmt = select(D.item_id, D.day, D.usage_window, D.usage_sq_window, D.on_hand).where(
            D.day.in_(wanted), D.window_days == USAGE_DAYS, *scope_conditions({"clinic": D.clinic_id}, scope))
        dates: dict[Any, date] = {}
        for item_id, day, total, squares, hand in session.execute(stmt):
            if item_id in meta:
                when = dates.get(day) or dates.setdefault(day, _as_date(day))
                out[when].append({**usage_stats(meta[item_id], when, total, squares),
                                  "on_hand": None if hand is None else float(hand)})
        return out

    def _day(self, session: Session, scope: Scope, start: date | None, end: date | None) -> date | None:
        latest = self.latest(session, scope)
        if latest is None:
            return None
        day = latest if end is None else min(end, latest)
        return None if start is not None and day < start else day

    def items(self, session: Session, scope: Scope, day: date) -> list[dict[str, Any]]:
        """Per item in scope: usage mean/sd over the trailing window, on hand at the end of
        ``day`` (latest count on or before it plus the net movements after the count, else the
        lots on hand)."""
        since = day - timedelta(days=USAGE_DAYS - 1)
        items: dict[int, dict[str, Any]] = {r.id: dict(id=r.id, clinic_id=r.clinic_id, sku=r.sku, L=r.lead_time_days, sL=r.lead_time_sd_days,
                            level=r.service_level, cost=r.unit_cost_cents, daily=[])
                 for r in session.execute(select(SupplyItem).where(*scope_conditions(_DIMS, scope))).scalars()}
        usage = session.execute(select(T.item_id, T.tx_date, func.sum(T.quantity)).select_from(_JOIN).where(
            T.kind == "usage", T.tx_date >= since, T.tx_date <= day, *scope_conditions(_DIMS, scope))
            .group_by(T.item_id, T.tx_date)).all()
        for item_id, _d, qty in usage:
            items[item_id]["daily"].append(float(qty))
        counted = (select(StockCount.item_id, func.max(StockCount.count_date).label("d"))
                   .where(StockCount.count_date <= day).group_by(StockCount.item_id).subquery())
        on_hand = dict(session.execute(select(StockCount.item_id, StockCount.on_hand).join(
            counted, and_(counted.c.item_id == StockCount.item_id, counted.c.d == StockCount.count_date))).all())
        moves = session.execute(select(T.item_id, func.sum(SIGNED_QUANTITY)).join(
            counted, counted.c.item_id == T.item_id).where(T.tx_date > counted.c.d, T.tx_date <= day)
            .group_by(T.item_id)).all()
        for item_id, net in moves:  # movements after the count, through the day
            if item_id in on_hand:
                on_hand[item_id] = float(on_hand[item_id]) + float(net or 0)
        lots = dict(session.execute(select(SupplyLot.item_id, func.sum(SupplyLot.quantity_on_hand))
                                    .group_by(SupplyLot.item_id)).all())
        out = []
        firsts = inventory_first_days(session, scope)
        for item in items.values():
            # the window's days from the clinic's first inventory record (days without usage: 0)
            days = covered_days(firsts.get(item["clinic_id"]), since, day)
            daily = item["daily"] + [0.0] * max(days - len(item["daily"]), 0)
            m = sum(daily) / days if days else 0.0
            sd = math.sqrt(sum((x - m) ** 2 for x in daily) / (days - 1)) if days >= 2 else 0.0
            hand = on_hand.get(item["id"], lots.get(item["id"]))
            out.append({**item, "first": firsts.get(item["clinic_id"]), "days": days, "mean": m, "sd": sd,
                        "on_hand": None if hand is None else float(hand)})
        return out

    def fact_of(self, item: dict[str, Any]) -> Covered | ShortHistory | None:
        """:meth:`fact` with the usage days it rests on; an item with usage but fewer days of
        history than the catalogue's ``min_history_days`` is :class:`ShortHistory`."""
        if item["days"] < minimum_days(self.kpi_id, USAGE_DAYS):
            return ShortHistory(item["days"], item.get("first")) if item["mean"] > 0 else None
        f = self.fact(item)
        return None if f is None else Covered(item["days"], f)

    def combine_covered(self, facts: list[Covered | ShortHistory], day: date) -> Measure:
        """:meth:`combine` over the items with enough history; "not enough history" when none
        has; the basis names the usage days when fewer than the window and the items left out."""
        real = [f for f in facts if isinstance(f, Covered)]
        short = [f for f in facts if isinstance(f, ShortHistory)]
        if not real:
            if not short:
                return Measure(value=None)
            longest = max(short, key=lambda f: f.days)
            return not_enough(self.kpi_id, longest.days, USAGE_DAYS, "usage", longest.first)
        m = self.combine([f.fact for f in real], day)
        note = short_note(min(f.days for f in real), USAGE_DAYS, "usage")
        if short:
            note += (f"; {len(short)} items with less than {minimum_days(self.kpi_id, USAGE_DAYS)} days of usage "
                     f"history left out")
        if note and m.value is not None:
            m.extra["basis"] = m.extra.get("basis", "") + note
        return m

    def fact(self, item: dict[str, Any]) -> Any:
        """What the KPI needs of one item (None: the item does not count)."""
        raise NotImplementedError

    def combine(self, facts: list[Any], day: date) -> Measure:
        """The KPI on ``day`` from the facts of the items in scope."""
        raise NotImplementedError

    def value(self, items: list[dict[str, Any]], day: date) -> Measure:
        return self.combine_covered([f for f in map(self.fact_of, items) if f is not None], day)

    def measures_on(self, session: Session, scope: Scope, days: Sequence[date]) -> dict[date, Measure]:
        """The KPI on each day: the stored answers (``kpi_measure_daily``, written with
        ``supply_item_daily`` from the same facts) for the network or one clinic while fresh,
        else computed from :meth:`items_on`."""
        wanted = sorted(set(days))
        if wanted and (scope.clinic_ids is None or len(scope.clinic_ids) == 1) and is_fresh(session, SUPPLY_FEEDS):
            found = stored_measures(session, self.kpi_id, scope, wanted)
            # no stored answer (only answers with a value are stored): computed, so a day with
            # too short a history says so
            missing = [d for d, m in found.items() if m.value is None]
            if missing:
                found.update({d: self.value(items, d) for d, items in self.items_on(session, scope, missing).items()})
            return found
        return {d: self.value(items, d) for d, items in self.items_on(session, scope, wanted).items()}

    def measure(self, session: Session, scope: Scope, start: date | None, end: date | None) -> Measure:
        day = self._day(session, scope, start, end)
        return Measure(value=None) if day is None else self.measures_on(session, scope, [day])[day]

    def series(self, session: Session, scope: Scope, buckets: Sequence[Bucket]) -> list[Measure]:
        latest = self.latest(session, scope)
        days = [None if latest is None or latest < s else min(e, latest) for s, e in buckets]
        found = self.measures_on(session, scope, [d for d in days if d is not None])
        return [Measure(value=None) if d is None else found[d] for d in days]

    def breakdown(self, session: Session, scope: Scope, start: date | None, end: date | None,
                  dim: str) -> list[tuple[Any, Measure]]:
        day = self._day(session, scope, start, end)
        if day is None:
            return []
        groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for item in self.items_on(session, scope, [day])[day]:
            groups[item["clinic_id"]].append(item)
        return [(c, self.value(items, day)) for c, items in groups.items()]


class DaysOfSupplyKpi(_ItemKpi):
    """Days of supply per item = on hand ÷ average daily usage (trailing 13 weeks); the KPI is
    the median over items with usage and a known quantity on hand."""

    kpi_id = "days-of-supply"

    def fact(self, item: dict[str, Any]) -> tuple[float, bool] | None:
        """(days of supply, below the item's lead time) for an item with usage and a known
        quantity on hand; None otherwise."""
        if item["mean"] > 0 and item["on_hand"] is not None:
            days = item["on_hand"] / item["mean"]
            return days, days < item["L"]
        return None

    def combine(self, facts: list[Any], day: date) -> Measure:
        if not facts:
            return Measure(value=None)
        dos = [f[0] for f in facts]
        short = sum(1 for f in facts if f[1])
        return Measure(value=median(dos), n=len(dos), d=len(dos), first=day, last=day,
                       extra={"basis": f"median over {len(dos)} items on {day:%Y-%m-%d}; "
                                       f"{short} below their lead time"})


class ReorderPointKpi(_ItemKpi):
    """Items whose quantity on hand is at or below their reorder point (see module doc)."""

    kpi_id = "reorder-point"

    def fact(self, item: dict[str, Any]) -> tuple[bool, str] | None:
        """(on hand at or below the reorder point, SKU) for an item with usage and a known
        quantity on hand; None otherwise."""
        i = item
        if i["on_hand"] is not None and i["mean"] > 0:
            return i["on_hand"] <= reorder_point(i["mean"], i["sd"], i["L"], i["level"], i["sL"]), i["sku"]
        return None

    def combine(self, facts: list[Any], day: date) -> Measure:
        if not facts:
            return Measure(value=None)
        below = [sku for at_or_below, sku in facts if at_or_below]
        skus = ", ".join(sorted(below)[:8])
        return Measure(value=float(len(below)), n=len(below), d=len(facts), first=day, last=day,
                       extra={"basis": f"{len(below)} of {len(facts)} items on {day:%Y-%m-%d}"
                                       + (f": {skus}" if skus else "")})


def inventory_kpis() -> list[KpiImpl]:
    """The inventory KPIs of this module (inventory turns is :mod:`bot.kpi.inventory_turns`)."""
    return [RatioKpi("expiry-waste", expiry_waste_spec, "expiry-waste"), DaysOfSupplyKpi(), ReorderPointKpi()]
