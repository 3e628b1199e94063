"""The expected number of no-shows and its range: a Poisson-binomial distribution.

With independent no-show probabilities p_i, the count of no-shows follows the Poisson-binomial
distribution (Hong 2013, *Computational Statistics & Data Analysis* 59): mean Σp_i; its exact
probability mass is the product of the (1-p_i + p_i z) terms, built here by convolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ExpectedCount:
    expected: float  # Σ p_i
    low: int  # lower end of the central interval
    high: int  # upper end
    level: float  # e.g. 0.8 for an 80 % interval
    n: int  # appointments counted


def poisson_binomial_pmf(p: np.ndarray) -> np.ndarray:
    """P(K = k) for k = 0..n, exact (O(n²) convolution; n ≤ a few thousand a day)."""
    pmf = np.zeros(len(p) + 1)
    pmf[0] = 1.0
    for i, pi in enumerate(np.asarray(p, dtype="float64")):
        pmf[1 : i + 2] = pmf[1 : i + 2] * (1 - pi) + pmf[: i + 1] * pi
        pmf[0] *= 1 - pi
    return pmf


def expected_count(p: np.ndarray, level: float = 0.8) -> ExpectedCount:
    """Expected count and the central ``level`` interval [low, high] of the Poisson-binomial."""
    p = np.asarray(p, dtype="float64")
    if len(p) == 0:
        return ExpectedCount(0.0, 0, 0, level, 0)
    cdf = np.cumsum(poisson_binomial_pmf(p))
    tail = (1 - level) / 2
    low = int(np.searchsorted(cdf, tail, side="left"))
    high = int(np.searchsorted(cdf, 1 - tail, side="left"))
    return ExpectedCount(float(p.sum()), low, min(high, len(p)), level, len(p))


def combined_count(parts: list[np.ndarray], level: float = 0.8) -> ExpectedCount:
    """The expected count and central ``level`` interval of the no-shows over several days together.

    ``parts``: each day's appointment probabilities. With independent appointments the total is
    again Poisson-binomial, over all the days' p_i at once (Hong 2013): mean Σp_i, variance
    Σp_i(1-p_i), the sum of the days' variances. Its interval is computed from that distribution
    exactly as a day's is (:func:`expected_count`), never by adding the days' bounds, which would
    claim that every day lands at its own 10 % tail at once (too wide a range).
    """
    arrays = [np.asarray(p, dtype="float64") for p in parts]
    return expected_count(np.concatenate(arrays) if arrays else np.zeros(0), level)
