"""Reporting periods: parse what a person types into a :class:`PeriodSpec`, resolve it against
"today" in the clinic's time zone into a :class:`Period` (inclusive local dates).

Accepted forms (case-insensitive): ``all``; ``today``; ``yesterday``; ``this week`` /
``last week`` (ISO weeks, Monday first); ``this month`` / ``last month``; ``this quarter`` /
``last quarter``; ``this year`` / ``last year``; ``ytd`` / ``mtd``; ``last 30d`` /
``last 30 days`` / ``last 12 weeks`` / ``last 3 months`` (rolling windows ending today);
``2016``; ``2016-Q2``; ``2016-05``; ``2016-05-12``; ``2016-04-29..2016-06-08``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, cast

from pydantic import BaseModel

from bot.errors import UsageError
from bot.phi_echo import safe_value

PERIOD_HELP = ("all, today, yesterday, this week, last week, this month, last month, this quarter, "
               "ytd, last 30d, last 12 weeks, last 3 months, 2016, 2016-Q2, 2016-05, 2016-05-12, "
               "2016-04-29..2016-06-08")

DATE_FORMS = ("Write a date as YYYY-MM-DD (2026-10-31), as month/day/year (10/31/2026) or in words "
              "(31 October 2026), with a month from 1 to 12 and a day the month has.")
Grain = Literal["day", "week", "month", "quarter", "year"]


@dataclass(frozen=True)
class Period:
    """Inclusive local-date range; ``start``/``end`` None means unbounded ("all")."""

    start: date | None
    end: date | None
    label: str
    grain: Grain = "month"

    @property
    def is_all(self) -> bool:
        return self.start is None and self.end is None

    def contains(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    @property
    def name(self) -> str:
        """The short label shown wherever the period is named (answer, chart title, fallback
        text): a whole calendar unit by its name (:func:`unit_name`: ``May 2016``, ``week of
        2 May 2016``, ``2016-Q2``) however it was typed (``2016-05``, ``last month``,
        ``2016-05-01..2016-05-31``); ``all data``; otherwise the words it was asked with
        (``last 12 weeks``, ``mtd``)."""
        if self.start is None or self.end is None:
            return "all data"
        return span_name(self.start, self.end) or self.label

    def describe(self) -> str:
        """The period with its dates, where the reading is shown: ``May 2016
        (2016-05-01..2016-05-31)``, ``12 May 2016 (2016-05-12)``, ``2016-04-29..2016-06-08``
        (not a calendar unit), ``all data``."""
        if self.start is None or self.end is None:
            return "all data"
        dates = iso_span(self.start, self.end)
        name = span_name(self.start, self.end)
        return f"{name} ({dates})" if name else dates


class PeriodSpec(BaseModel):
    """A parsed, not yet resolved period. ``kind`` names the form; other fields its parameters."""

    kind: Literal["all", "relative", "rolling", "fixed"]
    text: str
    unit: Grain | None = None  # relative/rolling: day|week|month|quarter|year
    offset: int = 0  # relative: 0 = this, -1 = last
    count: int = 0  # rolling: how many units
    to_date: bool = False  # relative: ytd/mtd stop at today
    start: date | None = None  # fixed
    end: date | None = None  # fixed
    grain: Grain = "month"

    def resolve(self, today: date) -> Period:
        """The concrete local-date range for ``today`` (the clinic's local date)."""
        if self.kind == "all":
            return Period(None, None, "all", "month")
        if self.kind == "fixed":
            assert self.start is not None and self.end is not None
            return Period(self.start, self.end, self.text, self.grain)
        if self.kind == "rolling":
            start = shift_date(today, self.unit or "day", -self.count) + timedelta(days=1)
            return Period(start, today, self.text, _trend_grain(self.unit or "day", self.count))
        start, end = unit_bounds(shift_date(today, self.unit or "month", self.offset), self.unit or "month")
        if self.to_date:
            end = today
        return Period(start, end, self.text, self.grain)


def recent_window(latest: date | None, today: date, days: int = 30) -> tuple[date, date] | None:
    """The window "the latest ``days`` days of a KPI's own data" (None: no data): it ends on its
    latest day with data, or today (clinic-local) when the data runs past it. The one window the
    digest, the scorecard and the KPI list read, so the same KPI at the same moment is one number
    there and in ``/kpi … last 30d`` (which ends today as well)."""
    if latest is None:
        return None
    end = min(latest, today)
    return end - timedelta(days=days - 1), end


def unit_bounds(day: date, unit: Grain) -> tuple[date, date]:
    """First and last day of the ``unit`` (day, ISO week, month, quarter, year) holding ``day``."""
    if unit == "day":
        return day, day
    if unit == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if unit == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if unit == "quarter":
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = date(day.year, first_month, 1)
        end_month = first_month + 2
        return start, date(day.year, end_month, calendar.monthrange(day.year, end_month)[1])
    return date(day.year, 1, 1), date(day.year, 12, 31)


UNITS: tuple[Grain, ...] = ("day", "week", "month", "quarter", "year")


def unit_name(start: date, unit: Grain) -> str:
    """The name of the calendar ``unit`` that begins on ``start``, the one convention for a
    period and a trend point alike: ``12 May 2016``, ``week of 2 May 2016`` (ISO week, Monday
    first), ``May 2016``, ``2016-Q2``, ``2016``."""
    if unit == "day":
        return f"{start.day} {start:%b %Y}"
    if unit == "week":
        return f"week of {start.day} {start:%b %Y}"
    if unit == "month":
        return f"{start:%b %Y}"
    if unit == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def span_name(start: date, end: date) -> str | None:
    """:func:`unit_name` of ``start..end`` when it is exactly one whole calendar unit; else None."""
    for unit in UNITS:
        if unit_bounds(start, unit) == (start, end):
            return unit_name(start, unit)
    return None


def iso_span(start: date, end: date) -> str:
    """``2016-05-01..2016-05-31`` (the command grammar's range); one day as ``2016-05-12``."""
    return start.isoformat() if start == end else f"{start.isoformat()}..{end.isoformat()}"


def span_text(start: date | None, end: date | None) -> str:
    """A span in words: a whole calendar unit by its name (``Nov 2026``), else ``4–17 Nov
    2026``, ``8 Sep – 21 Oct 2026``; ``all data`` when unbounded."""
    if start is None or end is None:
        return "all data"
    if name := span_name(start, end):
        return name
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def reading_text(start: date | None, end: date | None) -> str:
    """The period as the "Read as" line shows it: ``May 2016 (2016-05-01..2016-05-31)`` for a
    whole calendar unit, else :func:`span_text` (``8 Sep – 21 Oct 2026``, ``all data``)."""
    if start is None or end is None:
        return "all data"
    name = span_name(start, end)
    return f"{name} ({iso_span(start, end)})" if name else span_text(start, end)


def shift_date(day: date, unit: Grain, n: int) -> date:
    """``day`` moved by ``n`` units; month-like shifts clamp to the month's last day."""
    if unit == "day":
        return day + timedelta(days=n)
    if unit == "week":
        return day + timedelta(weeks=n)
    months = {"month": 1, "quarter": 3, "year": 12}[unit] * n
    y, m = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


def shift_period(period: Period, unit: str | None = None) -> Period:
    """The comparison period for "vs last …".

    ``unit`` week/month/quarter/year moves both ends back by one such unit (a whole calendar
    month stays a whole month); ``None``/"period" takes the same number of days just before.
    Raises UsageError for "all" (nothing comes before all data).
    """
    if period.start is None or period.end is None:
        raise UsageError("There is no earlier period to compare with “all”. Name a period, e.g. `this month`.")
    if unit in ("month", "quarter", "year"):
        grain = cast(Grain, unit)
        start = shift_date(period.start, grain, -1)
        end = shift_date(period.end, grain, -1)
        if unit_bounds(period.start, grain)[0] == period.start and unit_bounds(period.end, grain)[1] == period.end:
            end = unit_bounds(end, grain)[1]  # 31 March -> 28/29 February stays a whole month
        return Period(start, end, f"previous {unit}", period.grain)
    if unit == "week":
        return Period(period.start - timedelta(days=7), period.end - timedelta(days=7), "previous week", period.grain)
    whole: tuple[Grain, ...] = ("month", "quarter", "year")
    for u in whole:
        if unit_bounds(period.start, u) == (period.start, period.end):
            return shift_period(period, u)
    length = (period.end - period.start).days + 1
    return Period(period.start - timedelta(days=length), period.start - timedelta(days=1),
                  "previous period", period.grain)


MAX_ROLLING_YEARS = 100  # a longer window reaches back before any clinic's data (and years before 1 do not exist)
_UNIT_DAYS: dict[Grain, int] = {"day": 1, "week": 7, "month": 31, "quarter": 92, "year": 366}


def count_problem(phrase: str, count: int, unit: Grain) -> str | None:
    """Why ``count`` ``unit``\\s ending today cannot be a period (``phrase``: the words as typed,
    repeated only when :func:`said` allows), else None: a count below 1 (refused, never read as
    another count or as all data), or a window longer than :data:`MAX_ROLLING_YEARS` years."""
    if count < 1:
        return (f"{said(phrase, 'That count')} is no period: a period needs a count of 1 or more {unit}s "
                f"(e.g. “last 30 days”). For every day with data, say “all data”.")
    if count * _UNIT_DAYS[unit] > MAX_ROLLING_YEARS * 366:
        return (f"{said(phrase, 'That window')} reaches back more than {MAX_ROLLING_YEARS} years, before any data. "
                f"Give a shorter window (e.g. “last 12 months”) or say “all data”.")
    return None


def said(typed: str, otherwise: str) -> str:
    """``typed`` (a user's date or count) in quotes where :func:`bot.phi_echo.safe_value` lets it be
    repeated, else ``otherwise`` (a long digit run may be a record number, whatever words surround it)."""
    return f"“{typed}”" if safe_value(typed) is not None else otherwise


def comparison_problem(period: Period, other: Period, today: date) -> str | None:
    """Why ``period`` compared with ``other`` would say nothing, else None: one of them is all data
    (it holds the other), or both cover the same days once capped at ``today`` (KPIs report what has
    happened). Said instead of a "+0.00" computed from the same records twice."""
    example = "Name two different periods, e.g. `this month vs last month`."
    if period.is_all or other.is_all:
        part = other if period.is_all else period
        return (f"“all data” already holds {part.describe()}, so the comparison would set the data against "
                f"part of itself. {example}")
    ends = (min(period.end, today) if period.end else today, min(other.end, today) if other.end else today)
    if period.start == other.start and ends[0] == ends[1]:
        upto = " up to today" if period.end != other.end else ""
        return f"Both periods are {period.describe()}{upto}: there is nothing to compare. {example}"
    return None


def _trend_grain(unit: Grain, count: int) -> Grain:
    days = {"day": 1, "week": 7, "month": 30, "quarter": 91, "year": 365}[unit] * count
    return "day" if days <= 14 else "week" if days <= 120 else "month"


_UNITS: dict[str, Grain] = {
    "d": "day", "day": "day", "days": "day", "w": "week", "wk": "week", "wks": "week",
    "week": "week", "weeks": "week", "m": "month", "mo": "month", "month": "month",
    "months": "month", "q": "quarter", "quarter": "quarter", "quarters": "quarter",
    "y": "year", "yr": "year", "year": "year", "years": "year"}
_ROLLING = re.compile(r"^(?:last|past|trailing)\s*([-−]?\s?\d+)\s*([a-z]+)$")
_RELATIVE = re.compile(r"^(this|last|previous|current)\s+(day|week|month|quarter|year)$")
_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NAMED = {"today": ("day", 0), "yesterday": ("day", -1)}


def parse_period(text: str) -> PeriodSpec:
    """Parse a period phrase (see module doc). Empty text means ``all``.

    Raises:
        UsageError: the phrase is not a period; the message lists the accepted forms.
    """
    raw = " ".join(text.strip().lower().split())
    if raw in ("", "all", "all time", "everything"):
        return PeriodSpec(kind="all", text="all")
    if raw in _NAMED:
        unit, offset = _NAMED[raw]
        return PeriodSpec(kind="relative", text=raw, unit=unit, offset=offset, grain="day")
    if raw in ("ytd", "year to date", "mtd", "month to date", "qtd"):
        unit = {"y": "year", "m": "month", "q": "quarter"}[raw[0]]
        return PeriodSpec(kind="relative", text=raw, unit=unit, to_date=True,
                          grain="month" if unit != "month" else "day")
    if m := _RELATIVE.match(raw):
        unit = m.group(2)
        offset = 0 if m.group(1) in ("this", "current") else -1
        grain = {"day": "day", "week": "day", "month": "week", "quarter": "week", "year": "month"}[unit]
        return PeriodSpec(kind="relative", text=raw, unit=unit, offset=offset, grain=grain)
    if m := _ROLLING.match(raw):
        rolling = _UNITS.get(m.group(2))
        count = int(re.sub(r"\D", "", m.group(1))) * (-1 if m.group(1)[0] in "-−" else 1)
        if rolling is None:
            raise _bad(text)
        if why := count_problem(text.strip(), count, rolling):
            raise UsageError(why)
        return PeriodSpec(kind="rolling", text=raw, unit=rolling, count=count)
    if ".." in raw:
        left, _, right = raw.partition("..")
        start = _fixed(left.strip(), left)[0]
        end = _fixed(right.strip(), right)[1]
        if end < start:
            raise UsageError(f"The period `{text}` ends before it starts.")
        days = (end - start).days
        grain = "day" if days <= 14 else "week" if days <= 120 else "month"
        return PeriodSpec(kind="fixed", text=raw, start=start, end=end, grain=grain)
    start, end, grain = _fixed(raw, text)
    return PeriodSpec(kind="fixed", text=raw, start=start, end=end, grain=grain)


def _fixed(raw: str, original: str) -> tuple[date, date, Grain]:
    try:
        if m := _DAY.match(raw):
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return day, day, "day"
        if m := _MONTH.match(raw):
            s, e = unit_bounds(date(int(m.group(1)), int(m.group(2)), 1), "month")
            return s, e, "week"
        if m := _QUARTER.match(raw):
            s, e = unit_bounds(date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1), "quarter")
            return s, e, "week"
        if m := _YEAR.match(raw):
            s, e = unit_bounds(date(int(m.group(1)), 1, 1), "year")
            return s, e, "month"
    except ValueError:
        raise UsageError(f"{said(original.strip(), 'That')} is not a date. {DATE_FORMS}") from None
    raise _bad(original)


def _bad(text: str) -> UsageError:
    return UsageError(f"I can't read the period `{text}`. Try one of: {PERIOD_HELP}.")


def looks_like_period_start(token: str) -> bool:
    """True when ``token`` can begin a period phrase (used by the command grammar)."""
    t = token.lower()
    return (t in ("all", "today", "yesterday", "ytd", "mtd", "qtd", "this", "last", "past",
                  "trailing", "previous", "current")
            or bool(re.match(r"^\d{4}($|-)", t)))
