"""Number-heavy questions for the "one person" rule and the date reading (drawn, seeded): impossible
dates in ISO, month/day/year and words; zero, negative and huge counts; valid dates, ranges and
counts beside them. Used by ``tests/reader/test_reader_malformed_dates.py`` and ``bench/bench_person.py``.
None of them names a person or carries an identifier other than a long count.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Iterator

MON = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
       "november", "december")
ASK = ("no-show rate {p}", "no-show rate at highland {p}", "denials by payer {p}", "{p} clean claim rate at riverside",
       "what was the no show rate {p}?", "/kpi no-show-rate clinic highland {p}", "expected no-shows {p} at highland",
       "demand at highland {p}")


def impossible(rng: random.Random) -> tuple[str, str]:
    """(a date the calendar lacks as typed, the reason in the reader's words, from :mod:`calendar`)."""
    y = rng.randint(2000, 2030)
    if rng.random() < 0.4:
        m, d = rng.randint(13, 99), rng.randint(1, 28)
        why = f"there is no month {m}"
    else:
        m = rng.randint(1, 12)
        d = rng.choice((0, calendar.monthrange(y, m)[1] + rng.randint(1, 99 - calendar.monthrange(y, m)[1])))
        why = f"{calendar.month_name[m]} has no day {d}"
    forms = [f"{y}-{m:02d}-{d:02d}", f"{y}-{m}-{d}", f"{m}/{d}/{y}"]
    if m <= 12:
        forms += [f"{MON[m - 1]} {d} {y}", f"{d} {MON[m - 1]} {y}", f"{MON[m - 1][:3]} {d}, {y}"]
    return rng.choice(forms), why


def noise(rng: random.Random) -> str:
    """A number-heavy period phrase: an impossible date, a count, a range of them."""
    pick = rng.randrange(6)
    if pick == 0:
        return impossible(rng)[0]
    if pick == 1:
        count = rng.choice(("0", "-5", "−12", "99999", str(rng.randint(-999, 99999))))
        return f"{rng.choice(('last', 'past', 'in', 'next', 'over'))} {count} {rng.choice(('days', 'weeks', 'months', 'years', 'd', 'q'))}"
    if pick == 2:
        return f"from {impossible(rng)[0]} to {impossible(rng)[0]}"
    if pick == 3:
        return f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}..{impossible(rng)[0]}"
    if pick == 4:
        return f"{rng.randint(0, 99999)} {rng.choice(('days', 'appointments', 'visits', 'weeks'))}"
    return f"{rng.randint(1, 12)}/{rng.randint(1, 99)}/{rng.choice((rng.randint(0, 99), rng.randint(1000, 9999)))}"


def questions(seed: int, n: int) -> Iterator[str]:
    """``n`` number-heavy questions drawn with ``seed``."""
    rng = random.Random(seed)
    for _ in range(n):
        yield rng.choice(ASK).format(p=noise(rng))
