"""A range written end first ("from 2026-12-01 to 2026-11-01") is said to run backwards and the
range the right way round is offered as a button (never answered unasked, never "which period:
[2026-12-01] [2026-11-01]"); a range the right way round is answered as before.

Random pairs of points (days, months, quarters) in several spellings and connectors; the expected
bounds are computed here with ``calendar`` from the drawn dates, not by the reader.
"""

from __future__ import annotations

import calendar
import random
from datetime import date

import pytest

from bot.kpi.reader import read
from tests.reader.networks import NETWORKS, vocabulary

V, NOW = vocabulary("dev"), NETWORKS["dev"][2]
MON = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
CONNECT = ("from {a} to {b}", "between {a} and {b}", "{a}..{b}", "from {a} through {b}", "{a} until {b}")
ASK = ("no-show rate {p}", "denials at highland {p}", "{p} no shows at riverside", "what was the clean claim rate {p}")


def _day(rng: random.Random) -> tuple[str, date, date]:
    d = date(rng.randint(2024, 2026), rng.randint(1, 12), rng.randint(1, 28))
    text = rng.choice((d.isoformat(), f"{d.month}/{d.day}/{d.year}", f"{MON[d.month - 1]} {d.day} {d.year}",
                       f"{d.day} {MON[d.month - 1]} {d.year}"))
    return text, d, d


def _month(rng: random.Random) -> tuple[str, date, date]:
    y, m = rng.randint(2024, 2026), rng.randint(1, 12)
    last = date(y, m, calendar.monthrange(y, m)[1])
    return rng.choice((f"{calendar.month_name[m].lower()} {y}", f"{y}-{m:02d}")), date(y, m, 1), last


def _quarter(rng: random.Random) -> tuple[str, date, date]:
    y, q = rng.randint(2024, 2026), rng.randint(1, 4)
    end_month = 3 * q
    return f"q{q} {y}", date(y, end_month - 2, 1), date(y, end_month, calendar.monthrange(y, end_month)[1])


def cases(n: int = 240, seed: int = 20261206) -> list[tuple[str, date, date, bool]]:
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        kind = rng.choice((_day, _month, _quarter))
        a, b = kind(rng), kind(rng)
        if a[1] == b[1] or (a[1] <= b[2] and b[1] <= a[2]):
            continue  # overlapping points: neither order is clearly backwards
        backwards = b[2] < a[1]
        start, end = (min(a[1], b[1]), max(a[2], b[2]))
        period = rng.choice(CONNECT).format(a=a[0], b=b[0])
        out.append((rng.choice(ASK).format(p=period), start, end, backwards))
    return out


@pytest.mark.parametrize("q, start, end, backwards", cases())
def test_a_backwards_range_is_said_and_the_right_way_round_offered(q: str, start: date, end: date,
                                                                    backwards: bool) -> None:
    r = read(q, V, NOW)
    if not backwards:
        got = r.to_json(V, NOW)
        assert (got["status"], got["start"], got["end"]) == ("answer", start.isoformat(), end.isoformat()), q
        return
    assert r.status == "clarify" and "backwards" in r.message, (q, r.status, r.message)
    assert len(r.options) == 1, q
    clicked = r.patched(r.options[0].patch).to_json(V, NOW)
    assert (clicked["start"], clicked["end"]) == (start.isoformat(), end.isoformat()), q
    assert clicked["kpi"] == r.options[0].patch["kpi"] is not None


def test_the_testers_case() -> None:
    r = read("no-show rate from 2026-12-01 to 2026-11-01", V, NOW)
    assert r.status == "clarify" and [o.label for o in r.options] == ["2026-11-01..2026-12-01"]
    assert "2026-12-01" in r.message and "backwards" in r.message
    r = read("no shows at highland sept 21-8", V, NOW)
    assert [o.label for o in r.options] == ["2026-09-08..2026-09-21"]


def _yearless_cases(n: int = 60, seed: int = 7) -> list[tuple[str, date, date, date, date]]:
    """Year-less day/month pairs whose end comes before the start in the calendar; expected readings
    computed here: both ends in the latest year the end has begun (swapped), and the start a year
    before the end (crossing)."""
    rng = random.Random(seed)
    today = NOW.date()
    out = []
    while len(out) < n:
        m1, m2 = rng.randint(1, 12), rng.randint(1, 12)
        if rng.random() < 0.5:  # months
            if m2 >= m1:
                continue
            y = today.year if (m2, 1) <= (today.month, today.day) else today.year - 1
            if (today.year if (m1, 1) <= (today.month, today.day) else today.year - 1) != y:
                continue  # the latest start comes before the latest end: a past range, read
            a = f"{calendar.month_name[m1].lower()}"
            b = f"{MON[m2 - 1]}"
            e_end = date(y, m2, calendar.monthrange(y, m2)[1])
            swapped = (date(y, m2, 1), date(y, m1, calendar.monthrange(y, m1)[1]))
            crossing = (date(y - 1, m1, 1), e_end)
        else:
            d1, d2 = rng.randint(1, 28), rng.randint(1, 28)
            if (m2, d2) >= (m1, d1) or m1 == m2:
                continue
            y = today.year if (m2, d2) <= (today.month, today.day) else today.year - 1
            if (today.year if (m1, d1) <= (today.month, today.day) else today.year - 1) != y:
                continue
            a, b = f"{MON[m1 - 1]} {d1}", f"{MON[m2 - 1]} {d2}"
            swapped = (date(y, m2, d2), date(y, m1, d1))
            crossing = (date(y - 1, m1, d1), date(y, m2, d2))
        q = rng.choice(("no-show rate from {a} to {b}", "denials at highland between {a} and {b}",
                        "clean claim rate from {a} through {b}")).format(a=a, b=b)
        out.append((q, *swapped, *crossing))
    return out


@pytest.mark.parametrize("q, s1, e1, s2, e2", _yearless_cases())
def test_a_yearless_backwards_range_is_asked_never_rolled_into_the_future(q: str, s1: date, e1: date,
                                                                          s2: date, e2: date) -> None:
    r = read(q, V, NOW)
    assert r.status == "clarify" and "backwards" in r.message, (q, r.status, r.message)
    got = [(r.patched(o.patch).to_json(V, NOW)["start"], r.patched(o.patch).to_json(V, NOW)["end"]) for o in r.options]
    assert got == [(s1.isoformat(), e1.isoformat()), (s2.isoformat(), e2.isoformat())], q


def test_a_yearless_range_across_new_year_that_lies_in_the_past_is_read() -> None:
    today = NOW.date()
    m = today.month % 12 + 1  # next month: its latest start is last year, this month's is this year
    r = read(f"no-show rate from {calendar.month_name[m].lower()} to {calendar.month_name[today.month].lower()}", V, NOW)
    got = r.to_json(V, NOW)
    assert got["status"] == "answer" and got["start"] == date(today.year - 1, m, 1).isoformat(), got


@pytest.mark.parametrize("q", ["no-show rate from jan 2099 to mar 2099", "denials at highland in june 2098",
                               "no shows from 2097-02-03 to 2097-04-05"])
def test_a_range_wholly_in_the_future_is_asked_not_answered(q: str) -> None:
    r = read(q, V, NOW)
    assert r.status == "clarify" and "future" in r.message, (q, r.status, r.message)
    start = r.patched(r.options[0].patch).to_json(V, NOW)["start"]
    assert start is not None and date.fromisoformat(start) <= NOW.date()
