"""Period parsing and resolution (calendar facts checked by hand)."""

from datetime import date

import pytest

from bot.errors import UsageError
from bot.kpi.periods import parse_period, shift_period

TODAY = date(2016, 6, 8)  # a Wednesday


@pytest.mark.parametrize("text,start,end", [
    ("all", None, None),
    ("", None, None),
    ("today", date(2016, 6, 8), date(2016, 6, 8)),
    ("yesterday", date(2016, 6, 7), date(2016, 6, 7)),
    ("this week", date(2016, 6, 6), date(2016, 6, 12)),
    ("last week", date(2016, 5, 30), date(2016, 6, 5)),
    ("this month", date(2016, 6, 1), date(2016, 6, 30)),
    ("last month", date(2016, 5, 1), date(2016, 5, 31)),
    ("last 30d", date(2016, 5, 10), date(2016, 6, 8)),
    ("last 30 days", date(2016, 5, 10), date(2016, 6, 8)),
    ("last 12 weeks", date(2016, 3, 17), date(2016, 6, 8)),
    ("last 3 months", date(2016, 3, 9), date(2016, 6, 8)),
    ("ytd", date(2016, 1, 1), date(2016, 6, 8)),
    ("this quarter", date(2016, 4, 1), date(2016, 6, 30)),
    ("2016", date(2016, 1, 1), date(2016, 12, 31)),
    ("2016-Q2", date(2016, 4, 1), date(2016, 6, 30)),
    ("2016-02", date(2016, 2, 1), date(2016, 2, 29)),
    ("2016-05-12", date(2016, 5, 12), date(2016, 5, 12)),
    ("2016-04-29..2016-06-08", date(2016, 4, 29), date(2016, 6, 8)),
    ("2016-04..2016-05", date(2016, 4, 1), date(2016, 5, 31)),
])
def test_periods_resolve_to_inclusive_local_dates(text, start, end):
    period = parse_period(text).resolve(TODAY)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["last fortnight", "2016-06-08..2016-05-01", "soon"])
def test_bad_periods_raise_usage_error_listing_forms(text):
    with pytest.raises(UsageError) as err:
        parse_period(text)
    assert "`" in str(err.value)


@pytest.mark.parametrize("text", ["2016-13", "2016-02-30"])
def test_impossible_dates_are_said_not_to_be_dates_with_the_forms(text):
    """No month 13, no 30 February (2016 is a leap year: 29 days): said, with the date forms."""
    with pytest.raises(UsageError) as err:
        parse_period(text)
    assert f"“{text}” is not a date" in str(err.value) and "YYYY-MM-DD" in str(err.value)


def test_previous_period_of_a_month_is_the_whole_previous_month():
    march = parse_period("2016-03").resolve(TODAY)
    prev = shift_period(march, "month")
    assert (prev.start, prev.end) == (date(2016, 2, 1), date(2016, 2, 29))
    same_length = shift_period(parse_period("2016-05-10..2016-05-19").resolve(TODAY))
    assert (same_length.start, same_length.end) == (date(2016, 4, 30), date(2016, 5, 9))
    year = shift_period(parse_period("2016-Q2").resolve(TODAY), "year")
    assert (year.start, year.end) == (date(2015, 4, 1), date(2015, 6, 30))


def test_all_has_no_previous_period():
    with pytest.raises(UsageError):
        shift_period(parse_period("all").resolve(TODAY))
