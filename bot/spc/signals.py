"""Alerting policy (spc.md "Alerting policy"): alert only on the latest point.

- spike: the latest point is a sigma signal (strictly outside a limit);
- shift: the run holding the latest point is unusually long (Anhøj: > round(log2 n) + 3).
  Unusually few crossings describe the whole chart (an oscillation over many periods), not what
  happens now: they are reported in the KPI's reading but never raise an alert (issue 16: a
  latest week on the centre line opened a "Denial shift" from crossings alone);
- nothing when the chart has fewer than ``min_baseline`` baseline points, or the latest
  denominator is below ``min_denominator``; :func:`alert_blocker` says why.
No Western Electric / Nelson rules on top: each extra rule adds false alarms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.spc.result import ChartResult


@dataclass(frozen=True)
class Signal:
    """One alert. ``rule``: the rule text ("above the upper limit", "unusually long run (9 > 7)");
    ``index``: the latest point (0-based); ``value``: its plotted value; ``limit``: the limit
    crossed (spike) or the centre line (shift); ``n``: its denominator (None without one);
    ``n_points``: useful points in the runs analysis; ``direction``: "up" | "down"."""

    kind: Literal["spike", "shift"]
    rule: str
    index: int
    value: float
    limit: float
    n: float | None
    label: str | None
    direction: Literal["up", "down"]
    n_points: int

    def describe(self) -> str:
        """Plain sentence with the rule, value, limit and n (numbers to 4 significant digits)."""
        where = self.label or f"point {self.index + 1}"
        ref = "limit" if self.kind == "spike" else "centre line"
        n_text = f", n = {self.n:g}" if self.n is not None else ""
        return (f"{where}: {self.rule} — value {self.value:.4g} vs {ref} {self.limit:.4g}"
                f"{n_text}; {self.n_points} points in the runs analysis")


def alert_blocker(result: ChartResult, *, min_baseline: int = 12,
                  min_denominator: float = 0) -> str | None:
    """Why this chart may not alert (plain text), or None when it may."""
    last = len(result) - 1
    if result.n_baseline < min_baseline:
        return (f"only {result.n_baseline} baseline points ({min_baseline} needed before limits "
                f"are trusted); showing the run chart without alerting")
    if math.isnan(result.y[last]):
        return "the latest period has no value"
    if result.n is not None and not result.n[last] >= min_denominator:
        return (f"the latest period's denominator ({result.n[last]:g}) is below the minimum "
                f"of {min_denominator:g}")
    return None


def alert_signal(result: ChartResult, *, min_baseline: int = 12, min_denominator: float = 0,
                 labels: Sequence[str] | None = None) -> Signal | None:
    """The alert the latest point raises (spike before shift), or None (see module docstring)."""
    if alert_blocker(result, min_baseline=min_baseline, min_denominator=min_denominator):
        return None
    last = len(result) - 1
    value = float(result.y[last])
    common: dict[str, Any] = dict(index=last, value=value, n=None if result.n is None else float(result.n[last]),
                  label=None if labels is None else labels[last], n_points=result.runs.n_useful)
    if result.sigma_signal[last]:
        up = bool(value > result.ucl[last])
        limit = float(result.ucl[last] if up else result.lcl[last])
        rule = "above the upper limit" if up else "below the lower limit"
        return Signal(kind="spike", rule=rule, limit=limit, direction="up" if up else "down", **common)
    runs = result.runs
    if runs.last_useful != last:
        return None
    cl = float(result.cl[last])
    direction: Literal["up", "down"] = "up" if value > cl else "down"
    if runs.last_run is not None and runs.last_run > (runs.longest_run_max or 0):
        rule = f"unusually long run ({runs.last_run} > {runs.longest_run_max})"
    else:  # a past long run, or few crossings: not about the latest point
        return None
    return Signal(kind="shift", rule=rule, limit=cl, direction=direction, **common)

