"""The KPI engine: a typed request in, a typed answer out (no Slack, no Block Kit).

``answer(session, request, org)`` resolves the scope and period (relative periods use "today"
in the clinic's time zone), measures the KPI, its trend over the last 12 periods with an SPC
reading (``bot.spc``), an optional comparison and breakdown, the target status and "as of".
A period without data gives ``measure.value is None`` and the latest data date, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.errors import UsageError
from bot.kpi import drivers
from bot.kpi.base import UNRANKED, KpiImpl, Measure, Scope, TrendPoint
from bot.kpi.catalogue import BY_ID, CATALOGUE, KpiDef
from bot.kpi.computable import explain, left_out_note
from bot.kpi.coverage import short_history, short_history_text
from bot.kpi.denial_breakdown import DIMS as DENIAL_DIMS
from bot.kpi.denial_breakdown import breakdown_names
from bot.kpi.grammar import KpiRequest
from bot.kpi.payment_lag import lag_caveat
from bot.kpi.periods import Grain, Period, comparison_problem, recent_window, shift_period, unit_bounds, unit_name
from bot.kpi.ratio import RatioKpi
from bot.kpi.registry import EngineOptions, implementation
from bot.kpi.scope import names_for, resolve_scope
from bot.kpi.spc_reading import SpcReading, read_trend
from bot.kpi.targets import TargetStatus, target_status
from bot.orgconfig import OrgConfig
from storage.models import Clinic, FeedLoad

TREND_POINTS = 12
SMALL_N = 30
BREAKDOWN_MAX = 25


@dataclass
class BreakdownRow:
    key: Any
    name: str
    measure: Measure
    status: TargetStatus | None


@dataclass
class KpiAnswer:
    """Everything the view needs for one KPI answer (see module doc)."""

    kpi: KpiDef
    scope: Scope
    period: Period
    measure: Measure
    latest: date | None
    as_of: datetime | None  # naive UTC (FeedLoad.finished_at)
    status: TargetStatus | None
    trend: list[TrendPoint] = field(default_factory=list)
    grain: Grain = "month"
    spc: SpcReading | None = None
    comparison: tuple[Period, Measure] | None = None
    breakdown: list[BreakdownRow] | None = None
    breakdown_dim: str | None = None
    breakdown_total: int = 0
    #: rows of the breakdown listed without a value, by name: (name, why) — too short a history
    #: ("not enough history (11 days of data)", bot.kpi.coverage) or money that cannot be attributed
    breakdown_unranked: list[tuple[str, str]] = field(default_factory=list)
    small_n: bool = False
    caveat: str | None = None  # one line the reader must see beside the value (bot.kpi.payment_lag)
    request_text: str = ""
    drivers: list[Any] | None = None  # bot.kpi.drivers.Drivers for a comparison (issue 19)


@dataclass
class KpiListItem:
    kpi: KpiDef
    measure: Measure | None
    period: Period | None
    status: TargetStatus | None


def local_today(tz: str, now: datetime | None = None) -> date:
    """Today's date in ``tz`` (``now`` is an aware or naive-UTC instant; default: the clock)."""
    instant = now or datetime.now(UTC)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(ZoneInfo(tz)).date()


def as_of(session: Session, kpi: KpiDef) -> datetime | None:
    """When the KPI's feeds were last loaded: the latest ``FeedLoad.finished_at`` among them."""
    return session.execute(select(func.max(FeedLoad.finished_at))
                           .where(FeedLoad.feed.in_(kpi.feeds), FeedLoad.delivered())).scalar()


