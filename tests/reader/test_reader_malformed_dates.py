"""Dates the calendar does not have and day counts below 1 are said so, never read as a patient's
record number or a person's name, never silently changed, never a traceback.

Expected wording comes from the calendar (:func:`calendar.monthrange`) applied to the drawn
numbers here, not from the reader. The fuzz part draws thousands of number-heavy questions
(impossible dates in ISO, month/day/year and words; zero, negative and huge counts; valid dates
and counts beside them) and asserts that none is refused as naming a patient or a person and that
the reader, the ``/kpi`` grammar and the look-ahead grammar raise nothing but a usage error.
"""

from __future__ import annotations

import random

import pytest

from bot.errors import UsageError
from bot.forecast.grammar import parse_lookahead
from bot.kpi.grammar import parse_kpi_command
from bot.kpi.reader import read
from devtools.seed.number_heavy import ASK, impossible, questions
from tests.reader.networks import NETWORKS, vocabulary

V, NOW = vocabulary("dev"), NETWORKS["dev"][2]
PATIENT, PERSON = "individual patient", "person's name"


@pytest.mark.parametrize("typed, why", [("2026-10-32", "October has no day 32"), ("2026-13-45", "there is no month 13"),
                                        ("february 30 2026", "February has no day 30"), ("2/30/2026", "February has no day 30"),
                                        ("2027-02-29", "February has no day 29 in 2027"), ("31 june 2026", "June has no day 31")])
def test_an_impossible_date_is_named_with_the_forms_expected(typed: str, why: str) -> None:
    r = read(f"no-show rate at highland from 2026-10-01 to {typed}", V, NOW)
    assert r.status == "clarify" and r.message.startswith(f"“{typed}” is not a date: {why}")
    assert "YYYY-MM-DD" in r.message
    with pytest.raises(UsageError, match="is not a date"):
        parse_kpi_command("no-show-rate 2026-10-01..2026-10-32")


@pytest.mark.parametrize("question, says", [("no-show rate on 2/30", "“2/30” is not a date: February has no day 30"),
                                            ("no-show rate from 13/5 to 14/5", "“13/5” is not a date: there is no month 13"),
                                            ("no-show rate 2026-q5", "“2026-q5” is not a quarter: quarters run from Q1 to Q4")])
def test_a_yearless_day_after_a_date_word_and_a_fifth_quarter_are_said(question: str, says: str) -> None:
    r = read(question, V, NOW)
    assert r.status == "clarify" and r.message.startswith(says)


def test_a_slash_phrase_without_a_date_word_is_not_called_a_date() -> None:
    r = read("no-show rate for 24/7 clinics", V, NOW)
    assert "is not a date" not in r.message and PATIENT not in r.message


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


def test_fuzz_number_heavy_questions_never_name_a_patient_or_a_person() -> None:
    for question in questions(20261206, 3000):
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
        typed, why = impossible(rng)
        r = read(rng.choice(ASK[:6]).format(p=f"on {typed}"), V, NOW)
        # the date is repeated unless the identifier guard reads it as a date of birth (then "That")
        assert r.status == "clarify" and r.message.split(" is not a date: ")[0] in (f"“{typed}”", "That"), typed
        assert r.message.split(" is not a date: ")[1].startswith(why), typed
