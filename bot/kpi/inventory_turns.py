"""Inventory turns (operations management): annualised consumption value ÷ average inventory
value, per period; ``turns_to_days`` gives the equivalent days on hand."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from bot.kpi.base import Bucket, KpiImpl, Measure, Scope, covering_range, scope_conditions
from bot.kpi.coverage import (
    covered_days,
    minimum_days,
    not_enough,
    pooled_daily,
    short_history,
    short_note,
    starts_apart,
)
from bot.kpi.inventory import (
    _DIMS,
    INVENTORY_USAGE,
    DaysOfSupplyKpi,
    inventory_data_end,
    inventory_first_days,
    turns_to_days,
)
from storage.models import StockCount, SupplyItem


class InventoryTurnsKpi(KpiImpl):
    """Inventory turns: consumption value in the period × 365 / days ÷ average inventory value
    (per item: mean of its stock counts in the period × unit cost, summed over items). The
    period's days run from its start (or the first usage) to its end or the latest inventory
    data (a transaction of any kind or a stock count), whichever is earlier, and the year is
    scaled from the days of them the inventory feed covers (from its first record in scope;
    :mod:`bot.kpi.coverage`): a weekend without
    usage at the end of a month is still part of the month's year-equivalent.

    A value or a trend takes two queries: daily usage value over the whole span (the
    ``inventory-usage`` component, roll-up or raw rows), and the average stock value of every
    period at once (the trend's periods do not overlap)."""

    kpi_id = "inventory-turns"
    _usage = INVENTORY_USAGE

    def latest(self, session: Session, scope: Scope) -> date | None:
        return DaysOfSupplyKpi().latest(session, scope)

    def measure(self, session: Session, scope: Scope, start: date | None, end: date | None) -> Measure:
        return self._many(session, scope, [(start, end)])[0]

    def series(self, session: Session, scope: Scope, buckets: Sequence[Bucket]) -> list[Measure]:
        return self._many(session, scope, list(buckets)) if buckets else []

    def _many(self, session: Session, scope: Scope, ranges: list[tuple[date | None, date | None]]) -> list[Measure]:
        firsts = inventory_first_days(session, scope)
        if starts_apart(firsts.values(), [s or min(firsts.values(), default=date.min) for s, _ in ranges]):  # feeds starting apart
            return self._pooled(session, scope, ranges, sorted(firsts))
        daily = [(day, d) for day, n, d in self._usage.daily(session, scope, *covering_range(ranges)) if n > 0]
        data_end = self._data_end(session, scope)
        data_start = min(inventory_first_days(session, scope).values(), default=None)
        used: dict[int, tuple[float, date, date, date, date]] = {}
        for i, (start, end) in enumerate(ranges):
            inside = [(day, d) for day, d in daily if (start is None or day >= start) and (end is None or day <= end)]
            if inside:
                first, last = inside[0][0], inside[-1][0]
                ends = [d for d in (end, data_end) if d is not None]
                stop = max(last, min(ends)) if ends else last
                used[i] = (sum(d for _, d in inside), first, last, start or first, stop)
        stock = self._stock_values(session, scope, {i: (u[3], u[4]) for i, u in used.items()})
        out = []
        for i in range(len(ranges)):
            if i not in used:
                out.append(Measure(value=None))
                continue
            value, first, last, s, e = used[i]
            window = (e - s).days + 1
            days = covered_days(data_start, s, e)  # from the inventory feed's first record in scope
            if days < minimum_days(self.kpi_id, window):
                out.append(not_enough(self.kpi_id, days, window, "usage", data_start, (s, e)))
                continue
            avg_value = stock.get(i)
            if not avg_value:
                out.append(Measure(value=None, extra={"why": "no stock count in or before the period"}))
                continue
            annual = float(value) * 365 / days
            turns = annual / float(avg_value)
            note = short_note(days, window, "usage")
            out.append(Measure(value=turns, n=annual, d=float(avg_value), first=first, last=last,
                               extra={"basis": f"{annual / 100:,.0f} USD annualised use ÷ "
                                               f"{float(avg_value) / 100:,.0f} USD average stock ≈ "
                                               f"{turns_to_days(turns):.1f} days on hand{note}",
                                      "usage_cents": float(value), "covered_days": days}))
        return out

    def _pooled(self, session: Session, scope: Scope, ranges: list[tuple[date | None, date | None]],
                clinic_ids: list[int]) -> list[Measure]:
        """Network turns over clinics whose inventory data starts on different days: Σ each
        clinic's consumption annualised over the days its own data covers ÷ Σ their average stock
        values (:func:`bot.kpi.coverage.pooled_daily`: 365 × the sum of the clinics' daily
        averages). A clinic below the minimum history is left out of both sums, and said so."""
        per_clinic = [self._many(session, Scope(clinic_ids=(c,), timezone=scope.timezone), ranges) for c in clinic_ids]
        out = []
        for i in range(len(ranges)):
            got = [m[i] for m in per_clinic if m[i].has_data]
            shorts = [m[i] for m in per_clinic if short_history(m[i]) is not None]
            if not got:
                out.append(max(shorts, key=lambda m: short_history(m) or 0) if shorts else Measure(value=None))
                continue
            annual = 365 * pooled_daily((m.extra["usage_cents"], m.extra["covered_days"]) for m in got)
            stock = sum(m.d for m in got)
            left = (f"; {len(shorts)} clinic{'s' if len(shorts) != 1 else ''} with too short a usage history left out"
                    if shorts else "")
            turns = annual / stock
            out.append(Measure(value=turns, n=annual, d=stock, first=min(m.first for m in got if m.first),
                               last=max(m.last for m in got if m.last), extra={"basis": (
                                   f"{annual / 100:,.0f} USD annualised use (the sum over {len(got)} clinics, each "
                                   f"over the days its own data covers) ÷ {stock / 100:,.0f} USD average stock ≈ "
                                   f"{turns_to_days(turns):.1f} days on hand{left}")}))
        return out

    @staticmethod
    def _data_end(session: Session, scope: Scope) -> date | None:
        """Latest day with inventory data in scope: a transaction of any kind or a stock count."""
        return inventory_data_end(session, scope)

    @staticmethod
    def _stock_values(session: Session, scope: Scope, spans: dict[int, tuple[date, date]]) -> dict[int, float]:
        """Average inventory value (cents) per span: Σ over items in scope of the mean of the
        item's stock levels × its unit cost, the levels being the opening stock (the item's last
        count before the span) and every count in the span; a span without a count inside it
        uses the opening stock alone. One query: range scans of ``ix_stock_counts_date_item``."""
        if not spans:
            return {}
        c = StockCount
        items = [] if scope.clinic_ids is None else [
            c.item_id.in_(select(SupplyItem.id).where(*scope_conditions(_DIMS, scope)))]
        parts = []
        for i, (s, e) in spans.items():
            before = (select(c.item_id.label("item_id"), func.max(c.count_date).label("d"))
                      .where(c.count_date < s, *items).group_by(c.item_id).subquery())
            levels = union_all(
                select(c.item_id.label("item_id"), c.on_hand.label("on_hand"))
                .join(before, (before.c.item_id == c.item_id) & (before.c.d == c.count_date)),
                select(c.item_id.label("item_id"), c.on_hand.label("on_hand"))
                .where(c.count_date >= s, c.count_date <= e, *items)).subquery()
            parts.append(select(literal(i).label("span"), levels.c.item_id.label("item_id"),
                                func.avg(levels.c.on_hand).label("avg")).group_by(levels.c.item_id))
        per_item = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
        stmt = (select(per_item.c.span, func.sum(per_item.c.avg * SupplyItem.unit_cost_cents))
                .select_from(per_item.join(SupplyItem, SupplyItem.id == per_item.c.item_id))
                .where(*scope_conditions(_DIMS, scope)).group_by(per_item.c.span))
        return {int(i): v for i, v in session.execute(stmt) if v is not None}

    def breakdown(self, session: Session, scope: Scope, start: date | None, end: date | None,
                  dim: str) -> list[tuple[Any, Measure]]:
        ids = scope.clinic_ids or tuple(session.execute(select(SupplyItem.clinic_id).distinct()).scalars())
        return [(c, self.measure(session, Scope(clinic_ids=(c,)), start, end)) for c in ids]
