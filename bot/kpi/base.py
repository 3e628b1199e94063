"""Shared types of the KPI engine: the resolved scope, a measured value, and the generic
"ratio of two daily sums" query that most KPIs are (N and D summed in SQL by day or dimension).

Every query here runs on SQLite and PostgreSQL: plain ``SUM``/``GROUP BY`` over indexed date
columns, no dialect-specific date functions (daily rows are bucketed into weeks/months in Python,
at most a few hundred rows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, FromClause

from bot.errors import UsageError


@dataclass(frozen=True)
class Scope:
    """Which rows a question covers. ``clinic_ids`` None = the whole network."""

    clinic_ids: tuple[int, ...] | None = None
    clinic_key: str | None = None
    clinic_name: str | None = None
    provider_id: int | None = None
    provider_name: str | None = None
    payer_id: int | None = None
    payer_name: str | None = None
    timezone: str = "UTC"

    @property
    def label(self) -> str:
        parts = [self.clinic_name or "All clinics"]
        if self.provider_name:
            parts.append(self.provider_name)
        if self.payer_name:
            parts.append(self.payer_name)
        return " · ".join(parts)


#: ``Measure.extra`` key: the text a list (a breakdown) shows in place of a value it cannot give
#: (e.g. money that cannot be attributed to the row; :mod:`bot.kpi.net_collection`)
UNRANKED = "unranked"
#: ``Measure.extra`` key: Σd (in D's own units) of a ratio that has rows but whose denominator is
#: zero or negative (net collection's charges less contractual adjustments can be): the ratio is
#: not computable, which is not "no data" (:func:`ratio_measure`, :mod:`bot.kpi.computable`)
NOT_COMPUTABLE = "not_computable"


@dataclass
class Measure:
    """One KPI value over a date range.

    ``value``: None when there is no data (never 0). For rates ``value`` is a proportion (0.2019
    = 20.19 %); for days/turns/counts the plain number. ``n``/``d``: numerator and denominator as
    shown to users (``d_label`` names what D counts). ``first``/``last``: first and last date
    with data inside the range. ``extra``: KPI-specific figures (e.g. mean, same-day share).
    """

    value: float | None
    n: float = 0
    d: float = 0
    first: date | None = None
    last: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_data(self) -> bool:
        return self.value is not None


@dataclass
class TrendPoint:
    """One point of a trend: a period's label and dates and its measure."""

    label: str
    start: date
    end: date
    measure: Measure


@dataclass(frozen=True)
class RatioSpec:
    """A KPI that is Σn / Σd over rows of one table (or join).

    ``n``/``d``: per-row SQL expressions summed; ``day``: the local-date column that places a row
    in a period; ``dims``: columns for clinic/provider/payer scope and breakdown; ``where``:
    fixed conditions (e.g. first remittances only); ``source``: the FROM clause (a table or join).
    """

    source: FromClause | Any
    day: Any
    n: Any
    d: Any
    dims: dict[str, Any]
    where: tuple[Any, ...] = ()


def scope_conditions(spec_dims: dict[str, Any], scope: Scope) -> list[ColumnElement[bool]]:
    """WHERE conditions for ``scope`` on a table whose dimension columns are ``spec_dims``."""
    out: list[ColumnElement[bool]] = []
    if scope.clinic_ids is not None:
        col = spec_dims["clinic"]
        out.append(col == scope.clinic_ids[0] if len(scope.clinic_ids) == 1 else col.in_(scope.clinic_ids))
    for dim, value in (("provider", scope.provider_id), ("payer", scope.payer_id)):
        if value is not None:
            if dim not in spec_dims:
                raise UsageError(f"This KPI cannot be filtered by {dim}.")
            out.append(spec_dims[dim] == value)
    return out


def range_conditions(day_col: Any, start: date | None, end: date | None) -> list[ColumnElement[bool]]:
    out = []
    if start is not None:
        out.append(day_col >= start)
    if end is not None:
        out.append(day_col <= end)
    return out


def ratio_daily(session: Session, spec: RatioSpec, scope: Scope, start: date | None,
                end: date | None) -> list[tuple[date, float, float]]:
    """``[(day, Σn, Σd)]`` per day with rows in [start, end] (inclusive; None = open), by day."""
    stmt = (select(spec.day, func.sum(spec.n), func.sum(spec.d)).select_from(spec.source)
            .where(*spec.where, *scope_conditions(spec.dims, scope), *range_conditions(spec.day, start, end))
            .group_by(spec.day).order_by(spec.day))
    return [(_as_date(day), float(n or 0), float(d or 0)) for day, n, d in session.execute(stmt)]


