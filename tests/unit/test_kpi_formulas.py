"""Worked examples from shared/spec/kpis.md and formula checks against independent computations."""

from datetime import date

import numpy as np
import pytest

from bot.kpi.inventory import reorder_point, safety_stock, turns_to_days, z_value
from bot.kpi.lead_time import median_from_histogram
from bot.kpi.revenue import days_in_ar, three_months_ending
from bot.kpi.tna import end_of_day_utc, third_next_available


def test_third_next_available_worked_example():
    # kpis.md: asked Mon 2026-03-02, free slots Tue 03-03, Thu 03-05, Mon 03-09 -> 7 days
    free = [date(2026, 3, 3), date(2026, 3, 5), date(2026, 3, 9)]
    assert third_next_available(date(2026, 3, 2), free) == 7


def test_third_next_available_same_day_is_zero_and_fewer_than_three_is_none():
    d = date(2026, 3, 2)
    assert third_next_available(d, [d, d, d, date(2026, 3, 20)]) == 0
    assert third_next_available(d, [date(2026, 3, 1), date(2026, 3, 3), date(2026, 3, 4)]) is None


def test_days_in_ar_worked_example():
    # net A/R $450,000; revenue Jan $300k + Feb $310k + Mar $290k 2026 over 90 days -> 45.0
    assert days_in_ar(450_000_00, (300_000 + 310_000 + 290_000) * 100, 90) == pytest.approx(45.0, abs=1e-12)
    assert three_months_ending(date(2026, 3, 31)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert three_months_ending(date(2026, 3, 15)) == (date(2025, 12, 1), date(2026, 2, 28))


@pytest.mark.parametrize("level,sl,ss,rop", [
    (0.95, 0.0, 73.854, 773.854), (0.99, 0.0, 104.453, 804.453), (0.95, 2.0, 180.305, 880.305)])
def test_reorder_point_worked_examples(level, sl, ss, rop):
    # kpis.md: d = 50/day, sd 12, L = 14 days
    assert safety_stock(50, 12, 14, level, sl) == pytest.approx(ss, abs=5e-4)
    assert reorder_point(50, 12, 14, level, sl) == pytest.approx(rop, abs=5e-4)


def test_z_is_exact_not_rounded():
    assert z_value(0.95) == pytest.approx(1.6448536269514722, rel=1e-12)
    assert z_value(0.95) != 1.65


def test_turns_to_days():
    assert turns_to_days(7.5) == pytest.approx(48.67, abs=0.005)


@pytest.mark.parametrize("values", [[3], [1, 2], [0, 0, 5, 9, 9, 9], list(range(101)), [4, 1, 1, 7, 2, 2, 30, 0]])
def test_median_from_histogram_equals_numpy_median(values):
    hist = {}
    for v in values:
        hist[v] = hist.get(v, 0) + 1
    assert median_from_histogram(list(hist.items())) == pytest.approx(float(np.median(values)))
    assert median_from_histogram([]) is None


def test_end_of_day_is_local_midnight_in_utc():
    assert str(end_of_day_utc(date(2016, 5, 2), "America/Sao_Paulo")) == "2016-05-03 03:00:00"
    assert str(end_of_day_utc(date(2026, 3, 7), "America/New_York")) == "2026-03-08 05:00:00"
