"""Hand-computed u, c, I and Laney p′ charts, baseline/exclusion semantics and edge cases.

Expected numbers are written from the formulas in spec/spc.md with plain numpy, not by calling
the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest

from bot.errors import NoDataError
from bot.spc import SpcInputError, c_chart, choose_p_chart, i_chart, laney_p_chart, p_chart, run_chart, u_chart

RTOL = 1e-12


def test_u_chart_by_hand() -> None:
    counts = np.array([3, 5, 2, 8, 4, 6, 19.0])
    exposure = np.array([100, 120, 90, 150, 110, 130, 100.0])
    u_bar = counts.sum() / exposure.sum()  # 47 / 800
    sd = np.sqrt(u_bar / exposure)
    result = u_chart(counts, exposure)
    np.testing.assert_allclose(result.y, counts / exposure, rtol=RTOL)
    np.testing.assert_allclose(result.cl, u_bar, rtol=RTOL)
    np.testing.assert_allclose(result.ucl, u_bar + 3 * sd, rtol=RTOL)
    np.testing.assert_allclose(result.lcl, np.maximum(u_bar - 3 * sd, 0), rtol=RTOL)
    assert (result.lcl == 0).all()  # floored: u_bar - 3 sd < 0 for every point here
    assert result.signal_points() == [6]  # 0.19 > 0.05875 + 3 sqrt(0.05875 / 100) = 0.1315


def test_c_chart_by_hand() -> None:
    result = c_chart([2, 4, 3, 5, 1, 3, 12, 2])  # mean 4, sigma 2
    assert result.cl[0] == 4 and result.ucl[0] == 10 and result.lcl[0] == 0
    assert result.signal_points() == [6]
    unfloored = c_chart([20, 18, 22, 20, 0], baseline=slice(0, 4))  # mean 20, sigma sqrt(20)
    assert unfloored.lcl[0] == pytest.approx(20 - 3 * np.sqrt(20), rel=RTOL)
    assert unfloored.signal_points() == [4]


def test_i_chart_excluded_point_is_bridged_and_still_signals() -> None:
    y = np.array([10, 12, 11, 30, 13, 12.0])
    result = i_chart(y, exclude=[3])
    base = np.array([10, 12, 11, 13, 12.0])  # moving ranges 2, 1, 2, 1 across the gap
    sd = np.abs(np.diff(base)).mean() / 1.128
    assert result.cl[0] == pytest.approx(base.mean(), rel=RTOL)
    assert result.ucl[0] == pytest.approx(base.mean() + 3 * sd, rel=RTOL)
    assert result.signal_points() == [3]
    assert result.runs.n_obs == 5 and not result.include[3] and not result.baseline[3]


def test_i_chart_screening_drops_moving_ranges_at_or_above_limit() -> None:
    y = np.array([5, 6, 5, 6, 5, 6, 5, 6, 25, 6.0])
    mr = np.abs(np.diff(y))
    kept = mr[mr < 3.267 * mr.mean()]
    assert kept.size == mr.size - 2  # the test data really exercises the screen
    result = i_chart(y)
    assert result.ucl[0] - result.cl[0] == pytest.approx(3 * kept.mean() / 1.128, rel=RTOL)


def _laney_expected(counts: np.ndarray, n: np.ndarray) -> tuple[float, np.ndarray, float]:
    p_bar = counts.sum() / n.sum()
    sd = np.sqrt(p_bar * (1 - p_bar) / n)
    z = (counts / n - p_bar) / sd
    mr = np.abs(np.diff(z))
    sigma_z = mr[mr < 3.267 * mr.mean()].mean() / 1.128
    return p_bar, sd * sigma_z, sigma_z


def test_laney_p_prime_by_hand() -> None:
    counts = np.array([520, 610, 480, 700, 650, 560, 590, 720, 540, 630, 1500, 600.0])
    n = np.array([10000, 10500, 9800, 11000, 10200, 9900, 10100, 10800, 9700, 10300, 10000, 10400.0])
    p_bar, sd, sigma_z = _laney_expected(counts, n)
    result = laney_p_chart(counts, n)
    assert result.kind == "pp" and result.sigma_z == pytest.approx(sigma_z, rel=RTOL)
    np.testing.assert_allclose(result.ucl, np.minimum(p_bar + 3 * sd, 1), rtol=RTOL)
    np.testing.assert_allclose(result.lcl, np.maximum(p_bar - 3 * sd, 0), rtol=RTOL)
    assert sigma_z > 2  # over-dispersed: p′ limits are wider than the p chart's
    assert (result.ucl > p_chart(counts, n).ucl).all()
    assert result.signal_points() == [10]


def test_laney_baseline_and_exclusion_use_only_baseline_z() -> None:
    counts = np.array([52, 61, 48, 70, 65, 150, 59, 72, 54, 63.0])
    n = np.full(10, 1000.0)
    base = np.array([0, 1, 2, 3, 4, 6, 7])  # first 8 points minus excluded point 5
    p_bar, _, sigma_z = _laney_expected(counts[base], n[base])
    result = laney_p_chart(counts, n, baseline=slice(0, 8), exclude=[5])
    assert result.cl[0] == pytest.approx(p_bar, rel=RTOL)
    assert result.sigma_z == pytest.approx(sigma_z, rel=RTOL)


def test_p_chart_baseline_freeze_and_clipping() -> None:
    counts = np.array([1, 0, 2, 1, 1, 9.0])
    n = np.array([10, 10, 10, 10, 10, 10.0])
    result = p_chart(counts, n, baseline=4)  # qicharts2 freeze = 4
    p_bar = 4 / 40
    assert result.cl[0] == pytest.approx(p_bar)
    assert result.ucl[0] == pytest.approx(p_bar + 3 * np.sqrt(p_bar * (1 - p_bar) / 10))
    assert result.lcl[0] == 0  # clipped
    tiny = p_chart([1, 1, 1], [2, 2, 2])  # p̄ = 0.5, 3σ = 1.06 → clipped to [0, 1]
    assert tiny.ucl.tolist() == [1, 1, 1] and tiny.lcl.tolist() == [0, 0, 0]


def test_run_chart_median_skips_missing_values_and_rates_with_n() -> None:
    result = run_chart([4, None, 8, 6, float("nan"), 2])
    assert result.cl[0] == 5 and np.isnan(result.ucl).all()
    assert result.runs.n_useful == 4
    rates = run_chart([1, 2, 3], [10, 10, 10])
    assert rates.y.tolist() == pytest.approx([0.1, 0.2, 0.3]) and rates.cl[0] == pytest.approx(0.2)


def test_zero_denominator_with_zero_count_is_a_gap_with_a_note() -> None:
    result = p_chart([5, 0, 6, 4], [100, 0, 110, 90])
    assert np.isnan(result.y[1]) and np.isnan(result.ucl[1]) and np.isnan(result.lcl[1])
    assert result.cl[0] == pytest.approx(15 / 300)
    assert not result.sigma_signal[1] and result.runs.n_obs == 4 and result.runs.n_useful <= 3
    assert any("zero denominator" in note for note in result.notes)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: p_chart([1, 3], [0, 50]), "nonzero count with a zero denominator"),
    (lambda: p_chart([11, 3], [10, 50]), "above their denominator"),
    (lambda: p_chart([1, 3], [10]), "2 counts but 1 denominators"),
    (lambda: u_chart([-1, 3], [10, 10]), "negative counts"),
    (lambda: u_chart([1, 3], [10, -10]), "negative denominators"),
    (lambda: p_chart([1, 3]), "needs denominators"),
    (lambda: c_chart([1, 3], [4, 4]), "counts only"),
    (lambda: c_chart([1, -3]), "negative counts"),
    (lambda: i_chart([1, 2], baseline=np.array([True])), "baseline mask"),
    (lambda: i_chart([1, 2], exclude=[2]), "outside the chart"),
    (lambda: i_chart(["a", 2]), "must be numbers"),
])
def test_bad_input_raises_a_specific_error(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SpcInputError, match=message):
        call()


def test_no_points_is_no_data() -> None:
    with pytest.raises(NoDataError):
        i_chart([])


def test_single_point_has_no_limits_and_no_signal() -> None:
    result = i_chart([5.0])
    assert result.cl[0] == 5 and np.isnan(result.ucl[0]) and result.signal_points() == []
    assert result.runs.n_useful == 0  # the point lies on its own mean


def test_constant_series_has_no_limits_and_says_so() -> None:
    result = i_chart([7, 7, 7, 7, 7])
    assert np.isnan(result.ucl).all() and np.isnan(result.lcl).all()
    assert result.runs.n_useful == 0 and not result.runs.signal
    assert any("no control limits" in note for note in result.notes)


def test_no_events_at_all_p_chart_has_zero_width_limits_and_laney_none() -> None:
    plain = p_chart([0, 0, 0], [50, 60, 70])
    assert plain.cl.tolist() == [0, 0, 0] and plain.ucl.tolist() == [0, 0, 0]
    assert plain.signal_points() == []
    laney = laney_p_chart([0, 0, 0], [50, 60, 70])
    assert np.isnan(laney.ucl).all() and laney.signal_points() == []


def test_choose_p_chart_keeps_p_for_binomial_data_and_switches_when_overdispersed() -> None:
    rng = np.random.default_rng(7)
    n = np.full(20, 5000)
    binomial = rng.binomial(n, 0.08)
    binomial[12] += 200  # one spike must not switch the chart (screened moving ranges)
    assert choose_p_chart(binomial, n).kind == "p"
    drifting = rng.binomial(n, 0.08 + 0.02 * np.sin(np.arange(20) / 1.5))
    chosen = choose_p_chart(drifting, n)
    assert chosen.kind == "pp" and chosen.sigma_z is not None and chosen.sigma_z > 1.25
    assert any("Laney" in note for note in chosen.notes)
