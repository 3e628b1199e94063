"""Plural weekdays ("on fridays last month", "mondays in May", "every friday"): no KPI is filtered by
weekday, so the reader asks back, names the weekday and offers the whole period and the latest such
day in it; never an answer with the word dropped. Expected days worked out by calendar arithmetic
(``calendar.monthcalendar``), not by the reader."""

from __future__ import annotations

import calendar
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.kpi.reader import Reading, read
from tests.reader.networks import vocabulary

V = vocabulary("dev")
NOW = datetime(2026, 10, 14, 16, tzinfo=UTC)  # a Wednesday
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _last_in_month(year: int, month: int, weekday: int) -> date:
    weeks = calendar.monthcalendar(year, month)
    day = max(w[weekday] for w in weeks)
    return date(year, month, day)


@pytest.mark.parametrize("q, weekday, start, end", [
    ("no-shows on fridays last month", 4, date(2026, 9, 1), date(2026, 9, 30)),
    ("no-show rate mondays in May", 0, date(2026, 5, 1), date(2026, 5, 31)),
    ("no show rate at riverside every tuesday in march", 1, date(2026, 3, 1), date(2026, 3, 31)),
    ("denial rate for all the thursdays of august", 3, date(2026, 8, 1), date(2026, 8, 31)),
])
def test_plural_weekday_in_a_period_asks_back_with_both_answers(q: str, weekday: int, start: date, end: date) -> None:
    r = read(q, V, NOW)
    assert r.status == "clarify" and f"{DAYS[weekday].capitalize()}s" in r.message, r.message
    whole, one = (Reading(status="answer").patched(o.patch).to_json(V, NOW) for o in r.options)
    assert (whole["start"], whole["end"]) == (start.isoformat(), end.isoformat())
    day = _last_in_month(start.year, start.month, weekday)
    assert one["start"] == one["end"] == day.isoformat()
    assert whole["kpi"] == one["kpi"] is not None
    if "riverside" in q:
        assert whole["clinic"] == one["clinic"] == "riverside"


@pytest.mark.parametrize("seed", range(40))
def test_plural_weekday_without_a_period_offers_the_latest_such_day(seed: int) -> None:
    rng = random.Random(seed)
    now = datetime(2026, 1, 1, 15, tzinfo=UTC) + timedelta(days=rng.randint(0, 300))
    k = rng.randrange(7)
    q = rng.choice(["no-show rate on {d}s", "no-show rate at highland {d}s", "clean claim rate every {d}"]).format(d=DAYS[k])
    r = read(q, V, now)
    back = next(j for j in range(1, 8) if (now.date() - timedelta(days=j)).weekday() == k)
    assert r.status == "clarify" and [o.patch["period"]["start"] for o in r.options][1] == \
        (now.date() - timedelta(days=back)).isoformat(), (q, now, r.message)


def test_follow_up_and_scorecard_ask_back_too() -> None:
    first = read("no-show rate at riverside last month", V, NOW)
    assert first.status == "answer"
    r = read("and on fridays?", V, NOW, context=first)
    assert r.status == "clarify" and "Fridays" in r.message and r.options[0].patch["clinic"] == "riverside"
    assert read("how is riverside doing on fridays", V, NOW).status == "clarify"


def test_a_singular_weekday_is_still_one_day() -> None:
    got = read("no-show rate at highland on friday", V, NOW).to_json(V, NOW)
    assert (got["status"], got["start"]) == ("answer", "2026-10-09")


def test_every_weekday_named_is_offered() -> None:
    r = read("no-show rate on mondays and fridays last month", V, NOW)
    monday, friday = _last_in_month(2026, 9, 0), _last_in_month(2026, 9, 4)
    assert r.status == "clarify" and "Mondays and Fridays" in r.message, r.message
    assert [o.label for o in r.options[1:]] == [f"Mon {monday.isoformat()} only", f"Fri {friday.isoformat()} only"]
    assert [o.patch["period"]["start"] for o in r.options[1:]] == [monday.isoformat(), friday.isoformat()]
