"""A job's schedule in words, for ``opsbot jobs list`` (issue 17): "daily at 07:00 America/Denver",
"weekdays at 06:30 UTC", "every 30 min" instead of APScheduler's ``cron[hour='7', minute='0']`` and
``interval[0:30:00]``. Reads the trigger's public attributes (``fields``, ``timezone``,
``interval``); a schedule with no wording here falls back to the trigger's own text."""

from __future__ import annotations

from datetime import timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

_DAYS = {"*": "daily", "mon-fri": "weekdays", "sat,sun": "weekends", "sat-sun": "weekends"}
_UNITS = ((86_400, "day", "days"), (3_600, "hour", "h"), (60, "min", "min"), (1, "s", "s"))


def schedule_in_words(trigger: BaseTrigger) -> str:
    """The trigger's schedule in words; its ``str()`` when it is not a plain daily/weekly time or interval."""
    if isinstance(trigger, IntervalTrigger):
        return every(trigger.interval)
    if isinstance(trigger, CronTrigger):
        return _cron_words(trigger) or str(trigger)
    return str(trigger)


def every(interval: timedelta) -> str:
    """``every 30 s``, ``every 5 min``, ``every hour``, ``every 6 h``, ``every day``, ``every 2 days``."""
    seconds = int(interval.total_seconds())
    for size, one, many in _UNITS:
        if seconds >= size and seconds % size == 0:
            n = seconds // size
            if n == 1 and size >= 3_600:
                return f"every {one}"
            return f"every {n} {many}"
    return f"every {interval}"  # under a second


def _cron_words(trigger: CronTrigger) -> str | None:
    fields = {f.name: str(f) for f in trigger.fields}
    if any(fields[name] != "*" for name in ("year", "month", "day", "week")) or fields["second"] != "0":
        return None
    hours, minute = fields["hour"].split(","), fields["minute"]
    if not minute.isdigit() or not all(h.isdigit() for h in hours):
        return None
    days = fields["day_of_week"]
    when = _DAYS.get(days) or "on " + ", ".join(d.capitalize() for d in days.split(","))
    times = " and ".join(f"{int(h):02d}:{int(minute):02d}" for h in hours)
    return f"{when} at {times} {trigger.timezone}"
