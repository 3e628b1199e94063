"""Where a shift began (issue 19): the first point of a run on one side of the centre line.

Same useful-point rule as :func:`bot.spc.runs.runs_analysis` (Anhøj & Olesen 2014): points on
the centre line, missing points and excluded points neither extend nor break a run.
"""

from __future__ import annotations

import numpy as np

from bot.spc.result import ChartResult


def _useful(chart: ChartResult) -> tuple[np.ndarray, np.ndarray]:
    idx = np.flatnonzero(chart.include)
    with np.errstate(invalid="ignore"):
        side = np.sign(chart.y[idx] - chart.cl[idx])
    keep = ~np.isnan(side) & (side != 0)
    return side[keep], idx[keep]


def last_run_start(chart: ChartResult) -> int | None:
    """Index (into the chart's points) of the first point of the run that holds the last useful
    point; None without useful points."""
    side, idx = _useful(chart)
    if side.size == 0:
        return None
    i = side.size - 1
    while i > 0 and side[i - 1] == side[-1]:
        i -= 1
    return int(idx[i])


def longest_run_start(chart: ChartResult) -> tuple[int, int, int] | None:
    """``(first index, length, side)`` of the longest run (the latest of equal ones); side is +1
    above the centre line, −1 below; None without useful points."""
    side, idx = _useful(chart)
    if side.size == 0:
        return None
    starts = np.concatenate(([0], np.flatnonzero(side[1:] != side[:-1]) + 1))
    lengths = np.diff(np.concatenate((starts, [side.size])))
    best = int(np.flatnonzero(lengths == lengths.max())[-1])
    return int(idx[starts[best]]), int(lengths[best]), int(side[starts[best]])
