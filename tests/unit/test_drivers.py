"""Rate / mix decomposition (Kitagawa 1955) on hand-worked figures, and where a shift began."""

from __future__ import annotations

import numpy as np
import pytest

from bot.kpi.drivers import Contribution, Drivers, decompose, numerator_split
from bot.kpi.drivers_text import contribution_text, short_why
from bot.spc import p_chart
from bot.spc.run_start import last_run_start, longest_run_start


def test_two_segments_worked_by_hand() -> None:
    # A: 10/100 → 30/100; B: 10/100 → 10/300.  R0 = 20/200 = 0.10, R1 = 40/400 = 0.10: Δ = 0.
    # w: A 0.5 → 0.25, B 0.5 → 0.75; r: A 0.1 → 0.3, B 0.1 → 0.0333…
    # A: rate (0.2)(0.375) = 0.075, mix (−0.25)(0.2) = −0.05
    # B: rate (−0.0666…)(0.625) = −0.041666…, mix (0.25)(0.1333…/2) = 0.016666…; the four sum to 0
    total, parts = decompose({"A": (10, 100), "B": (10, 100)}, {"A": (30, 100), "B": (10, 300)})
    assert total == pytest.approx(0.0, abs=1e-15)
    assert parts["A"] == pytest.approx((0.075, -0.05))
    assert parts["B"] == pytest.approx((-0.0416666667, 0.0166666667))
    assert sum(r + m for r, m in parts.values()) == pytest.approx(0.0, abs=1e-15)


def test_segment_new_in_one_period_is_all_mix() -> None:
    # C appears with 5/50: R0 = 10/100, R1 = 15/150 ⇒ Δ = 0; C's term w1·r1 = (50/150)(0.1) = 1/30
    total, parts = decompose({"A": (10, 100)}, {"A": (10, 100), "C": (5, 50)})
    assert parts["C"] == pytest.approx((0.0, 1 / 30))
    assert parts["A"][0] == pytest.approx(0.0) and parts["A"][1] == pytest.approx(-1 / 30)
    assert total == pytest.approx(0.0, abs=1e-15)


def test_no_denominator_is_refused() -> None:
    with pytest.raises(ValueError):
        decompose({}, {"A": (1, 10)})


def test_numerator_split() -> None:
    assert numerator_split({"auth": 2}, 100, {"auth": 12, "coding": 3}, 200) == pytest.approx(
        {"auth": 0.06 - 0.02, "coding": 0.015})


def test_words() -> None:
    c = Contribution("m", "Medicare", (1, 100), (5, 100), 0.0212, -0.0007)
    assert contribution_text(c, "%") == "Medicare +2.05 pts (their rate +2.12, their volume share -0.07)"
    d = Drivers("payer", 0.03, [c])
    assert short_why([d], "%") == "payer Medicare +2.05 pts (rate moved)"
    assert short_why([Drivers("payer", -0.03, [c])], "%") is None  # no contributor moved the same way


def test_run_start() -> None:
    # 12 baseline points alternating around 0.1, then 8 points at 0.2: the run starts at index 12
    n = [100] * 20
    y = [11, 9] * 6 + [20] * 8  # index 11 (9 %) is below the centre line of 10 %
    chart = p_chart(y, n, baseline=12)
    assert last_run_start(chart) == 12
    first, length, side = longest_run_start(chart)
    assert (first, length, side) == (12, 8, 1)
    assert np.isnan(chart.cl).sum() == 0