def ratio_by(session: Session, spec: RatioSpec, scope: Scope, start: date | None, end: date | None,
             dim: str) -> list[tuple[Any, float, float]]:
    """``[(dimension id, Σn, Σd)]`` over [start, end] for a breakdown by ``dim``."""
    col = spec.dims[dim]
    stmt = (select(col, func.sum(spec.n), func.sum(spec.d)).select_from(spec.source)
            .where(*spec.where, *scope_conditions(spec.dims, scope), *range_conditions(spec.day, start, end))
            .group_by(col))
    return [(key, float(n or 0), float(d or 0)) for key, n, d in session.execute(stmt)]


def latest_day(session: Session, spec: RatioSpec, scope: Scope) -> date | None:
    """The latest date with a row in scope that counts in the denominator (the "latest data")."""
    stmt = (select(func.max(spec.day)).select_from(spec.source)
            .where(*spec.where, spec.d > 0, *scope_conditions(spec.dims, scope)))
    value = session.execute(stmt).scalar()
    return _as_date(value) if value is not None else None


def measure_from_daily(rows: Sequence[tuple[date, float, float]], start: date | None,
                       end: date | None) -> Measure:
    """Σn/Σd over the daily rows inside [start, end]; no data (value None) when Σd = 0.

    A day counts when it has a numerator or a denominator: money posted on a day without charges
    (a Saturday payment) belongs to the period's N even though that day adds nothing to D."""
    n = d = 0.0
    first = last = None
    for day, dn, dd in rows:
        if (start is None or day >= start) and (end is None or day <= end) and (dd or dn):
            n += dn
            d += dd
            first = day if first is None else min(first, day)
            last = day if last is None else max(last, day)
    return ratio_measure(n, d, first, last, counted=first is not None)


def ratio_measure(n: float, d: float, first: date | None = None, last: date | None = None, *,
                  counted: bool = True) -> Measure:
    """The Measure of the ratio n/d, the one place a ratio KPI's value is divided.

    ``counted``: rows exist behind n and d. No rows: no data (value None). Rows with d ≤ 0: no
    value, ``extra[NOT_COMPUTABLE] = d`` (a rate over a zero or negative denominator, e.g.
    −296 % net collection, means nothing); else value n/d (a proportion for rates)."""
    if d > 0:
        return Measure(value=n / d, n=n, d=d, first=first, last=last)
    if not counted:
        return Measure(value=None, n=n, d=d, first=first, last=last)
    return Measure(value=None, n=n, d=d, first=first, last=last, extra={NOT_COMPUTABLE: d})


def covering_range(ranges: Sequence[tuple[date | None, date | None]]) -> tuple[date | None, date | None]:
    """The smallest range holding every range (None = open on that side)."""
    starts, ends = [s for s, _ in ranges], [e for _, e in ranges]
    return (None if None in starts else min(starts)), (None if None in ends else max(ends))  # type: ignore[type-var]


def session_memo(session: Session, key: Any, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per session and ``key`` (a request's session reads one state of the
    data; the engine asks a KPI's latest data day several times per answer)."""
    memo: dict[Any, Any] = session.info.setdefault("opsbot_kpi_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):  # SQLite can hand back ISO text for aggregated dates
        return date.fromisoformat(value[:10])
    return value


Bucket = tuple[date, date]


class KpiImpl:
    """How one KPI is computed. Subclasses implement :meth:`measure` and :meth:`latest`;
    :meth:`series` and :meth:`breakdown` default to repeated :meth:`measure` calls."""

    kpi_id: str = ""

    def latest(self, session: Session, scope: Scope) -> date | None:
        raise NotImplementedError

    def measure(self, session: Session, scope: Scope, start: date | None, end: date | None) -> Measure:
        raise NotImplementedError

    def series(self, session: Session, scope: Scope, buckets: Sequence[Bucket]) -> list[Measure]:
        return [self.measure(session, scope, s, e) for s, e in buckets]

    def measure_and_series(self, session: Session, scope: Scope, start: date | None, end: date | None,
                           buckets: Sequence[Bucket]) -> tuple[Measure, list[Measure]]:
        return self.measure(session, scope, start, end), self.series(session, scope, buckets)

    def breakdown(self, session: Session, scope: Scope, start: date | None, end: date | None,
                  dim: str) -> list[tuple[Any, Measure]]:
        raise NotImplementedError
