"""When a digest is due: a clinic-local wall-clock time on run days, read in an IANA zone.

Daylight saving (Python ``zoneinfo``, PEP 495): the local time is turned into an instant on each
local date separately, so 07:30 stays 07:30 local on both sides of a change. A local time that
does not exist on the spring-forward day (02:30 in New York on 2026-03-08) is read with the
offset in force before the change, i.e. it happens one hour later by the new clock (03:30 EDT);
one that occurs twice on the fall-back day (01:30 on 2026-11-01) takes its first occurrence
(``fold=0``). Either way there is exactly one instant per local date, and the digest is keyed by
that local date, so it is posted once.

Misfire: a run found due up to ``misfire`` late still goes; later than that it is "missed"
(recorded and logged once, never posted hours late).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import holidays as holidays_lib

from bot.errors import ConfigurationError, UsageError

Days = Literal["weekdays", "daily"]


def parse_local_time(text: str) -> time:
    """``"07:30"``, ``"7:30"``, ``"0730"``, ``"7am"``, ``"7:30pm"`` → a wall-clock time.

    Raises:
        UsageError: not a time of day.
    """
    raw = text.strip().lower().replace(".", ":")
    suffix = raw[-2:] if raw.endswith(("am", "pm")) else ""
    body = raw[: -2].strip() if suffix else raw
    if ":" in body:
        h, _, m = body.partition(":")
    elif len(body) in (3, 4) and body.isdigit():
        h, m = body[:-2], body[-2:]
    else:
        h, m = body, "0"
    try:
        hour, minute = int(h), int(m)
    except ValueError:
        raise UsageError(f"`{text}` is not a time of day; write it like `07:30`.") from None
    if suffix:
        if not 1 <= hour <= 12:
            raise UsageError(f"`{text}` is not a time of day; write it like `07:30`.")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise UsageError(f"`{text}` is not a time of day; write it like `07:30`.")
    return time(hour, minute)


def local_instant(day: date, at: time, tz: str) -> datetime:
    """The naive-UTC instant of wall-clock ``at`` on local ``day`` in ``tz`` (see module doc for
    the non-existent and repeated hours)."""
    local = datetime.combine(day, at, tzinfo=ZoneInfo(tz))  # fold=0
    return local.astimezone(UTC).replace(tzinfo=None)


def local_date(now: datetime, tz: str) -> date:
    """The local calendar date in ``tz`` of the naive-UTC instant ``now``."""
    return now.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).date()


@lru_cache(maxsize=64)
def _calendar(country: str, subdiv: str | None, year: int) -> holidays_lib.HolidayBase:
    try:
        return holidays_lib.country_holidays(country, subdiv=subdiv, years=year)
    except NotImplementedError as exc:
        raise ConfigurationError(f"holidays: {exc}") from None


def holiday_name(day: date, conf: dict[str, str] | None) -> str | None:
    """The public holiday on ``day`` for ``conf`` (``{country: US, subdiv: CA}``), or None.

    Raises:
        ConfigurationError: unknown country or subdivision.
    """
    if not conf or not conf.get("country"):
        return None
    cal = _calendar(conf["country"], conf.get("subdiv"), day.year)
    return cal.get(day)


def is_run_day(day: date, days: str) -> bool:
    """``weekdays``: Monday–Friday; ``daily``: every day."""
    return days == "daily" or day.weekday() < 5


@dataclass(frozen=True)
class Due:
    """A digest's occurrence: its local date, the scheduled instant (naive UTC), and whether
    it is to be sent (``late`` False) or recorded as missed (``late`` True)."""

    local_date: date
    scheduled_at: datetime
    late: bool
    holiday: str | None = None


def due_occurrences(now: datetime, at: time, tz: str, days: str, misfire: timedelta,
                    holiday_conf: dict[str, str] | None = None) -> list[Due]:
    """Occurrences whose time has come at ``now`` (naive UTC): today's and yesterday's local
    dates (a late-evening time may be found just after midnight), oldest first. Occurrences on
    non-run days are left out; holidays are returned with ``holiday`` set (the caller skips them)."""
    today = local_date(now, tz)
    out = []
    for day in (today - timedelta(days=1), today):
        if not is_run_day(day, days):
            continue
        instant = local_instant(day, at, tz)
        if instant > now:
            continue
        out.append(Due(day, instant, now - instant > misfire, holiday_name(day, holiday_conf)))
    return out


def next_run(now: datetime, at: time, tz: str, days: str, holiday_conf: dict[str, str] | None = None,
             *, after_date: date | None = None, horizon_days: int = 30) -> datetime | None:
    """The next scheduled instant (naive UTC) strictly after ``now`` on a run day that is not a
    holiday (and, when given, on a local date after ``after_date``: today's digest already went)."""
    day = local_date(now, tz) - timedelta(days=1)
    for _ in range(horizon_days + 2):
        if is_run_day(day, days) and not holiday_name(day, holiday_conf) and (
                after_date is None or day > after_date):
            instant = local_instant(day, at, tz)
            if instant > now:
                return instant
        day += timedelta(days=1)
    return None


def format_local(instant: datetime, tz: str) -> str:
    """``"Mon 9 Mar 07:30 EDT"`` for a naive-UTC instant, in ``tz``."""
    local = instant.replace(tzinfo=UTC).astimezone(ZoneInfo(tz))
    return f"{local:%a} {local.day} {local:%b %H:%M %Z}"
