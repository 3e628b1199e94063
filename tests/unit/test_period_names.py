"""One name per period (tester's report): a whole calendar month, ISO week or quarter is named the
same way wherever it is shown — the answer's "Period:" line, its fallback text, the chart title,
the "Read as" line and the comparison — however it was typed (``2016-05``, ``last month``,
``2016-05-01..2016-05-31``, a question in words).

Expected names are built here from the ``calendar`` module, not from the code under test:
``May 2016`` / ``May 2016 (2016-05-01..2016-05-31)``; ``week of 2 May 2016``; ``2016-Q2``.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

import pytest

from bot.kpi.base import Measure, Scope
from bot.kpi.catalogue import BY_ID
from bot.kpi.engine import KpiAnswer
from bot.kpi.periods import parse_period, span_text
from bot.views.kpi import render_answer
from bot.views.reader import answer_line


def _month(year: int, month: int) -> tuple[str, str, str]:
    """(short name, full reading, last day) of a month, from ``calendar`` alone."""
    last = calendar.monthrange(year, month)[1]
    short = f"{calendar.month_abbr[month]} {year}"
    return short, f"{short} ({year}-{month:02d}-01..{year}-{month:02d}-{last:02d})", f"{year}-{month:02d}-{last:02d}"


MONTHS = [(y, m) for y in (2016, 2024, 2026) for m in range(1, 13)]


@pytest.mark.parametrize(("year", "month"), MONTHS)
def test_a_month_has_one_name_however_it_is_typed(year: int, month: int) -> None:
    short, full, last = _month(year, month)
    after = date(year + (month == 12), month % 12 + 1, 15)  # "last month" asked mid-next-month
    typed = [parse_period(f"{year}-{month:02d}").resolve(after),
             parse_period(f"{year}-{month:02d}-01..{last}").resolve(after),
             parse_period("last month").resolve(after)]
    for period in typed:
        assert (period.name, period.describe()) == (short, full)
        assert span_text(period.start, period.end) == short


def test_a_week_and_a_quarter_too() -> None:
    monday = date(2016, 5, 2)
    assert monday.weekday() == 0
    for text, today in (("2016-05-02..2016-05-08", date(2016, 5, 20)), ("last week", date(2016, 5, 11))):
        p = parse_period(text).resolve(today)
        assert (p.name, p.describe()) == ("week of 2 May 2016", "week of 2 May 2016 (2016-05-02..2016-05-08)")
    for text, today in (("2016-Q2", date(2016, 8, 1)), ("2016-04-01..2016-06-30", date(2016, 8, 1)),
                        ("last quarter", date(2016, 7, 4))):
        p = parse_period(text).resolve(today)
        assert (p.name, p.describe()) == ("2016-Q2", "2016-Q2 (2016-04-01..2016-06-30)")


def test_other_spans_keep_their_words_and_dates() -> None:
    p = parse_period("2016-04-29..2016-06-08").resolve(date(2016, 7, 1))
    assert (p.name, p.describe()) == ("2016-04-29..2016-06-08", "2016-04-29..2016-06-08")
    rolling = parse_period("last 12 weeks").resolve(date(2016, 6, 8))
    assert rolling.name == "last 12 weeks"
    assert rolling.describe() == f"{date(2016, 6, 8) - timedelta(weeks=12) + timedelta(days=1)}..2016-06-08"
    assert parse_period("all").resolve(date(2016, 6, 8)).name == "all data"
    # a week that does not start on a Monday is not an ISO week
    assert parse_period("2016-05-03..2016-05-09").resolve(date(2016, 6, 1)).name == "2016-05-03..2016-05-09"


def _answer(period_text: str, today: date, compare: str | None = None) -> KpiAnswer:
    period = parse_period(period_text).resolve(today)
    assert period.start is not None and period.end is not None
    m = Measure(value=0.1, n=10, d=100, first=period.start, last=period.end)
    comparison = None
    if compare is not None:
        comparison = (parse_period(compare).resolve(today), Measure(value=0.2, n=20, d=100))
    return KpiAnswer(kpi=BY_ID["no-show-rate"], scope=Scope(clinic_name="Seaside", timezone="UTC"), period=period,
                     measure=m, latest=period.end, as_of=datetime(2016, 7, 1, 6, 0), status=None,
                     request_text=f"no-show-rate {period_text}", comparison=comparison)


@pytest.mark.parametrize("typed", ["2016-05", "2016-05-01..2016-05-31"])
def test_the_answer_and_its_reading_name_the_month_alike(typed: str) -> None:
    a = _answer(typed, date(2016, 7, 1), compare="2016-04")
    blocks, text = render_answer(a)
    flat = str(blocks)
    assert "Period: May 2016 ·" in flat
    assert text.startswith("No-show rate, Seaside, May 2016: ")
    assert "vs Apr 2016 (2016-04-01..2016-04-30):" in flat
    assert answer_line(a) == ("No-show rate · Seaside · May 2016 (2016-05-01..2016-05-31) · "
                              "vs Apr 2016 (2016-04-01..2016-04-30)")
    assert "data covers 2016-05-01..2016-05-31" in flat
    assert " to 2016-05-31" not in flat and "Period: 2016-05" not in flat


def test_no_data_names_the_month_with_its_dates_once() -> None:
    a = _answer("2016-05", date(2016, 7, 1))
    a.measure = Measure(value=None)
    _, text = render_answer(a)
    assert "no data for May 2016 (2016-05-01..2016-05-31)." in text


def test_an_improvement_started_from_a_denial_alert_names_its_week_alike() -> None:
    from bot.ideas.improve import from_incident

    start = from_incident("denial_spike", "denial-rate", "north", "North",
                          {"facts": {"value": 0.31, "centre": 0.1, "week": "2026-03-02"}, "lines": []})
    assert start is not None and start.current == "31.0% in the week of 2 Mar 2026"  # 2 Mar 2026: a Monday
