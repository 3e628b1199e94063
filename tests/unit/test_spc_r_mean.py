"""R's mean() to the last bit (long double + refinement pass, R src/main/summary.c) and what
that decides: which points lie on an I chart's centre line, and so the runs analysis."""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bot.spc import i_chart
from bot.spc.charts import r_mean, r_median, r_sum

ISSUE_16 = [2.0, 0.1, 0.1, 1.2, 0.9, 1.2, 1.2, 0.6, 1.8, 1.8, 1.7, 1.8]


def _exact_mean(xs: list[float]) -> float:
    """Independent oracle: the exactly rounded mean (rational arithmetic)."""
    return float(sum(Fraction(x) for x in xs) / len(xs))


def test_issue_vector_centre_line_is_r_mean() -> None:
    # numpy's double mean is 1.2000000000000002; R's mean() is 1.2 (the exact mean rounded).
    assert np.mean(ISSUE_16) != 1.2
    assert r_mean(np.array(ISSUE_16)) == 1.2 == _exact_mean(ISSUE_16)


def test_issue_vector_does_not_signal_runs() -> None:
    """Three points (1.2) lie on the CL and are dropped: 9 useful points, runs + / − − − − /
    + + + +: longest 4 ≤ round(log2 9) + 3 = 6, crossings 2 ≥ qbinom(0.05, 8, 0.5) = 2."""
    result = i_chart(ISSUE_16)
    assert result.cl[0] == 1.2
    runs = result.runs
    assert (runs.n_useful, runs.longest_run, runs.longest_run_max) == (9, 4, 6)
    assert (runs.n_crossings, runs.n_crossings_min) == (2, 2)
    assert runs.signal is False


def test_r_mean_matches_exact_mean_on_one_decimal_charts() -> None:
    """6,000 random one-decimal charts (the population the issue sampled): R's long-double mean
    with its refinement pass is the exactly rounded mean for all of them."""
    rng = random.Random(16)
    for _ in range(6000):
        xs = [rng.randint(0, 20) / 10 for _ in range(rng.randint(10, 30))]
        assert r_mean(np.array(xs)) == _exact_mean(xs), xs


def test_r_mean_ignores_nan_and_empty() -> None:
    assert r_mean(np.array([np.nan, 0.1, 0.2, 0.3])) == 0.2  # R: mean(c(NA,.1,.2,.3), na.rm=TRUE) == .2
    assert np.isnan(r_mean(np.array([np.nan])))
    assert r_sum(np.array([np.nan, 1.0, 2.0])) == 3.0
    assert r_median(np.array([3.0, 1.0, np.nan, 2.0, 4.0])) == 2.5


def test_points_on_centre_line_match_qicharts2_vector(shared_dir: Path) -> None:
    """Same points on the centre line as qicharts2 in the spec's I-chart vector."""
    path = shared_dir / "spec" / "vectors" / "hand_i_spike_screened.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    expected = pd.read_csv(path)
    result = i_chart(expected["y"])
    on_cl = (result.y == result.cl).tolist()
    assert on_cl == (expected["y"] == expected["cl"]).tolist()
    assert result.runs.n_useful == int(expected["n.useful"].iloc[0])
