"""Plural weekdays in a KPI question ("no-shows on fridays last month", "mondays in May", "every
friday"): those weekdays within the period.

The KPI engine computes every KPI over one contiguous date range (:class:`bot.kpi.periods.Period`);
no KPI's grain filters by weekday. So the words are never dropped: the reader asks back, saying so
and offering what it can answer, the whole period and the latest such weekday in it, one day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.kpi.periods import PeriodSpec, reading_text
from bot.kpi.reader.dates import WEEKDAYS
from bot.kpi.reader.reading import Option

_DAYS = "|".join(WEEKDAYS)
PLURAL = re.compile(rf"\b(?:on |for )?(?:the )?(?:(?:every|each|all(?: the)?) ({_DAYS})s?|({_DAYS})s)\b")


@dataclass(frozen=True)
class Weekdays:
    """``weekday`` (0 = Monday) named in the plural at ``start:end`` of the normalised question."""

    start: int
    end: int
    weekday: int


def find_weekdays(text: str) -> list[Weekdays]:
    """Every plural weekday phrase in ``text`` (normalised), in order."""
    return [Weekdays(m.start(), m.end(), WEEKDAYS.index(m[1] or m[2])) for m in PLURAL.finditer(text)]


def weekdays_ask(found: list[Weekdays], kpi: str, period: PeriodSpec, today: date) -> tuple[str, list[Option]]:
    """The question and buttons for the plural weekdays ``found`` (every one named: "mondays and
    fridays" offers both) with ``kpi`` (its name) over ``period``: the whole period, and for each
    weekday the latest such day within it before ``today`` (when there is one)."""
    weekdays = list(dict.fromkeys(f.weekday for f in found))[:4]  # 1 + 4 buttons: Slack's 5 per row here
    names = " and ".join(", ".join(f"{WEEKDAYS[w].capitalize()}s" for w in weekdays).rsplit(", ", 1))
    whole = period.resolve(today)
    shown = reading_text(whole.start, whole.end)
    options = [Option(f"All days, {shown}" if whole.start else "All days, all data",
                      {"period": period.model_dump(mode="json")})]
    last = (whole.end or today) if (whole.end or today) < today else today - timedelta(days=1)
    ones = []
    for weekday in weekdays:
        day = last - timedelta(days=(last.weekday() - weekday) % 7)
        if whole.start is None or day >= whole.start:
            spec = PeriodSpec(kind="fixed", text=f"{day:%A} {day.isoformat()}", start=day, end=day, grain="day")
            options.append(Option(f"{day:%a} {day.isoformat()} only", {"period": spec.model_dump(mode="json")}))
            ones.append(f"one {day:%A}, {day:%a} {day.isoformat()}")
    one = f", or for {' or '.join(ones)}" if ones else ""
    return (f"I can't count {names} alone: “{kpi}” is computed over whole date ranges, not filtered by weekday. "
            f"I can answer it for {shown} as a whole{one}.", options)
