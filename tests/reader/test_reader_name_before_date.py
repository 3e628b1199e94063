"""A name typed after ``clinic`` stops where a period phrase begins, whatever form the date takes
(ISO, month/day/year, words), and a date the calendar does not have gets its own answer, never
"Unknown clinic 'seaside feb 28'" (outside tester, /kpi). Calendar: 2026 and 2027 are not leap
years (no 29 February); November has 30 days."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.kpi.reader import read
from bot.kpi.reader.malformed import begins_period
from bot.services.understand import strict_request
from tests.reader.networks import NETWORKS, vocabulary

TODAY = date(2026, 12, 6)
NOW = datetime(2026, 12, 6, 9)
V, VNOW = vocabulary("dev"), NETWORKS["dev"][2]


@pytest.mark.parametrize("text", ["feb 28 2026", "11/30/2026", "2026-12-03", "28 February 2026", "yesterday",
                                  "feb 29 2027", "11/31/2026", "2026-11-31"])
def test_a_period_readable_or_not_begins(text: str) -> None:
    assert begins_period(text, TODAY)
    assert begins_period(text + " vs last month", TODAY)


@pytest.mark.parametrize("text", ["seaside feb 28 2026", "family practice", "internal medicine 2026-11", "ortiz"])
def test_a_name_does_not_begin_a_period(text: str) -> None:
    assert not begins_period(text, TODAY)


@pytest.mark.parametrize("words", ["feb 28 2026", "11/30/2026", "feb 29 2027", "11/31/2026", "february 28, 2026"])
def test_the_grammar_leaves_a_name_running_into_a_date_to_the_reader(words: str) -> None:
    assert strict_request(f"no-show-rate clinic seaside {words}", NOW) is None


def test_a_name_before_an_iso_period_stays_with_the_grammar() -> None:
    request = strict_request("no-show-rate clinic north family practice 2026-05", NOW)
    assert request is not None and request.clinic == "north family practice"
    assert (request.period.start, request.period.end) == (date(2026, 5, 1), date(2026, 5, 31))
    mar = strict_request("no-show-rate clinic mar vista last month", NOW)  # a clinic named like a month keeps its name
    assert mar is not None and mar.clinic == "mar vista"


@pytest.mark.parametrize("words, start", [("feb 28 2026", date(2026, 2, 28)), ("9/30/2026", date(2026, 9, 30))])  # the set is asked on 14 Oct 2026
def test_the_reader_reads_the_clinic_and_the_date(words: str, start: date) -> None:
    r = read(f"no-show-rate clinic highland {words}", V, VNOW)
    assert r.status == "answer" and r.clinic is not None and "highland" in r.clinic
    assert (r.period.start, r.period.end) == (start, start)


@pytest.mark.parametrize("words, why", [("feb 29 2027", "February has no day 29 in 2027"),
                                        ("11/31/2026", "November has no day 31")])
def test_the_reader_says_an_impossible_date_is_none(words: str, why: str) -> None:
    r = read(f"no-show-rate clinic highland {words}", V, VNOW)
    assert r.status == "clarify" and r.message.startswith(f"“{words}” is not a date: {why}")
