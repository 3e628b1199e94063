"""Read a KPI's 12-period trend with SPC (``bot.spc``) and say what the rules show, in words.

p-type KPIs (counts of a denominator) get a p chart, or Laney p′ when over-dispersed
(``choose_p_chart``); single measurements and money ratios an I chart. With fewer than
``MIN_POINTS`` points carrying data no limits are drawn: a run chart, and the reason is said.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.kpi.catalogue import KpiDef
from bot.kpi.targets import format_value
from bot.spc.run_start import longest_run_start

if TYPE_CHECKING:
    from bot.kpi.engine import TrendPoint

MIN_POINTS = 12


@dataclass
class SpcReading:
    chart_kind: str  # run | p | pp | i
    lines: list[str] = field(default_factory=list)
    chart: Any = None  # bot.spc.ChartResult
    labels: list[str] = field(default_factory=list)


def read_trend(kpi: KpiDef, trend: list["TrendPoint"]) -> SpcReading | None:
    """The SPC reading of the trend; None when ``bot.spc`` is unavailable or nothing to chart."""
    try:
        from bot.spc import choose_p_chart, i_chart, run_chart
    except ImportError:  # pragma: no cover - bot.spc ships with the product
        return None
    labels = [p.label for p in trend]
    values = [p.measure.value for p in trend]
    with_data = sum(v is not None for v in values)
    if with_data < 2:
        return SpcReading("run", [f"Only {with_data} period with data: no trend to read yet."], None, labels)
    as_counts = kpi.chart == "p" and all(
        p.measure.value is None or (float(p.measure.n).is_integer() and float(p.measure.d).is_integer())
        for p in trend)
    try:
        if with_data < MIN_POINTS:
            chart = run_chart(values)
        elif as_counts:
            chart = choose_p_chart([p.measure.n if p.measure.value is not None else None for p in trend],
                                   [p.measure.d if p.measure.value is not None else None for p in trend])
        else:
            chart = i_chart(values)
    except Exception as exc:  # noqa: BLE001 - an unreadable chart must not sink the answer
        return SpcReading("run", [f"No SPC reading ({exc})."], None, labels)
    return SpcReading(chart.kind, _describe(kpi, chart, labels, with_data), chart, labels)


def _describe(kpi: KpiDef, chart: Any, labels: list[str], with_data: int) -> list[str]:
    f = lambda v: format_value(float(v), kpi.unit)  # noqa: E731
    lines: list[str] = []
    name = {"p": "p chart", "pp": "Laney p′ chart", "i": "I chart", "run": "run chart"}.get(chart.kind, chart.kind)
    if chart.kind == "run":
        lines.append(f"Run chart of {with_data} periods (control limits need {MIN_POINTS} with data); "
                     f"median {f(chart.cl[0])}." if not math.isnan(chart.cl[0]) else "Run chart.")
    for i in chart.signal_points():
        up = chart.y[i] > chart.ucl[i]
        lines.append(f"{labels[i]} is {'above the upper' if up else 'below the lower'} limit "
                     f"({f(chart.y[i])} vs {f(chart.ucl[i] if up else chart.lcl[i])}).")
    r = chart.runs
    if r.signal:
        if r.long_run_signal:
            run = longest_run_start(chart)
            since = f", since {labels[run[0]]}" if run else ""
            lines.append(f"Shift: a run of {r.longest_run} periods on one side of the centre line{since} "
                         f"(more than {r.longest_run_max} is unusual).")
        if r.few_crossings_signal:
            lines.append(f"Shift: only {r.n_crossings} crossings of the centre line (fewer than {r.n_crossings_min} "
                         f"is unusual).")
    if chart.kind != "run" and not chart.signal_points() and not r.signal:
        lines.append(f"{name}: common-cause variation only — no period outside the limits "
                     f"({f(chart.lcl[-1])}–{f(chart.ucl[-1])}), no unusual runs.")
    elif chart.kind == "run" and not r.signal:
        lines.append("No unusual runs or crossings.")
    lines.extend(chart.notes)
    return lines
