"""Quiet hours across midnight and daylight saving, snooze ends, month roll-forward."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.alerts.actions import add_months, snooze_until
from bot.alerts.config import QuietHours
from bot.alerts.targets import Target
from bot.errors import UsageError

NY = "America/New_York"


def _target(quiet: QuietHours | None) -> Target:
    return Target("north", "North", "C1", "U1", NY, quiet)


def test_quiet_hours_wrapping_midnight_release_at_local_end() -> None:
    t = _target(QuietHours(start=time(20), end=time(7)))
    # 2026-03-02 23:30 New York (EST, UTC−5) = 2026-03-03 04:30 UTC → wait until 07:00 EST = 12:00 UTC
    assert t.not_before(datetime(2026, 3, 3, 4, 30)) == datetime(2026, 3, 3, 12, 0)
    # 06:00 local on the same morning → 07:00 local
    assert t.not_before(datetime(2026, 3, 3, 11, 0)) == datetime(2026, 3, 3, 12, 0)
    assert t.not_before(datetime(2026, 3, 3, 12, 0)) is None  # 07:00 is outside [20:00, 07:00)


def test_quiet_hours_follow_daylight_saving() -> None:
    t = _target(QuietHours(start=time(20), end=time(7)))
    # DST starts 2026-03-08 in New York: 07:00 EDT = 11:00 UTC (not 12:00)
    assert t.not_before(datetime(2026, 3, 8, 9, 0)) == datetime(2026, 3, 8, 11, 0)


def test_no_quiet_hours_sends_now() -> None:
    assert _target(None).not_before(datetime(2026, 3, 3, 4, 30)) is None


def test_snooze_choices() -> None:
    now = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo(NY))
    assert snooze_until("1d", None, now) == datetime(2026, 3, 3, 9, 30, tzinfo=ZoneInfo(NY))
    assert snooze_until("1w", None, now).date() == date(2026, 3, 9)
    assert snooze_until("date", date(2026, 3, 20), now) == datetime(2026, 3, 20, tzinfo=ZoneInfo(NY))
    with pytest.raises(UsageError, match="after today"):
        snooze_until("date", date(2026, 3, 2), now)
    with pytest.raises(UsageError, match="Pick the date"):
        snooze_until("date", None, now)


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2026, 11, 15), 3, date(2027, 2, 15)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)), (date(2026, 6, 30), 12, date(2027, 6, 30)),
])
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected
