"""The demand forecast's parts (issue 20): the weekday-median and pickup blend on a hand
example (the module docstring's formula worked by hand), no use of anything after the origin,
the naive baseline, backtest origins, unseen holidays judged by their bookings, and the honest
"not shown" answer when a clinic's forecast does not beat its baseline."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from bot.forecast import demand, demand_backtest
from bot.forecast.ahead import DemandOutlook
from bot.forecast.demand_backtest import DemandScore
from bot.views.lookahead import demand_lines, render_demand

FIRST, ORIGIN = date(2026, 1, 5), date(2026, 3, 15)  # a Monday; a Sunday ten weeks later


def _rows(day: date, n: int, lead: int, status: str = "completed") -> list[tuple[pd.Timestamp, pd.Timestamp, str]]:
    at = pd.Timestamp(day - timedelta(days=lead)) + pd.Timedelta(hours=15)
    return [(pd.Timestamp(day), at, status)] * n


def _history_frame() -> pd.DataFrame:
    """Every weekday from FIRST to ORIGIN: 10 visits, 4 booked 20 days ahead and 6 the same day;
    plus one cancelled booking a day (never a visit); nothing at weekends."""
    rows = []
    d = FIRST
    while d <= ORIGIN:
        if d.weekday() < 5:
            rows += _rows(d, 4, 20) + _rows(d, 6, 0) + _rows(d, 1, 3, "cancelled")
        d += timedelta(days=1)
    return pd.DataFrame(rows, columns=["appointment_date", "booked_at", "status"])


def _ahead_frame() -> pd.DataFrame:
    """Bookings for the days after ORIGIN: 8 for Mon 16 Mar booked 10 days ahead (known at the
    origin), 5 more booked on the day (not known at the origin)."""
    return pd.DataFrame(_rows(date(2026, 3, 16), 8, 10) + _rows(date(2026, 3, 16), 5, 0, "scheduled"),
                        columns=["appointment_date", "booked_at", "status"])


def test_blend_of_weekday_median_and_pickup_by_hand() -> None:
    frame = pd.concat([_history_frame(), _ahead_frame()], ignore_index=True)
    hist = demand.demand_history(frame, ORIGIN)
    fc = demand.predict(hist, ORIGIN)
    # Mon 16 Mar, one day ahead: on past Mondays 5 bookings (4 + the cancelled one) were made a day
    # or more ahead of 10 visits: share 0.5, still to come median 10 - 5 = 5; 8 on the books now:
    # 0.5 * 10 + 0.5 * (8 + 5) = 11.5
    assert fc[pd.Timestamp("2026-03-16")] == pytest.approx(11.5)
    # Tue 17 Mar, nothing on the books yet: 0.5 * 10 + 0.5 * (0 + 5) = 7.5
    assert fc[pd.Timestamp("2026-03-17")] == pytest.approx(7.5)
    # four weeks ahead (Mon 6 Apr, 22 days): nothing is ever booked that early, so the weekday median
    assert fc[pd.Timestamp("2026-04-06")] == pytest.approx(10.0)
    assert fc[pd.Timestamp("2026-03-21")] == 0.0  # Saturday: never worked


def test_nothing_after_the_origin_is_used() -> None:
    base = pd.concat([_history_frame(), _ahead_frame()], ignore_index=True)
    later = pd.DataFrame(  # visits after the origin and bookings made after it
        _rows(date(2026, 3, 17), 40, 0) + _rows(date(2026, 3, 20), 30, 1) + _rows(date(2026, 3, 30), 9, 2),
        columns=["appointment_date", "booked_at", "status"])
    a = demand.predict(demand.demand_history(base, ORIGIN, horizon=28), ORIGIN)
    b = demand.predict(demand.demand_history(pd.concat([base, later]), date(2026, 4, 30), horizon=28), ORIGIN)
    pd.testing.assert_series_equal(a, b)


def test_naive_on_a_history_is_same_weekday_last_week() -> None:
    rng = np.random.default_rng(3)
    counts = rng.integers(0, 30, size=70)
    days = pd.date_range(FIRST, periods=70, freq="D")
    frame = pd.DataFrame({"appointment_date": days.repeat(counts), "status": "completed"})
    origin = days[55].date()
    hist = demand.demand_history(frame, days[-1].date(), first=FIRST)
    got = demand.naive(hist, origin)
    for h in range(1, 29):  # the latest same weekday on or before the origin
        back = 55 + h - 7 * ((h + 6) // 7)
        assert got.iloc[h - 1] == counts[back]
    pd.testing.assert_series_equal(got, demand.naive_forecast(pd.Series(counts.astype(float), index=days), origin))


def test_origins_every_ten_days_with_eight_weeks_of_history() -> None:
    end = date(2026, 5, 5)
    hist = demand.demand_history(_extend(_history_frame(), end), end)
    at = demand_backtest.origins(hist)
    assert at[0] == end - timedelta(days=28) and len(at) >= 3
    assert all(a - b == timedelta(days=10) for a, b in zip(at, at[1:], strict=False))
    assert (at[-1] - FIRST).days + 1 >= demand_backtest.MIN_HISTORY_DAYS
    assert (at[-1] - FIRST).days + 1 - 10 < demand_backtest.MIN_HISTORY_DAYS


def test_unseen_holiday_is_judged_by_its_bookings() -> None:
    # history 5 Jan .. 15 Mar holds MLK and Presidents' Day: drop them, so no holiday is seen
    frame = _history_frame()
    frame = frame[~frame["appointment_date"].isin([pd.Timestamp("2026-01-19"), pd.Timestamp("2026-02-16")])]
    frame = frame[frame["appointment_date"] >= pd.Timestamp("2026-02-17")]
    memorial = date(2026, 5, 25)  # Memorial Day, a Monday; origin 20 days before: 5 usually booked
    ahead = pd.DataFrame(_rows(date(2026, 5, 18), 5, 20), columns=["appointment_date", "booked_at", "status"])
    hist = demand.demand_history(pd.concat([_extend(frame, date(2026, 5, 5)), ahead]), date(2026, 5, 5))
    fc = demand.predict(hist, date(2026, 5, 5))
    assert fc[pd.Timestamp(memorial)] == 0.0  # nothing booked where 5 usually are: closed
    assert fc[pd.Timestamp("2026-05-18")] > 9  # an ordinary Monday with its usual bookings


def _extend(frame: pd.DataFrame, until: date) -> pd.DataFrame:
    rows = []
    d = ORIGIN + timedelta(days=1)
    while d <= until:
        if d.weekday() < 5:
            rows += _rows(d, 4, 20) + _rows(d, 6, 0) + _rows(d, 1, 3, "cancelled")
        d += timedelta(days=1)
    return pd.concat([frame, pd.DataFrame(rows, columns=frame.columns)], ignore_index=True)


def _outlook(score: DemandScore | None) -> DemandOutlook:
    days = [demand.DemandDay(ORIGIN + timedelta(days=i + 1), 10.0, 12) for i in range(28)]
    return DemandOutlook("Aspen", ORIGIN, days, 3, [], score)


def test_a_forecast_that_does_not_beat_its_baseline_is_not_shown() -> None:
    worse = DemandScore("aspen", mae=6.0, naive_mae=5.0, origins=4, days=112)
    assert not worse.shown and worse.improvement == pytest.approx(-0.2)
    lines = demand_lines(_outlook(worse))
    assert len(lines) == 1 and "no demand forecast shown" in lines[0] and "did not beat" in lines[0]
    assert "6.0" in lines[0] and "5.0" in lines[0] and "week of" not in lines[0]
    assert "not yet enough history" in demand_lines(_outlook(None))[0]
    better = DemandScore("aspen", mae=3.0, naive_mae=5.0, origins=4, days=112)
    _blocks, text = render_demand(_outlook(better))
    assert better.shown and better.improvement == pytest.approx(0.4) and "week of" in text


def test_summary_pools_errors_over_clinics() -> None:
    a = DemandScore("a", 1.0, 2.0, 1, 10)
    b = DemandScore("b", 3.0, 4.0, 1, 30)
    sm = demand_backtest.summary([a, b])
    assert sm["overall"] == pytest.approx(1 - (10 + 90) / (20 + 120))
    assert sm["min"] == pytest.approx(0.25) and sm["at_target"] == 2 and sm["shown"] == 2

