"""Dates the calendar does not have and day counts below 1 are said so, never read as a patient's
record number or a person's name, never silently changed, never a traceback.

Expected wording comes from the calendar (:func:`calendar.monthrange`) applied to the drawn
numbers here, not from the reader. The fuzz part draws thousands of number-heavy questions
(impossible dates in ISO, month/day/year and words; zero, negative and huge counts; valid dates
and counts beside them) and asserts that none is refused as naming a patient or a person and that
the reader, the ``/kpi`` grammar and the look-ahead grammar raise nothing but a usage error.
"""

from __future__ import annotations

import calendar
import random

import pytest

from bot.errors import UsageError
from bot.forecast.grammar import parse_lookahead
from bot.kpi.grammar import parse_kpi_command
from bot.kpi.reader import read
from tests.reader.networks import NETWORKS, vocabulary

V, NOW = vocabulary("dev"), NETWORKS["dev"][2]
MON = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
       "november", "december")
ASK = ("no-show rate {p}", "no-show rate at highland {p}", "denials by payer {p}", "{p} clean claim rate at riverside",
       "what was the no show rate {p}?", "/kpi no-show-rate clinic highland {p}")
PATIENT, PERSON = "individual patient", "person's name"


def _impossible(rng: random.Random) -> tuple[str, str]:
    """(a date the calendar lacks as typed, the reason in the reader's words)."""
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


@pytest.mark.parametrize("typed, why", [("2026-10-32", "October has no day 32"), ("2026-13-45", "there is no month 13"),
                                        ("february 30 2026", "February has no day 30"), ("2/30/2026", "February has no day 30"),
                                        ("2027-02-29", "February has no day 29 in 2027"), ("31 june 2026", "June has no day 31")])
def test_an_impossible_date_is_named_with_the_forms_expected(typed: str, why: str) -> None:
    r = read(f"no-show rate at highland from 2026-10-01 to {typed}", V, NOW)
    assert r.status == "clarify" and r.message.startswith(f"“{typed}” is not a date: {why}")
    assert "YYYY-MM-DD" in r.message
    with pytest.raises(UsageError, match="is not a date"):
        parse_kpi_command("no-show-rate 2026-10-01..2026-10-32")


def test_a_leap_day_is_a_date() -> None:
    r = read("no-show rate on 2024-02-29", V, NOW)
    assert r.status == "answer" and str(r.period.start) == "2024-02-29"


@pytest.mark.parametrize("phrase", ["last 0 days", "last -5 days", "past 0 weeks", "last −3 months", "over the last 0 days"])
def test_a_count_below_one_is_refused_not_changed(phrase: str) -> None:
    r = read(f"no-show rate at highland {phrase}", V, NOW)
    assert r.status == "clarify" and "count of 1 or more" in r.message
    with pytest.raises(UsageError, match="count of 1 or more"):
        parse_kpi_command(f"no-show-rate {phrase.removeprefix('over the ')}")


def test_a_window_longer_than_a_century_is_refused() -> None:
    with pytest.raises(UsageError, match="more than 100 years"):
        parse_kpi_command("no-show-rate last 9999 years")  # 9999 years back: before year 1, no date at all


def test_a_count_long_enough_to_be_a_record_number_is_not_repeated() -> None:
    r = read("no-show rate last 1234567890 days", V, NOW)  # 10 digits: phi_guard's long number
    assert r.status == "clarify" and "1234567890" not in r.message and "more than 100 years" in r.message
    with pytest.raises(UsageError) as exc:
        parse_lookahead("demand in 1234567890 days at north")
    assert "1234567890" not in str(exc.value) and "next 28 days" in str(exc.value)


def test_a_count_no_period_explains_is_asked_back() -> None:
    r = read("no-show rate at highland 3 weeks", V, NOW)
    assert r.status == "clarify" and [o.label for o in r.options] == ["last 3 weeks"]
    assert r.options[0].patch["period"]["count"] == 3 and r.options[0].patch["period"]["unit"] == "week"


def _noise(rng: random.Random) -> str:
    """A number-heavy period phrase: a valid or impossible date, a count, a range of them."""
    pick = rng.randrange(6)
    if pick == 0:
        return _impossible(rng)[0]
    if pick == 1:
        return f"{rng.choice(('last', 'past', 'in', 'next', 'over'))} {rng.choice(('0', '-5', '−12', '99999', str(rng.randint(-999, 99999))))} " \
               f"{rng.choice(('days', 'weeks', 'months', 'years', 'd', 'q'))}"
    if pick == 2:
        return f"from {_impossible(rng)[0]} to {_impossible(rng)[0]}"
    if pick == 3:
        return f"{rng.randint(2026, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}..{_impossible(rng)[0]}"
    if pick == 4:
        return f"{rng.randint(0, 99999)} {rng.choice(('days', 'appointments', 'visits', 'weeks'))}"
    return f"{rng.randint(1, 12)}/{rng.randint(1, 99)}/{rng.choice((rng.randint(0, 99), rng.randint(1000, 9999)))}"


def test_fuzz_number_heavy_questions_never_name_a_patient_or_a_person() -> None:
    rng = random.Random(20261206)
    for _ in range(3000):
        question = rng.choice(ASK).format(p=_noise(rng))
        r = read(question, V, NOW)
        assert PATIENT not in (r.message or "") and PERSON not in (r.message or ""), question
        for parse in (lambda t: parse_kpi_command(t.removeprefix("/kpi ")), parse_lookahead):
            try:
                parse(question)
            except UsageError as exc:
                assert PATIENT not in str(exc) and PERSON not in str(exc), question


def test_fuzz_impossible_dates_are_always_said_to_be_no_date() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        typed, why = _impossible(rng)
        r = read(rng.choice(ASK).format(p=f"on {typed}"), V, NOW)
        # the date is repeated unless the identifier guard reads it as a date of birth (then "That")
        assert r.status == "clarify" and r.message.split(" is not a date: ")[0] in (f"“{typed}”", "That"), typed
        assert r.message.split(" is not a date: ")[1].startswith(why), typed
