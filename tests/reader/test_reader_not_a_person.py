"""Weekday and month names (census lists hold "Sunday", "April", "June" as given names), foreign
prepositions and foreign KPI phrasing never make a question "about one patient": such questions
are read or said not understood, never refused as a person. A surname alone after "for" that is
no configured name ("for Smith", "for Silva") is declined as a possible patient either way, and
never echoed. Cases drawn here from fixed lists, not from the reader's own word lists."""

from __future__ import annotations

import pytest

from bot.kpi.reader import read
from devtools.seed.person_labels import NOW, SURNAMES, V, cases, configured


@pytest.mark.parametrize("q", cases())
def test_days_months_and_foreign_words_are_not_a_person(q: str) -> None:
    r = read(q, V, NOW)
    assert r.status != "refuse" or "individual patient" not in r.message, (q, r.message)


@pytest.mark.parametrize("name", [s for s in SURNAMES if s.lower() not in configured()])
@pytest.mark.parametrize("form", ["no show rate for {s}", "no-show rate for {s} last month", "denials for {s}"])
def test_a_surname_alone_after_for_is_declined_without_echo(name: str, form: str) -> None:
    r = read(form.format(s=name), V, NOW)
    assert r.status == "refuse" and "individual patient" in r.message, (name, r.status, r.message)
    assert name.lower() not in r.message.lower()
