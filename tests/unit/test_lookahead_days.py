"""Look-ahead days: weekday names, this/next week, the next N days, day after tomorrow, in any
position around the clinic's name (bot.forecast.grammar); closed days said, with the next open day
(bot.services.lookahead.open_days, bot.forecast.ahead).

Expected dates are computed here by walking the calendar from the clinic's "today" (``isocalendar``
for weeks), not by the code under test.
"""

from __future__ import annotations

import itertools
import zlib
from datetime import date, timedelta

import pytest

from bot.errors import UsageError
from bot.forecast.ahead import next_open
from bot.forecast.grammar import days_of, parse_lookahead
from bot.services.lookahead import open_days

NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
TODAYS = [date(2026, 12, 5) + timedelta(days=i) for i in range(9)]  # every weekday, across a month end


def _next_weekday(today: date, wd: int) -> date:
    d = today + timedelta(days=1)
    while d.weekday() != wd:
        d += timedelta(days=1)
    return d


def expected(phrase: str, today: date) -> list[date]:
    words = phrase.split()
    for wd, name in enumerate(NAMES):
        if name in words or name[:3] in words:
            return [_next_weekday(today, wd)]
    if "next week" in phrase or "coming week" in phrase:
        year, week, _ = (today + timedelta(days=7)).isocalendar()
        return [d for d in (today + timedelta(days=i) for i in range(1, 15)) if d.isocalendar()[:2] == (year, week)]
    if "this week" in phrase:
        return [d for d in (today + timedelta(days=i) for i in range(7)) if d.isocalendar()[:2] == today.isocalendar()[:2]]
    if "days" in words and words[words.index("days") - 1].isdigit():
        n = int(words[words.index("days") - 1])
        return [today + timedelta(days=i) for i in range(1, n + 1)] if "next" in words else [today + timedelta(days=n)]
    return [today + timedelta(days={"today": 0, "tomorrow": 1, "day after tomorrow": 2}[phrase.replace("the ", "")])]


DAYS = ("monday", "on friday", "next tuesday", "this wednesday", "sunday", "saturday", "on thursday",
        "next week", "this week", "the coming week", "the next 7 days", "next 3 days", "for the next 10 days",
        "day after tomorrow", "the day after tomorrow", "tomorrow", "today", "in 4 days")
QUESTIONS = (("expected no-shows", "expected-no-shows"), ("expected-no-shows", "expected-no-shows"),
             ("high-risk", "high-risk"), ("high risk list", "high-risk"), ("no-show forecast", "expected-no-shows"))
CLINICS = ("seaside", "pinecrest", "maria ortiz", "do moscoso", "jardim da penha", "cedar hill primary care")


def cases() -> list[tuple[str, str, str, str]]:
    out = []
    for (said, q), day, clinic, shape in itertools.product(QUESTIONS, DAYS, CLINICS, range(3)):
        if zlib.crc32(f"{said}|{day}|{clinic}|{shape}".encode()) % 5 != 0:  # the same fifth in every process
            continue  # a fifth of the product: every phrase still appears many times
        text = (f"{said} {day} at {clinic}", f"{said} at {clinic} {day}", f"{said} {day} clinic {clinic}")[shape]
        out.append((text, q, clinic, day))
    return out


@pytest.mark.parametrize("text, question, clinic, day", cases())
def test_day_words_around_the_clinic(text: str, question: str, clinic: str, day: str) -> None:
    r = parse_lookahead(text)
    assert r is not None and (r.question, r.clinic) == (question, clinic), text
    for today in TODAYS:
        assert days_of(r, today) == expected(day, today), (text, today)


@pytest.mark.parametrize("text", ["expected no-shows mon at seaside", "high-risk on sat clinic north",
                                  "expected no-shows thurs at aspen"])
def test_weekday_abbreviations_before_the_clinic(text: str) -> None:
    r = parse_lookahead(text)
    assert r is not None and r.weekday is not None and r.clinic is not None


