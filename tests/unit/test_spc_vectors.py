"""qicharts2 0.8.1 vectors (spec/vectors, computed in R) compared per point to 1e-9 relative."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bot.spc import ChartResult, i_chart, p_chart, run_chart

RTOL = 1e-9


@pytest.fixture(scope="module")
def vectors(shared_dir: Path) -> Path:
    path = shared_dir / "spec" / "vectors"
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    return path


def _close(actual: np.ndarray, expected: pd.Series, what: str) -> None:
    np.testing.assert_allclose(actual, expected.to_numpy(dtype=float), rtol=RTOL, atol=0,
                               equal_nan=True, err_msg=what)


def assert_matches_vector(result: ChartResult, expected: pd.DataFrame) -> None:
    """Every per-point column qicharts2 exports that our result carries."""
    assert len(result) == len(expected)
    _close(result.y, expected["y"], "y")
    for column in ("cl", "lcl", "ucl"):
        _close(getattr(result, column), expected[column], column)
    assert result.sigma_signal.tolist() == expected["sigma.signal"].astype(bool).tolist()
    runs = result.runs
    per_chart = {
        "runs.signal": runs.signal, "n.useful": runs.n_useful, "longest.run": runs.longest_run,
        "longest.run.max": runs.longest_run_max, "n.crossings": runs.n_crossings,
        "n.crossings.min": runs.n_crossings_min,
    }
    for column, value in per_chart.items():
        assert expected[column].nunique() == 1, column
        assert value == expected[column].iloc[0], column
    assert result.baseline.tolist() == (expected["baseline"] & expected["include"]).tolist()
    assert result.include.tolist() == expected["include"].tolist()


def test_denials_weekly_p_chart_matches_qicharts2(vectors: Path) -> None:
    data = pd.read_csv(vectors / "denials_weekly_input.csv")
    expected = pd.read_csv(vectors / "denials_weekly_p.csv")
    result = p_chart(data["denied"], data["claims"])
    assert_matches_vector(result, expected)
    assert result.n is not None and result.n.tolist() == expected["n"].tolist()
    assert result.signal_points() == [11]  # week 12, 0-based


def test_denials_weekly_summary_matches_qicharts2(vectors: Path) -> None:
    data = pd.read_csv(vectors / "denials_weekly_input.csv")
    expected = pd.read_csv(vectors / "denials_weekly_p_summary.csv").iloc[0]
    summary = p_chart(data["denied"], data["claims"]).summary()
    for ours, theirs in (("n_obs", "n.obs"), ("n_useful", "n.useful"), ("longest_run", "longest.run"),
                         ("longest_run_max", "longest.run.max"), ("n_crossings", "n.crossings"),
                         ("n_crossings_min", "n.crossings.min"), ("sigma_signal", "sigma.signal")):
        assert summary[ours] == expected[theirs], ours
    assert int(summary["runs_signal"]) == expected["runs.signal"]
    for ours, theirs in (("a_lcl", "aLCL"), ("cl", "CL"), ("a_ucl", "aUCL")):
        assert summary[ours] == pytest.approx(expected[theirs], rel=RTOL, abs=0), ours


def test_spec_quoted_denial_figures(vectors: Path) -> None:
    """The figures spc.md quotes in prose (independent of the CSV columns)."""
    data = pd.read_csv(vectors / "denials_weekly_input.csv")
    result = p_chart(data["denied"], data["claims"])
    assert result.cl[0] == pytest.approx(0.0764863749, rel=1e-9)
    assert result.lcl[0] == pytest.approx(0.0442036616, rel=1e-8)
    assert result.ucl[0] == pytest.approx(0.1087690882, rel=1e-8)
    assert result.ucl[11] == pytest.approx(0.1082525315, rel=1e-8)


def test_hand_i_spike_screened_matches_qicharts2(vectors: Path) -> None:
    expected = pd.read_csv(vectors / "hand_i_spike_screened.csv")
    result = i_chart(expected["y"])
    assert_matches_vector(result, expected)
    assert result.lcl[0] == pytest.approx(8.0631, abs=5e-5)
    assert result.ucl[0] == pytest.approx(17.1369, abs=5e-5)
    assert result.signal_points() == [5]  # "point 6"


def test_hand_run_shift_matches_qicharts2(vectors: Path) -> None:
    expected = pd.read_csv(vectors / "hand_run_shift.csv")
    result = run_chart(expected["y"])
    assert_matches_vector(result, expected)
    assert result.cl[0] == 10.5
    assert result.runs.signal and result.runs.longest_run == 11 and result.runs.n_crossings == 1
