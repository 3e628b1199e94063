"""Dates and day counts that cannot be read as written, said so before anything else reads the
question (a date or count left unexplained would otherwise be a long number, read as a record
number, or be dropped, and the period silently changed).

``malformed(text)`` returns the message for the first such phrase, or None:

* a date whose month or day the calendar does not have (``2026-10-32``, ``2026-13-45``,
  ``2/30/2026``, ``February 30``, ``32 October 2026``): "2026-10-32 is not a date", with the forms
  the reader takes;
* a quarter other than Q1-Q4 (``2026-Q5``);
* a date-shaped number outside the years the reader reads (``3026-10-01``);
* a count of days, weeks, months, quarters or years that is zero or negative (``last 0 days``,
  ``last -5 days``, ``in -3 days``), or longer than a rolling window may be: never read as another
  count or as all data.

``begins_period(text, today)``: whether a period phrase, readable or not, begins ``text`` (where a
name typed before it ends: "clinic seaside feb 28 2026").

``loose_count(masked)`` asks back for a count no period explained ("no-show rate 3 weeks", "over
30 days"): the window ending today is offered, never answered unasked (nor dropped for all data).

Month lengths are the Gregorian calendar's (:func:`calendar.monthrange`). Pure; never raises.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from bot.kpi.periods import DATE_FORMS, PeriodSpec, count_problem, said
from bot.kpi.reader.dates import MONTHS, UNITS, find_periods
from bot.kpi.reader.reading import Option
from bot.kpi.reader.vocab import norm_question

_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
# a date as people write it: ISO (any 4-digit year), month/day[/year], month-name day, day month-name
_ISO = re.compile(r"(?<![\w])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w])")
_ISO_MONTH = re.compile(r"(?<![\w-])(\d{4})-(\d{1,2})(?![\w-])")
_SLASH = re.compile(r"(?<![\w/])(\d{1,2})/(\d{1,2})/(\d{1,4})(?![\w/])")
# month/day without a year only after a word that starts or ends a date ("on 2/30"; "24/7" stays a phrase)
_SLASH_CUED = re.compile(r"\b(?:on|from|to|since|until|till|through|thru|between|and|before|after)\s+(\d{1,2})/(\d{1,2})(?![\w/])",
                         re.IGNORECASE)
_QUARTER = re.compile(r"(?<![\w-])\d{4}[ -]?q(\d+)\b|\bq(\d+)(?: (?:of )?\d{4})?\b", re.IGNORECASE)
_WORDS = re.compile(rf"\b({_MON})\.? (\d{{1,2}})(?:st|nd|rd|th)?\b(?!:)(?:,? (\d{{4}}))?"
                    rf"|\b(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({_MON})\b(?:,? (\d{{4}}))?", re.IGNORECASE)
_COUNT = re.compile(r"\b(?:last|past|previous|prior|trailing|next|coming|in|over|for)\s+(?:the\s+)?"
                    r"(zero|[-−–]\s?\d+|\d+)\s?(days?|d|weeks?|wks?|w|months?|mos?|m|quarters?|q|years?|yrs?|y)\b",
                    re.IGNORECASE)
_LOOSE = re.compile(r"(?<![\w\x00/.-])(-?\d+) ?(days?|weeks?|months?|quarters?|years?)\b")
YEARS = (1900, 2099)  # the years a period may name (bot.kpi.reader.dates reads 19xx and 20xx)


def malformed(text: str) -> str | None:
    """The message for the first unreadable date or count in ``text`` (as typed), else None."""
    for m in _ISO.finditer(text):
        if why := _not_a_date(m.group(0), int(m[1]), int(m[2]), int(m[3])):
            return why
    for m in _ISO_MONTH.finditer(text):
        if why := _not_a_date(m.group(0), int(m[1]), int(m[2]), 1):
            return why
    for m in _SLASH.finditer(text):
        year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        if why := _not_a_date(m.group(0), year, int(m[1]), int(m[2])):
            return why
    for m in _SLASH_CUED.finditer(text):
        if why := _not_a_date(m.group(0).split()[-1], 2000, int(m[1]), int(m[2])):
            return why  # no year: 2000 is a leap year, so "2/29" passes
    for m in _QUARTER.finditer(text):
        if not 1 <= int(m[1] or m[2]) <= 4:
            return f"{said(m.group(0), 'That')} is not a quarter: quarters run from Q1 to Q4 (e.g. 2026-Q3)."
    for m in _WORDS.finditer(text):
        month, day, written = (m[1], m[2], m[3]) if m[1] else (m[5], m[4], m[6])
        if why := _not_a_date(m.group(0), int(written) if written else 2000, MONTHS[month.lower()], int(day)):
            return why  # no year: 2000 is a leap year, so "February 29" passes
    for m in _COUNT.finditer(text):
        count = 0 if m[1].lower() == "zero" else int(re.sub(r"\D", "", m[1])) * (-1 if re.match(r"\D", m[1]) else 1)
        if why := count_problem(m.group(0), count, UNITS[m[2].lower()]):
            return why
    return None


def begins_period(text: str, today: date) -> bool:
    """Whether ``text`` (as typed) begins with a period phrase the reader reads
    (:func:`bot.kpi.reader.dates.find_periods`: ISO, month/day/year, words, "yesterday" …) or with
    a date the calendar does not have (said by :func:`malformed`: "feb 29 2027", "11/31/2026")."""
    if any(f.start == 0 for f in find_periods(norm_question(text).strip(), today)):
        return True
    typed = text.strip()
    return any((m := rx.match(typed)) is not None and malformed(m.group(0)) is not None
               for rx in (_ISO, _ISO_MONTH, _SLASH, _WORDS))


def _not_a_date(shown: str, year: int, month: int, day: int) -> str | None:
    if not 1 <= month <= 12:
        return f"{said(shown, 'That')} is not a date: there is no month {month}. {DATE_FORMS}"
    if not 1 <= day <= calendar.monthrange(min(max(year, 1), 9999), month)[1]:
        return f"{said(shown, 'That')} is not a date: {calendar.month_name[month]} has no day {day}" + (
            f" in {year}. " if month == 2 and day == 29 else ". ") + DATE_FORMS
    if not YEARS[0] <= year <= YEARS[1]:
        return f"{said(shown, 'That date')} is outside the years I read ({YEARS[0]}–{YEARS[1]}). {DATE_FORMS}"
    return None


def loose_count(masked: str) -> tuple[str, list[Option]] | None:
    """The question and its button for a count of days…years left in ``masked`` (the normalised
    question with its periods masked), or None."""
    m = _LOOSE.search(masked)
    if m is None:
        return None
    count, unit = int(m[1]), UNITS[m[2]]
    if why := count_problem(m.group(0), count, unit):
        return why, []
    spec = PeriodSpec(kind="rolling", text=f"last {count} {unit}s", unit=unit, count=count)
    return (f"I didn't read {said(m.group(0), 'a count')} as a period. Did you mean the last {count} {unit}s (ending today)?",
            [Option(spec.text, {"period": spec.model_dump(mode="json")})])
