"""The echo rule for values repeated back to a user (bot.phi_echo): identifiers are described by
their shape, short harmless values are quoted as typed. Expected texts follow the rule in the
module docstring; the identifiers come from the inputs themselves."""

from __future__ import annotations

import pytest

from bot.phi_echo import echo, safe_words, scrub


@pytest.mark.parametrize("value, leaked", [
    ("Jane Doe DOB 1980-01-02", "1980-01-02"),
    ("John Smith MRN 777", "John Smith"),
    ("jane doe", "jane doe"),
    ("call 555-867-5309", "867-5309"),
    ("O'Brien, Mary", "Brien"),
    ("pt reports the visit went well and she will come back", "visit"),  # long free text
])
def test_identifiers_and_free_text_are_described_not_quoted(value: str, leaked: str) -> None:
    got = echo(value)
    assert leaked not in got and got.startswith("(a") and f" {len(value)}-character text" in got


@pytest.mark.parametrize("value", ["2016-13-45", "booked?", "yes-ish", '"', "N/A"])
def test_short_harmless_values_are_quoted(value: str) -> None:
    assert echo(value) == f"'{value}'"


def test_scrub_handles_every_quoted_value_and_the_text_around_them() -> None:
    assert scrub("status 'John Smith MRN 777' is not one of a, b") == \
        "status (an 18-character text holding what looks like a person's name) is not one of a, b"
    assert scrub("SE02 '12' does not match ST02 '0001'") == "SE02 '12' does not match ST02 '0001'"
    assert "Tomas Reyes" not in scrub("patient Tomas Reyes was not found")
    once = scrub("'Jane Doe DOB 1980-01-02' is not a date")
    assert scrub(once) == once and "1980" not in once


@pytest.mark.parametrize("words, shown", [
    ("downtown", True), ("seasde", True), ("john smith", False), ("whitfield", False), ("mary jones", False),
])
def test_words_in_a_name_position(words: str, shown: bool) -> None:
    assert (safe_words(words) is not None) is shown
