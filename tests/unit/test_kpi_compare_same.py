"""A comparison that would say nothing is said, not computed as "+0.00": one side all data, both
sides the same days (once capped at today), or two nested periods measuring the same records."""

from __future__ import annotations

from datetime import date

from bot.kpi.base import Measure
from bot.kpi.engine import _same_records
from bot.kpi.periods import Period, comparison_problem, parse_period

TODAY = date(2026, 12, 6)


def _p(text: str) -> Period:
    return parse_period(text).resolve(TODAY)


def test_all_data_against_a_window_is_refused() -> None:
    why = comparison_problem(_p("all"), _p("last 9999 days"), TODAY)
    # 9999 days ending 6 Dec 2026 start on 23 Jul 1999 (2026-12-06 minus 9998 days)
    assert why is not None and why.startswith("“all data” already holds 1999-07-23..2026-12-06")
    assert comparison_problem(_p("last 30 days"), _p("all"), TODAY) is not None


def test_the_same_days_twice_are_refused() -> None:
    assert "Both periods are Nov 2026" in (comparison_problem(_p("last month"), _p("2026-11"), TODAY) or "")
    # this month (1-31 Dec) and month to date (1-6 Dec) are the same days once capped at 6 Dec
    assert "up to today" in (comparison_problem(_p("this month"), _p("mtd"), TODAY) or "")


def test_different_periods_pass() -> None:
    assert comparison_problem(_p("this month"), _p("last month"), TODAY) is None
    assert comparison_problem(_p("last 30 days"), _p("last 60 days"), TODAY) is None


def test_nested_periods_with_the_same_records_are_refused() -> None:
    data = Measure(value=0.0846, n=3041, d=35964, first=date(2026, 8, 23), last=date(2026, 12, 6))
    long, short = _p("last 9999 days"), _p("last 9998 days")
    assert "hold the same data (from 2026-08-23 to 2026-12-06" in (_same_records(long, data, short, data) or "")
    other = Measure(value=0.09, n=3000, d=33333, first=date(2026, 9, 1), last=date(2026, 12, 6))
    assert _same_records(long, data, short, other) is None  # different records: a real comparison
    assert _same_records(_p("2026-11"), data, _p("2026-10"), data) is None  # not nested
