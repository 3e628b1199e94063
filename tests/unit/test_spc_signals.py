"""Alerting policy (spc.md): spike on the latest point, shift including the latest point,
nothing below the minimum baseline / denominator, and the reason why."""

from __future__ import annotations

import numpy as np
import pytest

from bot.spc import alert_blocker, alert_signal, c_chart, i_chart, p_chart, run_chart

DENIED = [42, 38, 51, 45, 40, 47, 39, 44, 50, 43, 41, 88]  # spec vectors weeks 1-12
CLAIMS = [610, 580, 640, 600, 590, 620, 560, 605, 650, 615, 600, 630]
SHIFT = [5, 7, 6, 5, 8, 9, 5, 4, 6, 5, 7, 12, 13, 14, 12, 15, 13, 14, 16, 12, 13, 14]


def test_spike_on_latest_point_names_rule_value_limit_and_n() -> None:
    labels = [f"week {w}" for w in range(1, 13)]
    signal = alert_signal(p_chart(DENIED, CLAIMS), labels=labels)
    p_bar = sum(DENIED) / sum(CLAIMS)
    ucl = p_bar + 3 * np.sqrt(p_bar * (1 - p_bar) / 630)
    assert signal is not None
    assert (signal.kind, signal.rule, signal.direction) == ("spike", "above the upper limit", "up")
    assert signal.index == 11 and signal.label == "week 12" and signal.n == 630
    assert signal.value == pytest.approx(88 / 630) and signal.limit == pytest.approx(ucl)
    text = signal.describe()
    assert "week 12" in text and "above the upper limit" in text and "n = 630" in text


def test_spike_below_lower_limit() -> None:
    counts = [20, 18, 22, 20, 19, 21, 20, 18, 22, 20, 19, 21, 0]
    signal = alert_signal(c_chart(counts, baseline=slice(0, 12)))
    assert signal is not None and signal.rule == "below the lower limit" and signal.direction == "down"
    assert signal.limit == pytest.approx(20 - 3 * np.sqrt(20))


def test_an_older_spike_does_not_alert() -> None:
    assert alert_signal(p_chart(DENIED + [44], CLAIMS + [600])) is None


def test_shift_by_long_run_including_latest_point() -> None:
    signal = alert_signal(run_chart(SHIFT))
    assert signal is not None and signal.kind == "shift" and signal.direction == "up"
    assert signal.rule == "unusually long run (11 > 7)"
    assert signal.limit == 10.5 and signal.n_points == 22 and signal.n is None


def test_few_crossings_alone_do_not_alert() -> None:
    """Few crossings describe the whole chart, not the latest point (issue 16): the chart has a
    runs signal, but no alert is raised from it."""
    lo, hi = [1.0, 2, 1, 2], [9.0, 8, 9, 8]
    y = lo[:4] + hi[:3] + lo[:3] + hi[:4] + lo[:3] + hi[:3]  # runs 4,3,3,4,3,3: 5 crossings < 6
    chart = run_chart(y)
    assert chart.runs.signal and chart.runs.n_crossings == 5 and chart.runs.n_crossings_min == 6
    assert alert_signal(chart) is None


def test_a_past_long_run_that_has_ended_does_not_alert() -> None:
    y = [10.0] * 9 + [0, 10] * 5 + [0]  # longest run 9 > 7 long ago, then alternating
    chart = i_chart(y)
    assert chart.runs.signal and chart.runs.last_run == 1 and chart.signal_points() == []
    assert alert_signal(chart) is None


def test_too_few_baseline_points_blocks_alerts_and_says_why() -> None:
    chart = p_chart(DENIED[4:], CLAIMS[4:])  # 8 weeks, latest is still outside the limit
    assert chart.sigma_signal[-1]
    assert alert_signal(chart, min_baseline=12) is None
    assert "only 8 baseline points (12 needed" in (alert_blocker(chart, min_baseline=12) or "")
    assert alert_signal(chart, min_baseline=8) is not None


def test_small_latest_denominator_blocks_alerts() -> None:
    chart = p_chart(DENIED[:-1] + [10], CLAIMS[:-1] + [40])  # 25 % of 40 claims
    assert chart.sigma_signal[-1]
    assert alert_signal(chart, min_denominator=100) is None
    assert "denominator (40) is below the minimum of 100" in (alert_blocker(chart, min_denominator=100) or "")
    assert alert_signal(chart, min_denominator=40) is not None


def test_missing_latest_value_cannot_alert() -> None:
    chart = run_chart(SHIFT + [None])
    assert alert_signal(chart) is None
    assert alert_blocker(chart) == "the latest period has no value"


def test_no_alert_on_a_stable_chart() -> None:
    assert alert_signal(p_chart(DENIED[:11], CLAIMS[:11]), min_baseline=11) is None
