"""History coverage of KPIs that average per day over a window (days of supply, reorder point,
days in A/R, inventory turns): the divisor is the days the data covers inside the window — from
the feed's first record in scope — never the window's nominal length, and an answer on fewer
days than the window says so. Below the KPI's ``min_history_days`` (its catalogue record) the
answer is "not enough history" instead of a number.

A window's days before the first record are not zero-usage or zero-revenue days: counting them
(30 days of usage ÷ 91) understates the daily average and overstates days of supply about
threefold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from statistics import median

from bot.kpi.base import Measure
from bot.kpi.catalogue import BY_ID

CADENCE_DAYS = 10  # the first distinct record days the feed's cadence is read from
SHORT_HISTORY = "short_history_days"  # Measure.extra key: the covered days of a "not enough history" answer


def data_start(record_days: Iterable[date]) -> date | None:
    """Where a feed's data starts, from its first record days: the first day, less the feed's own
    cadence (the median gap between its first :data:`CADENCE_DAYS` distinct days) plus one. A
    ledger posted monthly on the 15th (kpis.md's days-in-A/R example: 15 Jan, 15 Feb, 15 Mar)
    covers January from the 1st — its January was not missing, it was posted in one entry — while
    a ledger posted daily from the 20th starts on the 20th. One record day: that day."""
    days = sorted(set(record_days))[:CADENCE_DAYS]
    if not days:
        return None
    if len(days) == 1:
        return days[0]
    gap = median((b - a).days for a, b in zip(days, days[1:], strict=False))
    return days[0] - timedelta(days=max(0, round(gap) - 1))


def covered_days(first_record: date | None, start: date, end: date) -> int:
    """Days of ``start..end`` on or after ``first_record`` (0 when the data starts after ``end``
    or there is none)."""
    if first_record is None or first_record > end:
        return 0
    return (end - max(start, first_record)).days + 1


def minimum_days(kpi_id: str, window: int) -> int:
    """The fewest covered days a value needs: the KPI's ``min_history_days``, or the whole
    window when the window is shorter (a weekly trend point needs its week)."""
    return min(BY_ID[kpi_id].min_history_days, window)


def short_note(covered: int, window: int, noun: str) -> str:
    """``"; based on 30 days of usage — less than the 91-day window"`` ("" when fully covered)."""
    return "" if covered >= window else f"; based on {covered} days of {noun} — less than the {window}-day window"


def not_enough(kpi_id: str, covered: int, window: int, noun: str, first_record: date | None,
               span: tuple[date, date] | None = None) -> Measure:
    """The "not enough history" answer: no value, and why (``extra['why']``, shown by the view).
    ``span``: the window's first and last day, named so a reader sees why data after it (or
    before it) does not count."""
    since = f"{noun} data starts {first_record:%Y-%m-%d}: " if first_record else ""
    dates = f" ({span[0]:%Y-%m-%d}..{span[1]:%Y-%m-%d})" if span else ""
    return Measure(value=None, extra={SHORT_HISTORY: covered, "why": (
        f"not enough history: {since}{covered} days of the {window}-day window{dates} are covered; "
        f"{BY_ID[kpi_id].name} needs at least {minimum_days(kpi_id, window)} days "
        f"(see `/kpi define {kpi_id}`)")})


_NOTE = re.compile(r"based on \d+ days of [^;)]+? — less than the \d+-day window")


def coverage_of(measure: Measure) -> str:
    """The :func:`short_note` a measure's basis carries ("" when fully covered): the stored
    answers (``kpi_measure_daily``) keep only the basis sentence, so the note is read back from it."""
    found = _NOTE.search(str(measure.extra.get("basis", "")))
    return found.group(0) if found else ""


def short_history(measure: Measure) -> int | None:
    """The covered days of a :func:`not_enough` answer (None: a value, or no data at all) — so a
    list (by clinic, the scorecard) says "not enough history" where it would otherwise say
    "no data" or leave the row out."""
    days = measure.extra.get(SHORT_HISTORY)
    return days if isinstance(days, int) else None


def short_history_text(days: int) -> str:
    """``"not enough history (12 days of data)"``: a row's text in a list in place of a value."""
    return f"not enough history ({days} day{'s' if days != 1 else ''} of data)"


def pooled_daily(parts: Iterable[tuple[float, int]]) -> float:
    """A network's average per day from its clinics' ``(total, covered days)``: Σ total_c ÷ days_c.

    Each clinic's total is averaged over the days its own data covers, then the daily averages
    are added (the network takes in the sum of its clinics' daily revenue). Dividing the network's
    total by the days since the *earliest* clinic's data start instead counts a later clinic's
    days before its feed began as zero days, diluting the network's daily average (kpis.md
    "average daily net patient service revenue"; the principle of this module). Clinics with
    0 covered days add nothing."""
    return sum(total / days for total, days in parts if days > 0)


def starts_apart(firsts: Iterable[date], window_starts: Iterable[date]) -> bool:
    """Whether a network's clinics cover some window unevenly: their data (first record days,
    ``firsts``) starts on different days and the latest start falls after the start of a window.
    Otherwise every clinic covers every window alike, and the network's total over the covered
    days equals :func:`pooled_daily` (so the one-query path stands)."""
    starts, windows = set(firsts), list(window_starts)
    return len(starts) > 1 and bool(windows) and max(starts) > min(windows)
