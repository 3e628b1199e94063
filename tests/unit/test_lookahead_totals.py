"""Several days ahead: the total of expected no-shows (its range from the Poisson-binomial of all
the days' appointments together, not the daily bounds added) and demand on the asked days.

Expected values: scipy.stats (binom, poisson_binom), an implementation independent of
:mod:`bot.forecast.interval`, and sums worked by hand."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from scipy.stats import binom, poisson_binom

from bot.forecast.ahead import DemandOutlook, SpanOutlook
from bot.forecast.demand import DemandDay
from bot.forecast.demand_backtest import DemandScore
from bot.forecast.grammar import days_of, parse_lookahead
from bot.forecast.interval import ExpectedCount, combined_count, expected_count
from bot.views.lookahead import demand_day_lines, render_outlooks, total_line


def test_total_of_ten_equal_days_is_the_binomial_of_all_appointments() -> None:
    days = [np.full(20, 0.1) for _ in range(10)]
    total = combined_count(days)
    day = expected_count(days[0])
    assert (day.low, day.high) == (binom.ppf(0.1, 20, 0.1), binom.ppf(0.9, 20, 0.1)) == (0, 4)
    assert total.expected == pytest.approx(20.0) and total.n == 200
    assert (total.low, total.high) == (binom.ppf(0.1, 200, 0.1), binom.ppf(0.9, 200, 0.1)) == (15, 26)
    assert (total.low, total.high) != (10 * day.low, 10 * day.high)  # not the bounds added (0–40)


def test_total_of_unequal_days_matches_scipy_poisson_binomial() -> None:
    rng = np.random.default_rng(7)
    days = [rng.uniform(0.02, 0.6, size=n) for n in (11, 0, 17, 8, 14)]  # a day with nothing booked; scipy takes ≤ 60
    every = np.concatenate(days)
    total = combined_count(days)
    assert total.expected == pytest.approx(every.sum())
    assert (total.low, total.high) == (poisson_binom.ppf(0.1, every), poisson_binom.ppf(0.9, every))
    # the variance of the total is the sum of the days' Poisson-binomial variances
    assert poisson_binom.var(every) == pytest.approx(sum(float((p * (1 - p)).sum()) for p in days))
    assert combined_count([]) == ExpectedCount(0.0, 0, 0, 0.8, 0)


def test_total_line_says_the_days_and_the_combined_range() -> None:
    t = SpanOutlook("Aspen", date(2026, 12, 7), date(2026, 12, 11), 212, ExpectedCount(20.4, 15, 26, 0.8, 200), 9)
    line = total_line(t)
    assert line.startswith("*Total, Aspen, Mon 07 Dec–Fri 11 Dec*: 212 booked visits")
    assert "about *20.4* expected no-shows (likely 15–26, 80 % range)" in line.replace("80%", "80 %")
    assert "9 high-risk slots" in line
    _, text = render_outlooks([], None, t)
    assert text.endswith(line)
    assert "No expected count yet" in total_line(SpanOutlook("Aspen", date(2026, 12, 7), date(2026, 12, 11), 212, None, 0))


def _outlook(today: date, shown: bool = True) -> DemandOutlook:
    days = [DemandDay(today + timedelta(days=i), 10.0 + i, 12 if (today + timedelta(days=i)).weekday() < 5 else 0)
            for i in range(1, 29)]
    score = DemandScore("aspen", mae=1.0 if shown else 3.0, naive_mae=2.0, origins=4)
    return DemandOutlook("Aspen", today, days, None, [d for d in days if d.forecast > d.capacity + 0.5], score)


def test_demand_next_week_is_read_and_answers_those_days_with_a_total() -> None:
    r = parse_lookahead("demand next week at aspen")
    assert r is not None and r.question == "demand" and r.week == 1 and r.named_days and r.clinic == "aspen"
    bare = parse_lookahead("demand at aspen")
    assert bare is not None and not bare.named_days
    today = date(2026, 12, 2)  # a Wednesday; next week Mon 7 – Sun 13 Dec = days 5..11 ahead
    lines = demand_day_lines(_outlook(today), days_of(r, today))
    assert lines[1] == "Mon 07 Dec: 15 visits for 12 slots (above capacity)"
    assert lines[7] == "Sun 13 Dec: 21 visits for 0 slots (above capacity)"
    # forecast 15+16+…+21 = 126; slots 5 × 12 = 60
    assert lines[8] == "*Total Mon 07 Dec–Sun 13 Dec*: 126 visits for 60 slots"
    assert not any("four weeks" in line or "leave the day out" in line for line in lines)


def test_demand_days_outside_the_forecast_are_named_not_guessed() -> None:
    today = date(2026, 12, 2)
    r = parse_lookahead("demand this week at aspen")
    assert r is not None
    lines = demand_day_lines(_outlook(today), days_of(r, today))  # today (Wed) to Sun 6 Dec
    assert lines[-1] == ("Not in the demand forecast (it covers Thu 03 Dec–Wed 30 Dec): Wed 02 Dec "
                         "(today's visits are those already booked).")
    assert lines[-2].startswith("*Total Thu 03 Dec–Sun 06 Dec*: 50 visits")  # 11+12+13+14
    far = parse_lookahead("demand 2027-01-11 at aspen")  # 40 days after today: past the 28-day horizon
    assert far is not None
    assert demand_day_lines(_outlook(today), days_of(far, today))[-1].endswith(": Mon 11 Jan.")


def test_demand_not_shown_stays_hidden_for_asked_days() -> None:
    lines = demand_day_lines(_outlook(date(2026, 12, 2), shown=False), [date(2026, 12, 7)])
    assert lines == [lines[0]] and "no demand forecast shown" in lines[0]
