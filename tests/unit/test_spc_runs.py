"""Anhøj runs rules: thresholds (spc.md table, exact binomial) and run/crossing counting."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bot.spc import crossings_min, longest_run_max, runs_analysis

SPEC_TABLE = {10: (6, 2), 16: (7, 4), 20: (7, 6), 24: (8, 8), 30: (8, 10), 50: (9, 19), 100: (10, 41)}


@pytest.mark.parametrize(("n", "expected"), sorted(SPEC_TABLE.items()))
def test_thresholds_table_from_spec(n: int, expected: tuple[int, int]) -> None:
    assert (longest_run_max(n), crossings_min(n)) == expected


def _exact_crossings_min(n: int) -> int:
    """Smallest k with P(X ≤ k) ≥ 0.05 for X ~ Bin(n − 1, ½), in exact integer arithmetic."""
    m, total = n - 1, 0
    for k in range(m + 1):
        total += math.comb(m, k)
        if 20 * total >= 2**m:
            return k
    raise AssertionError("unreachable")


def test_crossings_min_equals_exact_binomial_quantile_for_1_to_300() -> None:
    assert [crossings_min(n) for n in range(1, 301)] == [_exact_crossings_min(n) for n in range(1, 301)]


def test_longest_run_max_uses_round_half_even_like_r() -> None:
    # R round() is IEC 60559 half-to-even; log2 of an integer is never k + 1/2, so compare with
    # the nearest-integer reference computed via floor(x + 0.5).
    for n in range(1, 1001):
        assert longest_run_max(n) == math.floor(math.log2(n) + 0.5) + 3, n


def test_points_on_the_centre_line_are_dropped_and_runs_merge() -> None:
    y = np.array([1.0, 2, 3, 2, 1, 2, 3])
    result = runs_analysis(y, np.full(7, 2.0), np.ones(7, dtype=bool))
    # useful: 1(-) 3(+) 1(-) 3(+): 4 runs of 1
    assert (result.n_useful, result.longest_run, result.n_crossings) == (4, 1, 3)
    assert result.n_obs == 7 and result.last_useful == 6 and result.last_run == 1


def test_missing_and_excluded_points_are_left_out() -> None:
    y = np.array([1.0, np.nan, 1, 5, 1, 1])
    include = np.array([True, True, True, False, True, True])
    result = runs_analysis(y, np.full(6, 3.0), include)
    assert (result.n_obs, result.n_useful, result.longest_run, result.n_crossings) == (5, 4, 4, 0)
    assert result.longest_run_max == round(math.log2(4)) + 3
    assert result.n_crossings_min == _exact_crossings_min(4)


def test_all_points_on_the_centre_line_gives_no_signal_and_no_counts() -> None:
    result = runs_analysis(np.full(5, 4.0), np.full(5, 4.0), np.ones(5, dtype=bool))
    assert result.n_useful == 0 and result.signal is False
    assert result.longest_run is None and result.n_crossings_min is None


def test_single_useful_point() -> None:
    result = runs_analysis(np.array([2.0]), np.array([1.0]), np.array([True]))
    assert (result.n_useful, result.longest_run, result.longest_run_max) == (1, 1, 3)
    assert (result.n_crossings, result.n_crossings_min, result.signal) == (0, 0, False)


def test_few_crossings_alone_signals() -> None:
    sides = [-1] * 4 + [1] * 3 + [-1] * 3 + [1] * 4 + [-1] * 3 + [1] * 3  # n = 20, 5 crossings
    result = runs_analysis(np.array(sides, dtype=float), np.zeros(20), np.ones(20, dtype=bool))
    assert result.longest_run == 4 and result.n_crossings == 5 and result.n_crossings_min == 6
    assert result.signal and result.few_crossings_signal and not result.long_run_signal
