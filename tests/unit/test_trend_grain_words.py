"""The trend's words are in the grain of its series (tester's report: a monthly answer said "since
week of …"): a monthly series is counted in months and its shift starts at a month, a weekly one
in weeks, a daily one in days; and a trend point is named as that calendar unit is everywhere.

The series here is built by hand: 11 points low (7 and 9.5 alternating), then 9 points high (11
and 13 alternating). Whatever the centre line of the 19 baseline points, it lies between the two
groups, so the latest 9 points are a run above it — longer than Anhøj's limit for 20 points
(round(log2 20) + 3 = 7) — and the run begins at point 11. The moving ranges (≥ 2) keep every
point inside the I chart's limits, so the reading is a shift, not a spike. (Values in % on a % KPI,
so no unit word can be mistaken for the grain's.)
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest

from bot.kpi.base import Measure, TrendPoint
from bot.kpi.catalogue import BY_ID
from bot.kpi.engine import bucket_label, trend_buckets
from bot.kpi.spc_reading import read_trend

VALUES = [7, 9.5] * 5 + [7] + [11, 13] * 4 + [11]
FIRST_HIGH = 11


def _months(n: int) -> list[tuple[date, date, str]]:
    out, y, m = [], 2015, 1
    for _ in range(n):
        out.append((date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]), f"{calendar.month_abbr[m]} {y}"))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _weeks(n: int) -> list[tuple[date, date, str]]:
    monday = date(2016, 2, 1)
    assert monday.weekday() == 0
    days = [monday + timedelta(weeks=i) for i in range(n)]
    return [(d, d + timedelta(days=6), f"week of {d.day} {calendar.month_abbr[d.month]} {d.year}") for d in days]


def _days(n: int) -> list[tuple[date, date, str]]:
    days = [date(2016, 5, 1) + timedelta(days=i) for i in range(n)]
    return [(d, d, f"{d.day} {calendar.month_abbr[d.month]} {d.year}") for d in days]


@pytest.mark.parametrize(("grain", "buckets", "noun", "other"), [
    ("month", _months, "months", ("week", "day")),
    ("week", _weeks, "weeks", ("month", " day")),
    ("day", _days, "days", ("week", "month")),
])
def test_a_shift_is_told_in_the_series_grain(grain, buckets, noun, other) -> None:  # type: ignore[no-untyped-def]
    points = buckets(len(VALUES))
    trend = [TrendPoint(label, s, e, Measure(value=v / 100, n=v, d=100))
             for (s, e, label), v in zip(points, VALUES, strict=True)]
    reading = read_trend(BY_ID["write-off-rate"], trend, grain)  # a % KPI read on an I chart
    assert reading is not None and reading.chart_kind == "i"
    line = reading.lines[0]
    latest, began = points[-1][2], points[FIRST_HIGH][2]
    assert f"{latest} ends a run of 9 {noun} above the centre line" in line
    assert f"since {began} — a shift" in line
    assert not any(word in line.replace(latest, "").replace(began, "") for word in other)


@pytest.mark.parametrize(("grain", "expected"), [
    ("month", [(date(2016, m, 1), f"{calendar.month_abbr[m]} 2016") for m in range(1, 13)]),
    ("quarter", [(date(2016, 3 * q - 2, 1), f"2016-Q{q}") for q in range(1, 5)]),
])
def test_trend_points_are_named_as_their_calendar_unit(grain: str, expected: list[tuple[date, str]]) -> None:
    buckets = trend_buckets(expected[-1][0], grain, len(expected))  # type: ignore[arg-type]
    assert [(s, bucket_label(s, grain)) for s, _ in buckets] == expected  # type: ignore[arg-type]


def test_weekly_and_daily_points_are_named_with_their_year() -> None:
    buckets = trend_buckets(date(2016, 1, 6), "week", 3)
    assert [bucket_label(s, "week") for s, _ in buckets] == [
        "week of 21 Dec 2015", "week of 28 Dec 2015", "week of 4 Jan 2016"]  # Mondays, by the calendar
    assert [bucket_label(s, "day") for s, _ in trend_buckets(date(2016, 3, 1), "day", 2)] == ["29 Feb 2016", "1 Mar 2016"]
