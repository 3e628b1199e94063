"""The ratio KPI: Σn/Σd of a :class:`~bot.kpi.base.RatioSpec`, read from the ``kpi_daily``
roll-up while that is fresh, else from the raw rows (both give the same sums)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.kpi import rollup_read
from bot.kpi.base import (
    Bucket,
    KpiImpl,
    Measure,
    RatioSpec,
    Scope,
    latest_day,
    measure_from_daily,
    ratio_by,
    ratio_daily,
    ratio_measure,
)
from bot.kpi.catalogue import BY_ID


class RatioKpi(KpiImpl):
    """A KPI that is Σn/Σd of a :class:`RatioSpec`: one SQL query per answer (value and trend).

    With a ``component`` (a name in :mod:`bot.kpi.components`) it reads the ``kpi_daily``
    roll-up while that is fresh and has a grain for the question, else the raw rows; both give
    the same sums (see :mod:`bot.kpi.rollup_read`). The roll-up is fresh when it holds every
    load of ``feeds``: the feeds of the KPI's catalogue record, or the ones given for a sum that
    is no KPI of its own (:data:`bot.kpi.components.PARTS`).
    """

    def __init__(self, kpi_id: str, spec: Callable[[], RatioSpec], component: str | None = None,
                 feeds: tuple[str, ...] | None = None):
        self.kpi_id = kpi_id
        self._spec = spec
        self.component = component
        self._feeds = feeds

    @property
    def spec(self) -> RatioSpec:
        return self._spec()

    @property
    def feeds(self) -> tuple[str, ...]:
        """Every feed whose load can change this ratio's rows (``FeedLoad.feed`` values)."""
        return self._feeds if self._feeds is not None else BY_ID[self.kpi_id].feeds

    def _plan(self, session: Session, scope: Scope, by: str | None = None) -> rollup_read.Plan | None:
        if self.component is None:
            return None
        p = rollup_read.plan(self.component, scope, by)
        return p if p is not None and rollup_read.is_fresh(session, self.feeds) else None

    def daily(self, session: Session, scope: Scope, start: date | None,
              end: date | None) -> list[tuple[date, float, float]]:
        p = self._plan(session, scope)
        if p is None:
            return ratio_daily(session, self.spec, scope, start, end)
        return rollup_read.daily(session, p, start, end)

    def latest(self, session: Session, scope: Scope) -> date | None:
        p = self._plan(session, scope)
        if p is None:
            return latest_day(session, self.spec, scope)
        return rollup_read.latest(session, p)

    def measure(self, session: Session, scope: Scope, start: date | None, end: date | None) -> Measure:
        return measure_from_daily(self.daily(session, scope, start, end), start, end)

    def series(self, session: Session, scope: Scope, buckets: Sequence[Bucket]) -> list[Measure]:
        if not buckets:
            return []
        rows = self.daily(session, scope, buckets[0][0], buckets[-1][1])
        return [measure_from_daily(rows, s, e) for s, e in buckets]

    def measure_and_series(self, session: Session, scope: Scope, start: date | None, end: date | None,
                           buckets: Sequence[Bucket]) -> tuple[Measure, list[Measure]]:
        lo = start if not buckets else (buckets[0][0] if start is None else min(start, buckets[0][0]))
        if start is None:
            lo = None
        hi = end if not buckets or end is None else max(end, buckets[-1][1])
        rows = self.daily(session, scope, lo, hi)
        return (measure_from_daily(rows, start, end), [measure_from_daily(rows, s, e) for s, e in buckets])

    def breakdown(self, session: Session, scope: Scope, start: date | None, end: date | None,
                  dim: str) -> list[tuple[Any, Measure]]:
        p = self._plan(session, scope, dim)
        if p is None:
            rows = ratio_by(session, self.spec, scope, start, end, dim)
        else:
            rows = rollup_read.by_dim(session, p, start, end, dim)
        return [(key, ratio_measure(n, d)) for key, n, d in rows if n or d]