def test_a_clinic_name_ending_in_an_abbreviation_keeps_it() -> None:
    r = parse_lookahead("expected no-shows at valley of the sun")
    assert r is not None and r.clinic == "valley of the sun" and r.days_ahead == 1


@pytest.mark.parametrize("text", ["expected no-shows next fortnight at north", "expected no-shows next 30 days at north",
                                  "demand someday at north", "expected no-shows someday at north"])
def test_refused(text: str) -> None:
    with pytest.raises(UsageError):
        parse_lookahead(text)


WEEKDAYS_ONLY = frozenset(range(5))


def test_a_closed_tomorrow_names_the_next_open_day() -> None:
    for today in TODAYS:
        tomorrow = today + timedelta(days=1)
        days, lead = open_days([tomorrow], WEEKDAYS_ONLY, "Seaside")
        if tomorrow.weekday() < 5:
            assert (days, lead) == ([tomorrow], None)
            continue
        monday = _next_weekday(tomorrow, 0)
        assert days == [monday] and lead is not None, today
        assert f"{tomorrow:%a %d %b}" in lead and f"{monday:%a %d %b}" in lead and "closed" in lead


def test_a_week_skips_closed_days_and_says_so() -> None:
    week = [date(2026, 12, 7) + timedelta(days=i) for i in range(7)]
    days, lead = open_days(week, WEEKDAYS_ONLY, "Pinecrest")
    assert days == week[:5] and lead is not None and "Sat 12 Dec" in lead and "Sun 13 Dec" in lead
    assert open_days(week, None, "Kaggle clinic") == (week, None)  # no templates: hours unknown, all open
    assert open_days(week, frozenset(), "Nowhere")[0] == []
    assert next_open(date(2026, 12, 11), frozenset({0, 2})) == date(2026, 12, 14)


@pytest.mark.parametrize("lead", ["what are the ", "What's the ", "show me ", "how many ", "hey what are our ", ""])
@pytest.mark.parametrize("ask", ["expected no-shows next week at seaside", "high risk list on friday clinic maria ortiz",
                                 "no-show forecast for the next 7 days at pinecrest"])
def test_plain_language_look_ahead_reads_as_the_command(lead: str, ask: str) -> None:
    from bot.forecast.grammar import parse_plain_lookahead

    assert parse_plain_lookahead(f"{lead}{ask}?") == parse_lookahead(ask) is not None


@pytest.mark.parametrize("text", ["what is the no-show rate at seaside", "show me denials next week", "how many visits"])
def test_other_questions_are_not_look_ahead(text: str) -> None:
    from bot.forecast.grammar import parse_plain_lookahead

    assert parse_plain_lookahead(text) is None


@pytest.mark.parametrize("text, says", [
    ("demand clinic seaside in 400 days", "The demand forecast covers the next 28 days"),
    ("demand in 29 days at north", "The demand forecast covers the next 28 days"),
    ("expected-no-shows in 99999 days clinic seaside", "`expected-no-shows` looks at the next 14 days"),
    ("high-risk in 15 days at north", "`high-risk` looks at the next 14 days"),
    ("expected no-shows next 0 days at north", "'next 0 days' is no day ahead"),
    ("expected no-shows in -3 days at north", "'in -3 days' is no day ahead"),
])
def test_a_day_outside_the_horizon_names_the_horizon(text: str, says: str) -> None:
    with pytest.raises(UsageError) as exc:
        parse_lookahead(text)  # the horizons: forecast_terms.yml (demand: the forecast's 28 days)
    assert says in str(exc.value) and "person" not in str(exc.value) and "Unknown clinic" not in str(exc.value)


@pytest.mark.parametrize("text, clinic, ahead", [("demand clinic seaside in 28 days", "seaside", 28),
                                                 ("expected-no-shows in 14 days clinic seaside", "seaside", 14)])
def test_the_last_day_of_the_horizon_is_read(text: str, clinic: str, ahead: int) -> None:
    r = parse_lookahead(text)
    assert r is not None and r.clinic == clinic and r.days_ahead == ahead
