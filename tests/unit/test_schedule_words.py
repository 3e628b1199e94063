"""Schedules in words (issue 17): the expected wording is read off each schedule's definition
(an alert schedule of hour 7, minute 0, every day, in America/Denver is "daily at 07:00
America/Denver"), never off the function's output."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.alerts.config import Schedule
from jobs.runner import _idle
from jobs.schedule_words import every, schedule_in_words


def _cron(schedule: Schedule, zone: str) -> CronTrigger:
    # built as jobs.scheduler.schedule_clinics builds a clinic's alerts trigger
    return CronTrigger(hour=schedule.hour, minute=schedule.minute, day_of_week=schedule.day_of_week,
                       timezone=ZoneInfo(zone))


@pytest.mark.parametrize("schedule,zone,words", [
    (Schedule(), "America/Denver", "daily at 07:00 America/Denver"),  # the default: 7, 0, "*"
    (Schedule(hour=6, minute=30, day_of_week="mon-fri"), "UTC", "weekdays at 06:30 UTC"),
    (Schedule(hour="18", minute="5", day_of_week="sat,sun"), "Europe/London", "weekends at 18:05 Europe/London"),
    (Schedule(hour="7,13", minute=0), "America/New_York", "daily at 07:00 and 13:00 America/New_York"),
    (Schedule(hour=9, minute=15, day_of_week="mon,wed"), "UTC", "on Mon, Wed at 09:15 UTC"),
])
def test_a_clinic_schedule_in_words(schedule: Schedule, zone: str, words: str) -> None:
    assert schedule_in_words(_cron(schedule, zone)) == words


@pytest.mark.parametrize("interval,words", [
    (timedelta(seconds=30), "every 30 s"),   # the delivery sweep's default
    (timedelta(minutes=30), "every 30 min"),
    (timedelta(minutes=5), "every 5 min"),
    (timedelta(seconds=90), "every 90 s"),
    (timedelta(hours=1), "every hour"),
    (timedelta(hours=6), "every 6 h"),
    (timedelta(days=1), "every day"),
    (timedelta(days=2), "every 2 days"),
])
def test_an_interval_in_words(interval: timedelta, words: str) -> None:
    assert every(interval) == words
    assert schedule_in_words(IntervalTrigger(seconds=int(interval.total_seconds()))) == words


def test_a_schedule_without_wording_keeps_the_trigger_text() -> None:
    monthly = CronTrigger(day=1, hour=7, minute=0, timezone=ZoneInfo("UTC"))  # the 1st of each month
    assert schedule_in_words(monthly) == str(monthly)
    every_other_hour = CronTrigger(hour="*/2", minute=0, timezone=ZoneInfo("UTC"))
    assert schedule_in_words(every_other_hour) == str(every_other_hour)


@pytest.mark.parametrize("summary,idle", [
    ({"delivery": {"sent": 0, "failed": 0, "dead": 0}}, True),  # an empty delivery sweep
    ({"delivery": {"sent": 1, "failed": 0}}, False),
    ({"clinics": 0, "findings": {}, "queued": 0}, True),
    ({"clinics": 2, "findings": {}, "queued": 0}, False),
    ({"delivery": "not sent now (no Slack client configured)"}, False),
    ({}, True),
])
def test_a_run_that_did_nothing_is_idle(summary: dict[str, object], idle: bool) -> None:
    assert _idle(summary) is idle