def answer(session: Session, request: KpiRequest, org: OrgConfig, *, now: datetime | None = None,
           options: EngineOptions | None = None) -> KpiAnswer:
    """Answer a ``value`` request.

    Raises:
        UsageError: unknown clinic/provider/payer, or a filter the KPI does not support.
    """
    if request.action != "value" or request.kpi_id is None:
        raise UsageError("Internal: answer() takes a value request")
    kpi = BY_ID[request.kpi_id]
    for dim in ("provider", "payer"):
        if getattr(request, dim) and dim not in kpi.dimensions:
            raise UsageError(f"{kpi.name} cannot be filtered by {dim}; it has {', '.join(kpi.dimensions)}.")
    impl = implementation(kpi.id, options)
    scope = resolve_scope(session, request, org=org)
    today = local_today(scope.timezone, now)
    period = request.period.resolve(today)
    other = _compared(request, period, today)
    latest = impl.latest(session, scope)
    start, end = _capped(period, today)
    measure = impl.measure(session, scope, start, end) if start is None or start <= end else Measure(value=None)
    explain(kpi, measure)
    result = KpiAnswer(kpi=kpi, scope=scope, period=period, measure=measure, latest=latest,
                       as_of=as_of(session, kpi), status=None, request_text=request.text)
    if not measure.has_data:
        if other is not None:  # the "vs" is said, never dropped: nothing to set beside it
            result.comparison = (other, explain(kpi, impl.measure(session, scope, *_capped(other, today))))
        return result
    result.status = target_status(kpi, org, scope.clinic_key, measure.value)
    result.small_n = kpi.unit == "%" and measure.d < SMALL_N and not kpi.money
    if kpi.payment_lag_caveat:
        result.caveat = lag_caveat(session, scope, start, end)
    result.grain = _grain(period, measure)
    buckets = trend_buckets(measure.last or end, result.grain)
    series = impl.series(session, scope, buckets)
    result.trend = [TrendPoint(bucket_label(s, result.grain), s, e, m) for (s, e), m in zip(buckets, series, strict=True)]
    reading = result.trend
    # today is under way (its feed rows are still arriving): a bucket holding it is partial, so the
    # SPC reading stops at the day before; a bucket past the question's end is not asked about
    through = end if end < today else today - timedelta(days=1)
    if len(buckets) > 1 and buckets[-1][1] > through:  # the current period is under way: read 12 complete ones
        (s0, e0), = trend_buckets(buckets[0][0] - timedelta(days=1), result.grain, 1)
        earlier = impl.series(session, scope, [(s0, e0)])[0]
        reading = [TrendPoint(bucket_label(s0, result.grain), s0, e0, earlier), *result.trend]
    result.spc = read_trend(kpi, reading, result.grain, through)
    if result.spc is not None and (note := left_out_note(kpi, reading)):
        result.spc.lines.append(note)
    if other is not None:
        result.comparison = (other, explain(kpi, impl.measure(session, scope, *_capped(other, today))))
        if why := _same_records(period, measure, *result.comparison):
            raise UsageError(why)
        _add_drivers(session, result, impl, _capped(other, today), (start, end), request.by)
    if request.by:
        _add_breakdown(session, result, impl, org, request.by, end)
    return result


def _compared(request: KpiRequest, period: Period, today: date) -> Period | None:
    """The comparison period of ``request`` (None: no "vs"), both resolved on ``today`` before any
    data is read, so two periods naming the same days are said to be the same however they were
    worded ("yesterday vs 2026-12-05") and whether or not they hold data.

    Raises:
        UsageError: :func:`bot.kpi.periods.comparison_problem` (same days, or all data).
    """
    if not (request.compare_shift or request.compare):
        return None
    other = (request.compare.resolve(today) if request.compare
             else shift_period(period, None if request.compare_shift == "period" else request.compare_shift))
    if why := comparison_problem(period, other, today):
        raise UsageError(why)
    return other


def _add_drivers(session: Session, result: KpiAnswer, impl: KpiImpl, before: tuple[date | None, date],
                 after: tuple[date | None, date], by: str | None) -> None:
    """Why the value moved between the compared periods (ratio KPIs only; issue 19)."""
    assert result.comparison is not None
    if isinstance(impl, RatioKpi) and result.comparison[1].has_data:
        dims = drivers.dims_to_explain(result.kpi, result.scope, by)
        result.drivers = drivers.explain_change(session, impl, result.scope, before, after, dims)


def _same_records(period: Period, measure: Measure, other: Period, before: Measure) -> str | None:
    """Why two periods, one holding the other, measure the same records (the longer one's extra
    days hold no data: "last 9999 days" against "last 9998 days"), else None."""
    if not (measure.has_data and before.has_data) or (measure.n, measure.d, measure.first, measure.last) != \
            (before.n, before.d, before.first, before.last):
        return None
    assert period.start and period.end and other.start and other.end  # comparison_problem refused "all"
    if not ((period.start <= other.start and other.end <= period.end) or
            (other.start <= period.start and period.end <= other.end)):
        return None
    return (f"{period.describe()} and {other.describe()} hold the same data (from {measure.first} to {measure.last}; "
            f"none in the rest of the longer one), so the change would be zero by construction. Compare periods "
            f"inside the data, e.g. `this month vs last month`.")


