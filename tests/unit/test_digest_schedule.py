"""Digest schedule: local wall-clock times across daylight-saving changes, run days, holidays,
misfire. Expected instants come from the published offsets (New York EST −5 / EDT −4 from
2026-03-08 02:00 to 2026-11-01 02:00; Berlin CET +1 / CEST +2 from 2026-03-29 01:00 UTC) and
public calendars (US Thanksgiving = 4th Thursday of November: 2026-11-26; Independence Day
2026-07-04 is a Saturday, observed Friday 2026-07-03), not from running the code under test."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from bot.digest.schedule import (
    due_occurrences,
    holiday_name,
    is_run_day,
    local_instant,
    next_run,
    parse_local_time,
)
from bot.errors import ConfigurationError, UsageError

NY, BERLIN = "America/New_York", "Europe/Berlin"


@pytest.mark.parametrize("day,tz,expected", [
    (date(2026, 3, 7), NY, datetime(2026, 3, 7, 12, 30)),   # EST: 07:30 + 5 h
    (date(2026, 3, 8), NY, datetime(2026, 3, 8, 11, 30)),   # change day, after 02:00: EDT
    (date(2026, 3, 9), NY, datetime(2026, 3, 9, 11, 30)),
    (date(2026, 3, 28), BERLIN, datetime(2026, 3, 28, 6, 30)),  # CET: 07:30 − 1 h
    (date(2026, 3, 29), BERLIN, datetime(2026, 3, 29, 5, 30)),  # CEST from 01:00 UTC
    (date(2026, 10, 25), BERLIN, datetime(2026, 10, 25, 6, 30)),  # back to CET
    (date(2026, 3, 8), "Asia/Tokyo", datetime(2026, 3, 7, 22, 30)),  # JST +9, previous UTC day
])
def test_local_0730_on_both_sides_of_the_change(day: date, tz: str, expected: datetime) -> None:
    assert local_instant(day, time(7, 30), tz) == expected


def test_nonexistent_and_repeated_local_times_happen_once() -> None:
    # 02:30 does not exist on 2026-03-08 in New York: read with EST → 07:30Z (03:30 EDT)
    assert local_instant(date(2026, 3, 8), time(2, 30), NY) == datetime(2026, 3, 8, 7, 30)
    # 01:30 happens twice on 2026-11-01: the first (EDT, −4) → 05:30Z
    assert local_instant(date(2026, 11, 1), time(1, 30), NY) == datetime(2026, 11, 1, 5, 30)
    # every 5 minutes through the fall-back day: exactly one occurrence for that local date
    found = set()
    now = datetime(2026, 11, 1, 0, 0)
    while now < datetime(2026, 11, 2, 12, 0):
        found |= {(o.local_date, o.scheduled_at) for o in
                  due_occurrences(now, time(1, 30), NY, "daily", timedelta(hours=1)) if not o.late}
        now += timedelta(minutes=5)
    assert sorted(found) == [(date(2026, 11, 1), datetime(2026, 11, 1, 5, 30)),
                             (date(2026, 11, 2), datetime(2026, 11, 2, 6, 30))]


def test_misfire_boundary() -> None:
    at, grace = time(7, 30), timedelta(minutes=60)
    on_time = due_occurrences(datetime(2026, 3, 9, 11, 30), at, NY, "weekdays", grace)
    assert [(o.local_date, o.late) for o in on_time] == [(date(2026, 3, 9), False)]
    assert due_occurrences(datetime(2026, 3, 9, 11, 29), at, NY, "weekdays", grace) == []
    assert [o.late for o in due_occurrences(datetime(2026, 3, 9, 12, 30), at, NY, "weekdays", grace)] == [False]
    assert [o.late for o in due_occurrences(datetime(2026, 3, 9, 12, 31), at, NY, "weekdays", grace)] == [True]


def test_run_days_and_holidays() -> None:
    assert is_run_day(date(2026, 3, 6), "weekdays") and not is_run_day(date(2026, 3, 7), "weekdays")
    assert is_run_day(date(2026, 3, 7), "daily")
    us = {"country": "US"}
    assert holiday_name(date(2026, 11, 26), us) is not None
    assert holiday_name(date(2026, 7, 3), us) is not None  # observed
    assert holiday_name(date(2026, 11, 25), us) is None
    assert holiday_name(date(2026, 11, 26), None) is None
    assert holiday_name(date(2026, 3, 31), {"country": "US", "subdiv": "CA"}) is not None  # Cesar Chavez Day
    assert holiday_name(date(2026, 3, 31), us) is None
    with pytest.raises(ConfigurationError):
        holiday_name(date(2026, 1, 1), {"country": "XX"})
    # Wed 25 Nov 2026 after 07:30: next weekday run skips Thanksgiving (Thu 26) → Fri 27 07:30 EST
    nxt = next_run(datetime(2026, 11, 25, 13, 0), time(7, 30), NY, "weekdays", us)
    assert nxt == datetime(2026, 11, 27, 12, 30)
    # Friday 6 March after 07:30, weekdays: Monday 9 March 07:30 EDT
    assert next_run(datetime(2026, 3, 6, 13, 0), time(7, 30), NY, "weekdays") == datetime(2026, 3, 9, 11, 30)
    # today's digest already went: the next run is tomorrow even before today's time
    assert next_run(datetime(2026, 3, 9, 10, 0), time(7, 30), NY, "daily",
                    after_date=date(2026, 3, 9)) == datetime(2026, 3, 10, 11, 30)


def test_holiday_occurrence_is_flagged() -> None:
    late, occ = due_occurrences(datetime(2026, 11, 26, 12, 30), time(7, 30), NY, "weekdays",
                                timedelta(hours=1), {"country": "US"})
    assert occ.holiday and occ.local_date == date(2026, 11, 26) and not occ.late
    assert late.local_date == date(2026, 11, 25) and late.late and not late.holiday


@pytest.mark.parametrize("text,expected", [("07:30", time(7, 30)), ("7:30", time(7, 30)), ("0730", time(7, 30)),
                                           ("7am", time(7, 0)), ("7:30pm", time(19, 30)), ("12am", time(0, 0)),
                                           ("18.05", time(18, 5))])
def test_parse_local_time(text: str, expected: time) -> None:
    assert parse_local_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "7:75", "soon", "13pm"])
def test_parse_local_time_refuses(text: str) -> None:
    with pytest.raises(UsageError):
        parse_local_time(text)
