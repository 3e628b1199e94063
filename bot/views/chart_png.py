"""PNG rendering of SPC charts (matplotlib, Agg canvas, no pyplot state, no display).

``render_chart_png(result, title=..., labels=..., unit=...)`` draws the points and line, the
centre line (orange and dashed when the runs analysis signals a shift), the control limits
(stepped per point for p/p′/u charts), sigma-signal points in red, excluded points hollow,
the baseline period shaded when it does not cover the chart, an optional target line, and
vertical markers (e.g. PDSA cycle start/end). Thread-safe: each call builds its own ``Figure``
and drawing is serialised by a module lock because matplotlib does not promise thread safety
for text/font rendering.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from bot.spc.result import ChartResult

_LOCK = threading.Lock()
CHART_NAMES = {"run": "Run chart", "p": "P chart", "pp": "Laney p′ chart", "u": "U chart",
               "c": "C chart", "i": "I chart"}
COLORS = {"data": "#3B6EA8", "cl": "#555555", "shift": "#E07B00", "limit": "#8A8A8A",
          "signal": "#D62728", "target": "#2CA02C", "mark": "#7B4FA0"}
MAX_TICKS = 14


def _fmt(value: float, percent: bool) -> str:
    if math.isnan(value):
        return "–"
    if percent:
        return f"{value * 100:.1f}%"
    size = abs(value)
    return f"{value:,.0f}" if size >= 100 else f"{value:.1f}" if size >= 10 else f"{value:.2f}"


def _subtitle(result: ChartResult) -> str:
    r = result.runs
    if r.n_useful == 0:
        runs = "runs analysis: no useful points"
    elif r.signal:
        why = (f"unusually long run ({r.longest_run} > {r.longest_run_max})" if r.long_run_signal
               else f"unusually few crossings ({r.n_crossings} < {r.n_crossings_min})")
        runs = f"Runs signal (shift): {why}"
    else:
        runs = (f"no runs signal (longest run {r.longest_run} ≤ {r.longest_run_max}, "
                f"crossings {r.n_crossings} ≥ {r.n_crossings_min})")
    parts = [CHART_NAMES[result.kind], runs]
    if result.kind != "run":
        parts.append(f"{int(result.sigma_signal.sum())} point(s) outside the limits")
    return " · ".join(parts)


def build_figure(result: ChartResult, *, title: str, labels: Sequence[str], unit: str,
                 marks: Sequence[tuple[int, str]] = (), target: float | None = None) -> Figure:
    """The chart as a matplotlib ``Figure`` (artists carry gids: data, centre-line, ucl, lcl,
    sigma-signals, excluded, target). Raises ValueError when ``labels`` length differs."""
    if len(labels) != len(result):
        raise ValueError(f"{len(labels)} labels for {len(result)} points")
    x = np.arange(len(result))
    percent = result.kind in ("p", "pp")
    fig = Figure(figsize=(9.5, 4.8), dpi=100)
    # fixed margins: constrained layout doubled the render time (it measures every text twice)
    rotated = max(map(len, labels), default=0) > 5
    fig.subplots_adjust(left=0.08, right=0.9, top=0.86, bottom=0.25 if rotated else 0.17)
    ax = fig.add_subplot()
    if result.baseline.any() and not result.baseline[result.include].all():
        base_idx = np.flatnonzero(result.baseline)
        ax.axvspan(base_idx[0] - 0.5, base_idx[-1] + 0.5, color="#F1F1F1", zorder=0, label="baseline")
    shift = result.runs.signal
    ax.step(x, result.cl, where="mid", color=COLORS["shift" if shift else "cl"],
            linestyle="--" if shift else "-", linewidth=2 if shift else 1.2, gid="centre-line",
            label="centre line (shift)" if shift else "centre line")
    if result.has_limits:
        ax.step(x, result.ucl, where="mid", color=COLORS["limit"], linestyle="--", linewidth=1,
                gid="ucl", label="control limits")
        ax.step(x, result.lcl, where="mid", color=COLORS["limit"], linestyle="--", linewidth=1, gid="lcl")
    if target is not None:
        ax.axhline(target, color=COLORS["target"], linestyle=":", linewidth=1.5, gid="target",
                   label=f"target {_fmt(target, percent)}")
    ax.plot(x, result.y, color=COLORS["data"], marker="o", markersize=4, linewidth=1.4, gid="data",
            label=unit)
    sig, exc = result.sigma_signal, ~result.include
    if exc.any():  # a ring around the point, so an excluded sigma signal still shows red inside
        ax.plot(x[exc], result.y[exc], linestyle="none", marker="o", markersize=11, markerfacecolor="white",
                markeredgecolor=COLORS["data"], markeredgewidth=1.4, gid="excluded", label="excluded",
                zorder=4)
    ax.plot(x[sig], result.y[sig], linestyle="none", marker="o", markersize=8, color=COLORS["signal"],
            gid="sigma-signals", label="outside limits" if sig.any() else "_nolegend_", zorder=5)
    _label_lines(ax, result, percent)
    for row, (index, text) in enumerate(marks):
        ax.axvline(index, color=COLORS["mark"], linestyle=":", linewidth=1.3)
        right = index > 0.6 * (len(result) - 1)  # label left of a late mark so it is not clipped
        ax.annotate(text, xy=(index, 1.0), xycoords=("data", "axes fraction"), xytext=(-3 if right else 3, -3 - 11 * (row % 3)),
                    textcoords="offset points", va="top", ha="right" if right else "left", fontsize=8,
                    color=COLORS["mark"])
    _axes(ax, labels, unit, percent)
    fig.suptitle(title, fontsize=13, fontweight="bold")
    ax.set_title(_subtitle(result), fontsize=9, color=COLORS["shift"] if shift else "#444444")
    return fig


def _label_lines(ax, result: ChartResult, percent: bool) -> None:  # type: ignore[no-untyped-def]
    last = len(result) - 1
    for name, arr in (("CL", result.cl), ("UCL", result.ucl), ("LCL", result.lcl)):
        if not math.isnan(arr[last]):
            ax.annotate(f"{name} {_fmt(float(arr[last]), percent)}", xy=(last + 0.5, arr[last]),
                        xytext=(4, 0), textcoords="offset points", va="center", fontsize=8,
                        color="#444444", annotation_clip=False)


def _axes(ax, labels: Sequence[str], unit: str, percent: bool) -> None:  # type: ignore[no-untyped-def]
    step = max(1, math.ceil(len(labels) / MAX_TICKS))
    ticks = list(range(0, len(labels), step))
    rotated = max(map(len, labels), default=0) > 5
    ax.set_xticks(ticks, [labels[i] for i in ticks], rotation=45 if rotated else 0,
                  ha="right" if rotated else "center", fontsize=8)
    ax.set_xlim(-0.7, len(labels) - 0.3)
    ax.set_ylabel(unit, fontsize=10)
    if percent:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=1))
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.figure.legend(*ax.get_legend_handles_labels(), loc="lower center", ncol=7, fontsize=8,
                     frameon=False, bbox_to_anchor=(0.5, 0.0))


def render_chart_png(result: ChartResult, *, title: str, labels: Sequence[str], unit: str,
                     marks: Sequence[tuple[int, str]] = (), path: str | Path | None = None,
                     target: float | None = None) -> bytes:
    """PNG bytes (about 950×480 px) of the chart; also written to ``path`` when given."""
    with _LOCK:
        fig = build_figure(result, title=title, labels=labels, unit=unit, marks=marks, target=target)
        buf = io.BytesIO()
        FigureCanvasAgg(fig).print_png(buf)
    data = buf.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data
