"""Reading the daily roll-ups (``storage.models.rollups``) instead of raw rows.

A roll-up is read only when it is fresh: every feed it depends on has a ``rollup_state`` row
whose ``feed_load_id`` is at least the newest ``FeedLoad.id`` of that feed (loads that were not
followed by a refresh make the engine fall back to raw rows: slower, same answer). Freshness is
checked once per feed per session (``session.info``).

``kpi_daily`` grains: a question filtered or broken down by at most one of provider/payer reads
that grain (a payer question without clinic filter or clinic breakdown: ``network_payer``, one
row per payer and day); else a clinic filter or a breakdown by clinic reads the clinic grain;
else the network grain (one row per day). Sums are exact (integers in double precision).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.kpi.base import Measure, Scope, _as_date
from storage.models import FeedLoad
from storage.models.rollups import KpiDaily as K
from storage.models.rollups import KpiMeasureDaily, RollupState


def is_fresh(session: Session, feeds: tuple[str, ...]) -> bool:
    """True when the roll-ups include every load of ``feeds`` (see module doc)."""
    cache: dict[str, bool] = session.info.setdefault("opsbot_rollup_fresh", {})
    missing = [f for f in feeds if f not in cache]
    if missing:
        state = dict(session.execute(select(RollupState.feed, RollupState.feed_load_id)
                                     .where(RollupState.feed.in_(missing))).all())
        newest = dict(session.execute(select(FeedLoad.feed, func.max(FeedLoad.id))
                                      .where(FeedLoad.feed.in_(missing)).group_by(FeedLoad.feed)).all())
        for feed in missing:
            covered = state.get(feed, -1) if feed in state else None
            loaded = newest.get(feed)
            cache[feed] = feed in state and (loaded is None or (covered is not None and covered >= loaded))
    return all(cache[f] for f in feeds)


@dataclass(frozen=True)
class Plan:
    """Which ``kpi_daily`` rows answer a question: ``grain`` and the WHERE conditions."""

    component: str
    grain: str
    conditions: tuple[Any, ...]


def plan(component: str, scope: Scope, by: str | None = None) -> Plan | None:
    """The grain for ``scope`` (and breakdown ``by``), or None when no single grain has it
    (provider and payer together: raw rows)."""
    keys = [dim for dim in ("provider", "payer") if getattr(scope, f"{dim}_id") is not None]
    if by in ("provider", "payer") and by not in keys:
        keys.append(by)
    if len(keys) > 1:
        return None
    per_clinic = scope.clinic_ids is not None or by == "clinic"
    grain = keys[0] if keys else ("clinic" if per_clinic else "network")
    if grain == "payer" and not per_clinic:
        grain = "network_payer"
    conds: list[Any] = [K.component == component, K.grain == grain]
    if scope.clinic_ids is not None:
        conds.append(K.clinic_id == scope.clinic_ids[0] if len(scope.clinic_ids) == 1
                     else K.clinic_id.in_(scope.clinic_ids))
    for dim in keys:
        value = getattr(scope, f"{dim}_id")
        if value is not None:
            conds.append(K.key_id == value)
    return Plan(component, grain, tuple(conds))


def _range(start: date | None, end: date | None) -> list[Any]:
    return [c for c in ((K.day >= start) if start else None, (K.day <= end) if end else None) if c is not None]


def daily(session: Session, p: Plan, start: date | None, end: date | None) -> list[tuple[date, float, float]]:
    """``[(day, Σn, Σd)]`` by day, as :func:`bot.kpi.base.ratio_daily`."""
    stmt = (select(K.day, func.sum(K.n), func.sum(K.d)).where(*p.conditions, *_range(start, end))
            .group_by(K.day).order_by(K.day))
    return [(_as_date(day), float(n or 0), float(d or 0)) for day, n, d in session.execute(stmt)]


def by_dim(session: Session, p: Plan, start: date | None, end: date | None,
           dim: str) -> list[tuple[Any, float, float]]:
    """``[(key, Σn, Σd)]`` for a breakdown by ``dim``, as :func:`bot.kpi.base.ratio_by`."""
    col = K.clinic_id if dim == "clinic" else K.key_id
    stmt = select(col, func.sum(K.n), func.sum(K.d)).where(*p.conditions, *_range(start, end)).group_by(col)
    return [(key, float(n or 0), float(d or 0)) for key, n, d in session.execute(stmt)]


def latest(session: Session, p: Plan) -> date | None:
    """The latest day with a raw row whose denominator term is positive."""
    value = session.execute(select(func.max(K.day)).where(*p.conditions, K.d_rows > 0)).scalar()
    return _as_date(value) if value is not None else None


def days_with_numerator(session: Session, p: Plan, start: date | None,
                        end: date | None) -> tuple[float, date | None, date | None]:
    """(Σn, first and last day with n > 0) over [start, end]."""
    n, first, last = session.execute(select(func.sum(K.n), func.min(K.day), func.max(K.day)).where(
        *p.conditions, K.n > 0, *_range(start, end))).one()
    return float(n or 0), (_as_date(first) if first is not None else None), (_as_date(last) if last is not None else None)


def total(session: Session, p: Plan, start: date | None, end: date | None) -> tuple[float, float]:
    """(Σn, Σd) over [start, end]."""
    n, d = session.execute(select(func.sum(K.n), func.sum(K.d)).where(*p.conditions, *_range(start, end))).one()
    return float(n or 0), float(d or 0)


def numerators_on(session: Session, p: Plan, days: list[date]) -> dict[date, float]:
    """Σn on each of ``days`` that has rows (e.g. net A/R, component ``net-ar``)."""
    stmt = select(K.day, func.sum(K.n)).where(*p.conditions, K.day.in_(days)).group_by(K.day)
    return {_as_date(day): float(n) for day, n in session.execute(stmt)}


def stored_measures(session: Session, component: str, scope: Scope, days: list[date]) -> dict[date, Measure]:
    """The answers ``kpi_measure_daily`` holds for ``component`` on ``days``, for the network
    (``scope.clinic_ids`` None) or one clinic (the caller checks the roll-up is fresh and the
    scope has no other filter); a day without a row has no data. One query."""
    m = KpiMeasureDaily
    clinic = m.clinic_id.is_(None) if scope.clinic_ids is None else m.clinic_id == scope.clinic_ids[0]
    rows = session.execute(select(m.day, m.value, m.n, m.d, m.basis).where(
        m.component == component, clinic, m.day.in_(days)))
    found = {_as_date(day): (value, n, d, basis) for day, value, n, d, basis in rows}
    out = {}
    for day in days:
        row = found.get(day)
        out[day] = (Measure(value=row[0], n=row[1], d=row[2], first=day, last=day, extra={"basis": row[3]})
                    if row else Measure(value=None))
    return out
