"""Where a feed's data starts (bot.kpi.coverage.data_start): the first record day less the feed's
own cadence. Expected days are counted by hand on the calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.kpi.coverage import covered_days, data_start, pooled_daily, starts_apart


def test_a_monthly_ledger_covers_the_month_before_its_first_entry() -> None:
    # kpis.md's days-in-A/R example: charges posted 15 Jan, 15 Feb, 15 Mar 2026 (gaps 31, 28:
    # median 29.5, rounded to 30) -> data from 17 Dec 2025, so Jan 1..Mar 31 is fully covered
    start = data_start([date(2026, 1, 15), date(2026, 2, 15), date(2026, 3, 15)])
    assert start == date(2025, 12, 17)
    assert covered_days(start, date(2026, 1, 1), date(2026, 3, 31)) == 90


def test_a_daily_feed_starts_on_its_first_day() -> None:
    days = [date(2026, 11, 20) + timedelta(days=i) for i in range(11)]
    start = data_start(days)
    assert start == date(2026, 11, 20)
    assert covered_days(start, date(2026, 9, 1), date(2026, 11, 30)) == 11


def test_fortnightly_submissions_and_edge_cases() -> None:
    # claims submitted every 15 days from 5 Dec 2025: data from 21 Nov 2025
    assert data_start([date(2025, 12, 5) + timedelta(days=15 * i) for i in range(6)]) == date(2025, 11, 21)
    assert data_start([]) is None
    assert data_start([date(2026, 3, 10)] * 3) == date(2026, 3, 10)  # one day, however many records
    # only the first ten distinct days count: a later change of cadence does not move the start
    early = [date(2026, 1, 1) + timedelta(days=i) for i in range(10)]
    assert data_start(early + [date(2026, 6, 1), date(2026, 9, 1)]) == date(2026, 1, 1)


def test_a_network_daily_average_adds_each_clinics_own_average() -> None:
    """kpis.md days in A/R: 10 USD a day over 91 days and 20 USD a day over 45 days is 30 USD a day
    for the two clinics together, not (910 + 900) ÷ 91 = 19.89."""

    assert pooled_daily([(910.0, 91), (900.0, 45)]) == pytest.approx(30.0, abs=1e-12)
    assert pooled_daily([(910.0, 91), (50.0, 0)]) == pytest.approx(10.0, abs=1e-12)  # no covered day: nothing


def test_clinics_cover_a_window_unevenly_only_when_one_starts_inside_it() -> None:

    sep1, oct17 = date(2026, 9, 1), date(2026, 10, 17)
    assert starts_apart([sep1, oct17], [sep1])  # Birch starts inside the Sep–Nov window
    assert not starts_apart([sep1, oct17], [date(2026, 11, 1)])  # both cover November fully
    assert not starts_apart([oct17, oct17], [sep1])  # one start: every clinic covers the same days
    assert not starts_apart([sep1, oct17], [])
