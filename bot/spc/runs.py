"""Anhøj runs rules: unusually long runs and unusually few crossings.

Source: Anhøj & Olesen (2014) "Run charts revisited", PLoS ONE 9(11): e113825; the
implementation mirrors qicharts2 0.8.1 ``runs.analysis`` / ``crsignal(method = "anhoej")``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import binom

from bot.spc.result import RunsAnalysis


def longest_run_max(n_useful: int) -> int:
    """Longest run expected by chance: round(log2 n) + 3 (Schilling 2012).

    R's ``round`` rounds half to even, as Python's does; for integer n ≥ 1 log2 n is never
    exactly k + ½, so the rounding rule cannot change a threshold anyway.
    """
    if n_useful < 1:
        raise ValueError("longest_run_max needs at least one useful point")
    return int(round(math.log2(n_useful))) + 3


def crossings_min(n_useful: int) -> int:
    """Fewest crossings expected by chance: smallest k with P(X ≤ k) ≥ 0.05, X ~ Bin(n − 1, ½)
    (Chen 2010; R ``qbinom(0.05, n - 1, 0.5)``)."""
    if n_useful < 1:
        raise ValueError("crossings_min needs at least one useful point")
    return int(binom.ppf(0.05, n_useful - 1, 0.5))


def runs_analysis(y: np.ndarray, cl: np.ndarray, include: np.ndarray) -> RunsAnalysis:
    """Runs analysis of ``y`` against the per-point centre line ``cl`` over ``include`` points.

    Points exactly on the CL and missing points (NaN value or NaN CL) are dropped first; the rest
    are the useful points. Shapes: three arrays of equal length. Never raises on data.
    """
    idx = np.flatnonzero(include)
    n_obs = int(idx.size)
    with np.errstate(invalid="ignore"):
        side = np.sign(y[idx] - cl[idx])
    keep = ~np.isnan(side) & (side != 0)
    side, useful_idx = side[keep], idx[keep]
    n = int(side.size)
    if n == 0:
        return RunsAnalysis(0, None, None, None, None, False, n_obs=n_obs)
    starts = np.flatnonzero(side[1:] != side[:-1]) + 1
    lengths = np.diff(np.concatenate(([0], starts, [n])))
    longest, lmax = int(lengths.max()), longest_run_max(n)
    crossings, cmin = int(lengths.size - 1), crossings_min(n)
    return RunsAnalysis(
        n_useful=n,
        longest_run=longest,
        longest_run_max=lmax,
        n_crossings=crossings,
        n_crossings_min=cmin,
        signal=bool(longest > lmax or crossings < cmin),
        n_obs=n_obs,
        last_run=int(lengths[-1]),
        last_useful=int(useful_idx[-1]),
    )
