"""Where a feed's data starts (bot.kpi.coverage.data_start): the first record day less the feed's
own cadence. Expected days are counted by hand on the calendar."""

from __future__ import annotations

from datetime import date, timedelta

from bot.kpi.coverage import covered_days, data_start


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