def _capped(period: Period, today: date) -> tuple[date | None, date]:
    """The period's bounds with the end capped at today: KPIs describe what has happened, so
    published future slots and scheduled appointments never dilute a rate."""
    return period.start, today if period.end is None else min(period.end, today)


def _grain(period: Period, measure: Measure) -> Grain:
    if not period.is_all:
        return period.grain
    if measure.first and measure.last:
        span = (measure.last - measure.first).days
        return "day" if span <= 14 else "week" if span <= 120 else "month"
    return "month"


def trend_buckets(anchor: date, grain: Grain, count: int = TREND_POINTS) -> list[tuple[date, date]]:
    """``count`` consecutive whole ``grain`` buckets, the last one holding ``anchor``."""
    out: list[tuple[date, date]] = []
    start, end = unit_bounds(anchor, grain)
    for _ in range(count):
        out.append((start, end))
        start, end = unit_bounds(start - timedelta(days=1), grain)
    return out[::-1]


def bucket_label(start: date, grain: Grain) -> str:
    """A trend point's label: the name of its calendar unit (:func:`bot.kpi.periods.unit_name`),
    the same words the answer uses for that period."""
    return unit_name(start, grain)


def _add_breakdown(session: Session, result: KpiAnswer, impl: KpiImpl, org: OrgConfig, dim: str,
                   end: date) -> None:
    every = [(k, explain(result.kpi, m)) for k, m in impl.breakdown(session, result.scope, result.period.start, end, dim)]
    rows = [(k, m) for k, m in every if m.has_data]
    # too short a history is not "no data": those rows stay visible, unranked, and say why
    unranked = [(k, why) for k, m in every if not m.has_data and (why := unranked_text(m))]
    wanted = [k for k, _ in rows] + [k for k, _ in unranked]
    names = breakdown_names(dim, wanted) if dim in DENIAL_DIMS else names_for(session, dim, wanted)
    result.breakdown_unranked = sorted((names.get(k, str(k)), why) for k, why in unranked)
    keys = {}
    if dim == "clinic":
        ids = [k for k, _ in rows if k is not None]
        keys = dict(session.execute(select(Clinic.id, Clinic.key).where(Clinic.id.in_(ids))).all()) if ids else {}
    small = result.kpi.unit == "%" and not result.kpi.money
    # highest first; rates on fewer than SMALL_N go last (a 2-of-2 rate is not a top rank)
    ranked = sorted(rows, key=lambda r: (small and r[1].d < SMALL_N, -(r[1].value or 0), names.get(r[0], "")))
    result.breakdown_total = len(ranked)
    result.breakdown_dim = dim
    result.breakdown = [
        BreakdownRow(key, names.get(key, str(key)), m,
                     target_status(result.kpi, org, keys.get(key, result.scope.clinic_key), m.value))
        for key, m in ranked[:BREAKDOWN_MAX]
    ]


def unranked_text(m: Measure) -> str | None:
    """What a breakdown row without a value says in place of it: "not enough history (N days of
    data)" (:func:`bot.kpi.coverage.short_history`) or the row's own ``extra['unranked']``
    (:mod:`bot.kpi.net_collection`); None for a row with no data at all (left out)."""
    days = short_history(m)
    return short_history_text(days) if days is not None else m.extra.get(UNRANKED)


def list_kpis(session: Session, org: OrgConfig, *, now: datetime | None = None,
              options: EngineOptions | None = None) -> list[KpiListItem]:
    """Every KPI with its value over the latest 30 days of its own data (or no data)."""
    out: list[KpiListItem] = []
    today = local_today(resolve_scope(session, KpiRequest(action="list")).timezone, now)  # one read of the clinics
    for kpi in CATALOGUE:
        impl = implementation(kpi.id, options)
        scope = Scope()
        window = recent_window(impl.latest(session, scope), today)
        if window is None:
            out.append(KpiListItem(kpi, None, None, None))
            continue
        period = Period(*window, "latest 30 days", "week")
        m = impl.measure(session, scope, period.start, period.end)
        out.append(KpiListItem(kpi, m, period, target_status(kpi, org, None, m.value) if m.has_data else None))
    return out
