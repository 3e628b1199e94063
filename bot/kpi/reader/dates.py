"""Periods as people write them, found inside a question.

``find_periods(text, today)`` returns every period phrase in the normalised question with its
span and a :class:`~bot.kpi.periods.PeriodSpec` (relative and rolling forms stay relative, so the
engine resolves them in the clinic's time zone; named dates become fixed ranges). Semantics follow
``bot.kpi.periods``: ISO weeks (Monday first), calendar months and quarters, rolling windows ending
today. A month or day without a year is its latest occurrence that has begun by ``today``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.kpi.periods import Grain, PeriodSpec, reading_text, unit_bounds
from bot.kpi.reader.reading import Option

MONTHS = {"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
          "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
          "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2, "a couple of": 2, "couple of": 2,
           "fourteen": 14, "thirty": 30, "sixty": 60, "ninety": 90, "eighteen": 18,
           "twenty four": 24, "fifteen": 15, "twenty": 20}
UNITS: dict[str, Grain] = {"d": "day", "day": "day", "days": "day", "w": "week", "wk": "week", "wks": "week",
                           "week": "week", "weeks": "week", "m": "month", "mo": "month", "mos": "month",
                           "month": "month", "months": "month", "q": "quarter", "quarter": "quarter",
                           "quarters": "quarter", "y": "year", "yr": "year", "yrs": "year", "year": "year",
                           "years": "year"}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ORDINAL_Q = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": 4}

_MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_YR = r"(?:20\d\d|19\d\d)"
_DD = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
DAY = (rf"(?:{_YR}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}(?:/(?:{_YR}|\d\d))?|{_MON} {_DD}(?: {_YR})?"
       rf"|{_DD} (?:of )?{_MON}(?: {_YR})?)")
MONTH = rf"(?:{_MON}(?: (?:of )?{_YR})?|{_YR}-(?:0?[1-9]|1[0-2])|(?:0?[1-9]|1[0-2])/{_YR})"
QUARTER = (rf"(?:q[1-4](?: (?:of )?{_YR})?|{_YR}[ -]?q[1-4]|(?:the )?(?:first|second|third|fourth|1st|2nd|3rd|4th) "
           rf"quarter(?: (?:of )?{_YR})?)")
POINT = rf"(?:{DAY}|{QUARTER}|{MONTH}|{_YR})"
_NUM = r"(?:\d{1,3}|a couple of|couple of|couple|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|eighteen|twenty four|twenty|thirty|sixty|ninety)"
_UNIT = r"(?:days?|d|weeks?|wks?|w|months?|mos?|m|quarters?|q|years?|yrs?|y)"


BACKWARDS = "backwards: "  # text of a range written end first, put the right way round


@dataclass(frozen=True)
class Found:
    """A period phrase at ``start:end`` of the normalised text. ``backwards``: a range written end
    first ("from 2026-12-01 to 2026-11-01"); ``spec`` is then the range the right way round, which
    the reader offers instead of answering (it never guesses which end was meant)."""

    start: int
    end: int
    spec: PeriodSpec
    backwards: bool = False
    choices: tuple[PeriodSpec, ...] = ()


def _fixed(start: date, end: date, text: str, grain: Grain | None = None) -> PeriodSpec:
    days = (end - start).days
    g: Grain = grain or ("day" if days <= 14 else "week" if days <= 120 else "month")
    return PeriodSpec(kind="fixed", text=text, start=start, end=end, grain=g)


def _latest_year(month: int, day: int, today: date) -> int:
    return today.year if (month, day) <= (today.month, today.day) else today.year - 1


def point(text: str, today: date) -> tuple[date, date] | None:
    """First and last day of one named point in time (a day, month, quarter or year)."""
    t = text.strip()
    try:
        if m := re.fullmatch(rf"({_YR})-(\d{{1,2}})-(\d{{1,2}})", t):
            d = date(int(m[1]), int(m[2]), int(m[3]))
            return d, d
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?", t):
            mo, dd = int(m[1]), int(m[2])
            y = (int(m[3]) + (2000 if len(m[3]) == 2 else 0)) if m[3] else _latest_year(mo, dd, today)
            d = date(y, mo, dd)
            return d, d
        if m := re.fullmatch(rf"({_MON}) ({_DD})(?: ({_YR}))?", t) or re.fullmatch(
                rf"({_DD}) (?:of )?({_MON})(?: ({_YR}))?", t):
            a, b = (m[1], m[2]) if m[1][0].isalpha() else (m[2], m[1])
            mo, dd = MONTHS[a], int(re.sub(r"\D", "", b))
            y = int(m[3]) if m[3] else _latest_year(mo, dd, today)
            d = date(y, mo, dd)
            return d, d
        if m := re.fullmatch(rf"({_MON})(?: (?:of )?({_YR}))?", t):
            mo = MONTHS[m[1]]
            y = int(m[2]) if m[2] else _latest_year(mo, 1, today)
            return unit_bounds(date(y, mo, 1), "month")
        if m := re.fullmatch(rf"({_YR})-(\d{{1,2}})", t) or re.fullmatch(rf"(\d{{1,2}})/({_YR})", t):
            y, mo = (int(m[1]), int(m[2])) if len(m[1]) == 4 else (int(m[2]), int(m[1]))
            return unit_bounds(date(y, mo, 1), "month")
        if m := re.fullmatch(rf"(?:the )?(first|second|third|fourth|1st|2nd|3rd|4th) quarter(?: (?:of )?({_YR}))?", t) \
                or re.fullmatch(rf"q([1-4])(?: (?:of )?({_YR}))?", t):
            q = ORDINAL_Q.get(m[1]) or int(m[1])
            y = int(m[2]) if m[2] else _latest_year(3 * q - 2, 1, today)
            return unit_bounds(date(y, 3 * q - 2, 1), "quarter")
        if m := re.fullmatch(rf"({_YR})[ -]?q([1-4])", t):
            return unit_bounds(date(int(m[1]), 3 * int(m[2]) - 2, 1), "quarter")
        if re.fullmatch(_YR, t):
            return date(int(t), 1, 1), date(int(t), 12, 31)
    except ValueError:
        return None
    return None


def _grain_of(text: str) -> Grain | None:
    if re.fullmatch(_YR, text.strip()):
        return "month"
    return None


_REL_UNIT = r"(week|wk|month|mo|mth|quarter|qtr|year|yr)"
_REL_NAMES: dict[str, str] = {"wk": "week", "mo": "month", "mth": "month", "qtr": "quarter", "yr": "year"}
_PATTERNS: list[tuple[str, str]] = [
    ("range_days", rf"\b(?:between|from) ({_MON}) ({_DD}) (?:and|to|through|thru|until|till|-) (?:the )?({_DD})\b(?! ?/)(?: ({_YR}))?"),
    ("range_days", rf"\b({_MON}) ({_DD}) ?(?:-|to|through|thru|until|till) ?(?:the )?({_DD})\b(?! ?/)(?: ({_YR}))?"),
    ("range", rf"\b(?:between|from) ({POINT}) (?:and|to|through|thru|until|till|-(?!q)) ({POINT})\b"),
    ("range", rf"\b({POINT}) ?(?:to|through|thru|until|till|-(?!q)|\.\.) ?({POINT})\b"),
    ("since", rf"\b(?:since|from|starting|after) (?:the )?(?:start of |beginning of )?({POINT})\b(?! ?(?:to|through|-|and))"),
    ("week_of", rf"\b(?:the )?week (?:of|starting|beginning) ({DAY})\b"),
    ("to_date", r"\b(ytd|mtd|qtd|year to date|month to date|quarter to date|so far this (year|month|quarter)"
                r"|this (year|month|quarter) so far)\b"),
    ("rolling", rf"\b(?:in |over |during |for )?(?:the )?(?:last|past|previous|prior|trailing|recent) ({_NUM}) ?({_UNIT})\b"),
    ("rolling_past", rf"\b(?:in |over |during |for )?the past {_REL_UNIT}\b"),
    ("relative", rf"\b(this past|this|current|the current|last|previous|prior|the previous|the prior|the last) {_REL_UNIT}\b"),
    ("before_last", rf"\bthe {_REL_UNIT} before last\b"),
    ("named_day", r"\b(today|yesterday|tonight|this morning)\b"),
    ("weekday", r"\b(?:(?:last|this past|the past|previous|past) |on (?:the )?(?:last )?)?(monday|tuesday|wednesday|thursday"
                r"|friday|saturday|sunday)\b(?!s)"),
    ("all", r"\b(all time|all data|ever|since (?:the )?(?:beginning|start)|all history)\b"),
    ("point", rf"\b(?:on |in |for |during |of )?({POINT})\b"),
]
_COMPILED = [(kind, re.compile(p)) for kind, p in _PATTERNS]


def _may_is_month(text: str, start: int, phrase: str) -> bool:
    """"may" is a month only after in/for/during/since/of/last/this/between/from or before a day/year."""
    if not re.match(r"(?:on |in |for |during |of )?may\b", phrase):
        return True
    before = text[:start].split()[-1:] or [""]
    return (before[0] in ("in", "for", "during", "since", "of", "from", "between", "and", "to", "vs", "versus")
            or bool(re.search(r"may \d", phrase)) or phrase.startswith(("in ", "for ", "during ", "of ")))


def find_periods(text: str, today: date) -> list[Found]:
    """Every period phrase in ``text`` (already ``vocab.norm``-alised), non-overlapping, in order."""
    taken: list[tuple[int, int]] = []
    out: list[Found] = []
    for kind, rx in _COMPILED:
        for m in rx.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            if not _may_is_month(text, m.start(), m.group(0)):
                continue
            got = _spec(kind, m, today)
            if got is None:
                continue
            spec, choices = (got[0], tuple(got)) if isinstance(got, list) else (got, ())
            taken.append((m.start(), m.end()))
            out.append(Found(m.start(), m.end(), spec, spec.text.startswith(BACKWARDS), choices))
    return sorted(out, key=lambda f: f.start)


def _in_year(d: date, year: int) -> date:
    """``d`` moved to ``year`` (29 February becomes the 28th)."""
    return d.replace(year=year, day=min(d.day, calendar.monthrange(year, d.month)[1]))


def _yearless_backwards(a: tuple[date, date], b: tuple[date, date], phrase: str) -> list[PeriodSpec]:
    """Both ends of a year-less range whose end comes before its start in the calendar ("from dec 5
    to nov 1", "from november to august"): never rolled into the future; the two past readings are
    offered, the same dates swapped within the year and the year-crossing range ending at the end.
    (When the latest start comes before the latest end, "dec 20 to jan 5" in January, that range is
    read: it lies in the past.)"""
    year = b[0].year  # the latest year in which the end has begun
    swapped = _fixed(b[0], _in_year(a[1], year), BACKWARDS + phrase)
    crossing = _fixed(_in_year(a[0], year - 1), b[1], BACKWARDS + phrase)
    return [swapped, crossing]


def _spec(kind: str, m: re.Match[str], today: date) -> PeriodSpec | list[PeriodSpec] | None:
    phrase = m.group(0).strip()
    if kind == "range_days":
        mo = MONTHS[m[1]]
        d1, d2 = int(re.sub(r"\D", "", m[2])), int(re.sub(r"\D", "", m[3]))
        y = int(m[4]) if m[4] else _latest_year(mo, d1, today)
        try:
            if d2 < d1:
                return _fixed(date(y, mo, d2), date(y, mo, d1), BACKWARDS + phrase)
            return _fixed(date(y, mo, d1), date(y, mo, d2), phrase)
        except ValueError:
            return None
    if kind == "range":
        a, b = point(m[1], today), point(m[2], today)
        if a is None or b is None:
            return None
        start, end = a[0], b[1]
        year_a, year_b = (re.search(rf"\b{_YR}\b", x) is not None for x in (m[1], m[2]))
        if not year_a and not year_b and end < start and (b[1].month, b[1].day) < (a[0].month, a[0].day):
            return _yearless_backwards(a, b, phrase)
        if end < start and not year_a and year_b:  # "from dec to feb 2026": the start the year before
            start = _in_year(a[0], a[0].year - 1)
            if start <= end:
                return _fixed(start, end, phrase)
            start = a[0]
        if end < start and not year_b:
            end = b[1].replace(year=b[1].year + 1) if not (b[1].month == 2 and b[1].day == 29) else b[1]
        if end < start:  # backwards: the span of both ends, the right way round, said so
            return _fixed(min(a[0], b[0]), max(a[1], b[1]), BACKWARDS + phrase)
        return _fixed(start, end, phrase)
    if kind == "since":
        a = point(m[1], today)
        return _fixed(a[0], today, phrase) if a and a[0] <= today else None
    if kind == "week_of":
        a = point(m[1], today)
        if a is None:
            return None
        s, e = unit_bounds(a[0], "week")
        return _fixed(s, e, phrase, "day")
    if kind == "to_date":
        to_date: tuple[Grain, ...] = ("year", "month", "quarter")
        unit: Grain | None = next(u for u in to_date if u in phrase or phrase[0] == u[0])
        return PeriodSpec(kind="relative", text=phrase, unit=unit, to_date=True,
                          grain="month" if unit != "month" else "day")
    if kind == "rolling":
        count = int(m[1]) if m[1].isdigit() else NUMBERS.get(m[1], 0)
        unit = UNITS.get(m[2])
        if unit is None or count < 1 or count > 3660:
            return None
        return PeriodSpec(kind="rolling", text=f"last {count} {unit}s", unit=unit, count=count)
    if kind == "rolling_past":
        past = UNITS[_REL_NAMES.get(m[1], m[1])]
        return PeriodSpec(kind="rolling", text=f"past {past}", unit=past, count=1)
    if kind == "relative":
        this = m[1] in ("this", "current", "the current")
        named = _REL_NAMES.get(m[2], m[2])
        grain = {"week": "day", "month": "week", "quarter": "week", "year": "month"}[named]
        return PeriodSpec(kind="relative", text=f"{'this' if this else 'last'} {named}", unit=named,
                          offset=0 if this else -1, grain=grain)
    if kind == "before_last":
        named = _REL_NAMES.get(m[1], m[1])
        return PeriodSpec(kind="relative", text=f"the {named} before last", unit=named, offset=-2,
                          grain={"week": "day", "month": "week", "quarter": "week", "year": "month"}[named])
    if kind == "named_day":
        offset = -1 if m[1] == "yesterday" else 0
        return PeriodSpec(kind="relative", text=m[1], unit="day", offset=offset, grain="day")
    if kind == "weekday":  # "last friday", "on friday", "friday": the latest such day before today
        wd = WEEKDAYS.index(m[1])
        day = today - timedelta(days=(today.weekday() - wd) % 7 or 7)
        return _fixed(day, day, f"last {m[1]} ({day.isoformat()})", "day")
    if kind == "all":
        return PeriodSpec(kind="all", text="all")
    a = point(m[1], today)
    if a is None:
        return None
    return _fixed(a[0], a[1], m[1], _grain_of(m[1]) or ("day" if a[0] == a[1] else None))


def backwards(found: Found) -> tuple[str, list[Option]]:
    """The question and its one button for a range written end first: the range the right way
    round is offered, never answered unasked."""
    shown, options = [], []
    for spec in found.choices or (found.spec,):
        assert spec.start is not None and spec.end is not None
        span = f"{spec.start.isoformat()}..{spec.end.isoformat()}"
        text = reading_text(spec.start, spec.end)
        shown.append(text if span in text else f"{text} ({span})")
        options.append(Option(span, {"period": spec.model_copy(update={"text": span}).model_dump(mode="json")}))
    return (f"“{found.spec.text.removeprefix(BACKWARDS)}” runs backwards: it ends before it starts. "
            f"Did you mean {' or '.join(shown)}?", options)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def shift_days(day: date, n: int) -> date:
    return day + timedelta(days=n)


def future(spec: PeriodSpec, today: date) -> tuple[str, list[Option]]:
    """The question and its button for a fixed range lying wholly after ``today`` (the KPIs read here
    report what has happened): the same dates in the latest year in which they have begun are offered."""
    assert spec.start is not None and spec.end is not None
    years = spec.start.year - today.year + (1 if (spec.start.month, spec.start.day) > (today.month, today.day) else 0)
    start, end = _in_year(spec.start, spec.start.year - years), _in_year(spec.end, spec.end.year - years)
    span = f"{start.isoformat()}..{end.isoformat()}"
    shown = reading_text(start, end)
    shown = shown if span in shown else f"{shown} ({span})"
    return (f"“{spec.text}” lies wholly in the future, and this KPI reports what has already happened. "
            f"Did you mean {shown}?",
            [Option(span, {"period": spec.model_copy(update={"text": span, "start": start, "end": end}).model_dump(mode="json")})])
