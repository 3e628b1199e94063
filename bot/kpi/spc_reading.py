"""Read a KPI's trend with SPC (``bot.spc``) and say, in one line a manager reads, what is
happening now.

The chart judges the latest period against the periods before it (the baseline is every period
but the latest) with the same rule the alerts use (:func:`bot.spc.alert_signal`: a point outside
the limits, or an unusually long run that includes the latest period), so ``/kpi denial-rate``
and the denial-spike alert read one function. p-type KPIs get a p chart, or Laney p′ when
over-dispersed (``choose_p_chart``); other KPIs an I chart. With fewer than ``MIN_POINTS``
periods carrying data no limits are drawn: a run chart, and the reason is said.

No reading where the chart would not mean anything (issue 16): KPIs that are a rolling-window
snapshot (days in A/R over three months, days of supply and reorder point over 13 weeks) give
overlapping, strongly correlated points on any trend grain (``KpiDef.no_reading`` says why);
third next available, a point-in-time snapshot, is read on weekly or monthly points only, not
day by day (``KpiDef.spc_grains``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.kpi.base import TrendPoint
from bot.kpi.catalogue import KpiDef
from bot.kpi.targets import format_value

MIN_POINTS = 12
ADJECTIVE = {"day": "daily", "week": "weekly", "month": "monthly", "quarter": "quarterly", "year": "yearly"}


def point_noun(grain: str | None) -> str:
    """What one point of a series of ``grain`` is called: the grain itself (``month``), or
    ``period`` when the grain is not known."""
    return grain if grain is not None and grain in ADJECTIVE else "period"


def points_of(grain: str | None, n: int) -> str:
    """``8 months``, ``1 week``: a count of the series' points in its own grain (``periods``
    when the grain is not known)."""
    return f"{n} {point_noun(grain)}{'' if n == 1 else 's'}"


@dataclass
class SpcReading:
    chart_kind: str  # run | p | pp | i | none
    lines: list[str] = field(default_factory=list)
    chart: Any = None  # bot.spc.ChartResult
    labels: list[str] = field(default_factory=list)


def trend_chart(kpi: KpiDef, values: list[float | None], n: list[float | None], d: list[float | None]) -> Any:
    """The chart the reading and the alerts judge: run chart under ``MIN_POINTS`` periods with
    data, else p/p′ (counts) or I, with every period but the latest as the baseline."""
    from bot.spc import choose_p_chart, i_chart, run_chart

    with_data = sum(v is not None for v in values)
    if with_data < MIN_POINTS:
        return run_chart(values)
    baseline = len(values) - 1
    as_counts = kpi.chart == "p" and all(
        v is None or (float(a or 0).is_integer() and float(b or 0).is_integer()) for v, a, b in zip(values, n, d, strict=True))
    if as_counts:
        return choose_p_chart([a if v is not None else None for v, a in zip(values, n, strict=True)],
                              [b if v is not None else None for v, b in zip(values, d, strict=True)], baseline=baseline)
    return i_chart(values, baseline=baseline)


def read_trend(kpi: KpiDef, trend: list[TrendPoint], grain: str | None = None,
               through: date | None = None) -> SpcReading | None:
    """The SPC reading of the trend (one line); None when nothing can be charted. A last period
    that runs past ``through`` (today, or the question's end) is still under way: the reading
    judges the latest complete period, as the alerts judge the latest complete week."""
    if through is not None and len(trend) > 1 and trend[-1].end > through:
        trend = trend[:-1]
    labels = [p.label for p in trend]
    if kpi.no_reading:
        return SpcReading("none", [f"No SPC reading: {kpi.name.lower()} is {kpi.no_reading}, so "
                                   f"successive points overlap and control limits would mislead."], None, labels)
    if grain is not None and kpi.spc_grains is not None and grain not in kpi.spc_grains:
        return SpcReading("none", [f"No SPC reading on {ADJECTIVE.get(grain, grain)} points (successive days share "
                                   f"most of the schedule); ask for a longer period for weekly or monthly points."],
                          None, labels)
    values = [p.measure.value for p in trend]
    with_data = sum(v is not None for v in values)
    if with_data < 2:
        return SpcReading("run", [f"Only {points_of(grain, with_data)} with data: no trend to read yet."], None, labels)
    try:
        chart = trend_chart(kpi, values, [p.measure.n for p in trend], [p.measure.d for p in trend])
    except Exception as exc:  # noqa: BLE001 - an unreadable chart must not sink the answer
        return SpcReading("run", [f"No SPC reading ({exc})."], None, labels)
    return SpcReading(chart.kind, [describe(kpi, chart, labels, with_data, grain)], chart, labels)


def _pair(kpi: KpiDef, a: float, b: float) -> tuple[str, str]:
    """``a`` and ``b`` formatted so that different numbers never read the same ("0 vs 0")."""
    fa, fb = format_value(a, kpi.unit), format_value(b, kpi.unit)
    digits = 3
    while fa == fb and a != b and digits < 10:
        fa, fb = f"{a:.{digits}g}", f"{b:.{digits}g}"
        digits += 1
    return fa, fb


def describe(kpi: KpiDef, chart: Any, labels: list[str], with_data: int, grain: str | None = None) -> str:
    """One sentence: the state of the latest period, then what earlier periods showed. Counts and
    the start of a shift are said in the series' own grain (``grain``: day, week, month…; the
    ``labels`` are its points' names), so a monthly series speaks of months, never weeks."""
    from bot.spc import alert_blocker, alert_signal
    from bot.spc.run_start import last_run_start

    f = lambda v: format_value(float(v), kpi.unit)  # noqa: E731
    name = {"p": "p chart", "pp": "Laney p′ chart", "i": "I chart", "run": "run chart"}.get(chart.kind, chart.kind)
    last = len(chart) - 1
    r = chart.runs
    began = last_run_start(chart)
    since = f", since {labels[began]}" if began is not None and began < last else ""
    if chart.kind == "run":
        head = (f"Run chart of {points_of(grain, with_data)} (control limits need {MIN_POINTS}); median "
                f"{f(chart.cl[0])}" if not math.isnan(chart.cl[0]) else "Run chart")
        if r.last_run is not None and r.last_useful == last and r.last_run > (r.longest_run_max or 0):
            return f"{head}: the latest {points_of(grain, r.last_run)} are all on one side of it{since} — a shift."
        return f"{head}: no unusual runs." if not r.signal else f"{head}: the points cross it unusually rarely."
    earlier = [i for i in chart.signal_points() if i != last]
    past = f"; {points_of(grain, len(earlier))} earlier outside the limits" if earlier else ""
    signal = alert_signal(chart, min_baseline=2, labels=labels)
    if signal is not None:
        v, lim = _pair(kpi, signal.value, signal.limit)
        if signal.kind == "spike":
            return f"{name}: {labels[last]} is {signal.rule} ({v} vs {lim}) — special cause{past}."
        return (f"{name}: {labels[last]} ends a run of {points_of(grain, r.last_run)} "
                f"{'above' if signal.direction == 'up' else 'below'} the centre line ({lim}){since} — a shift{past}.")
    if math.isnan(chart.ucl[last]) and math.isnan(chart.lcl[last]):
        return f"{name}: no control limits (the earlier {point_noun(grain)}s show no usable variation){past}."
    why = alert_blocker(chart, min_baseline=2)
    if why:
        return f"{name}: no reading of {labels[last]} ({why}){past}."
    lo, hi = _pair(kpi, float(chart.lcl[last]), float(chart.ucl[last]))
    return f"{name}: {labels[last]} ({f(chart.y[last])}) is within the limits ({lo}–{hi}), common-cause variation{past}."
