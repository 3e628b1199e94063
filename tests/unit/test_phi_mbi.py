"""Medicare Beneficiary Identifiers without a keyword (bot.phi_numbers.find_mbis through the guard).

Expected values from CMS, "Understanding the Medicare Beneficiary Identifier (MBI) Format":
11 characters, optionally dashed 4-3-4; position 1 a digit 1-9; positions 2, 5, 8, 9 a letter
A-Z except S, L, O, I, B, Z; positions 3 and 6 such a letter or a digit; positions 4, 7, 10, 11
a digit 0-9. "1EG4-TE5-MK73" is CMS's own example. Each invalid value below breaks one rule.
"""

from __future__ import annotations

import pytest

from bot.phi_guard import describe, find_identifiers


def kinds(text: str) -> list[str]:
    return [f.kind for f in find_identifiers(text)]


@pytest.mark.parametrize("mbi", [
    "1EG4TE5MK73",      # CMS's example
    "1EG4-TE5-MK73",    # dashed 4-3-4
    "9AA0AA0AA00",      # highest first digit, A allowed everywhere a letter is
    "1E94T95MK73",      # positions 3 and 6 may be digits
    "1YY9YY9YY99",      # Y is allowed (only S, L, O, I, B, Z are not)
    "1eg4te5mk73",      # typed in lower case: caught too (decision in bot.phi_numbers)
])
def test_valid_mbis_are_found(mbi: str) -> None:
    assert kinds(f"WILLIAM BUDD {mbi}") == ["mbi"]


@pytest.mark.parametrize("value", [
    "0EG4TE5MK73",      # position 1: 0 is not 1-9
    "AEG4TE5MK73",      # position 1: a letter
    "11G4TE5MK73",      # position 2: a digit
    "1SG4TE5MK73",      # position 2: S excluded
    "1EL4TE5MK73",      # position 3: L excluded
    "1EGATE5MK73",      # position 4: a letter
    "1EG4OE5MK73",      # position 5: O excluded
    "1EG45E5MK73",      # position 5: a digit
    "1EG4TI5MK73",      # position 6: I excluded
    "1EG4TEAMK73",      # position 7: a letter
    "1EG4TE5BK73",      # position 8: B excluded
    "1EG4TE59K73",      # position 8: a digit
    "1EG4TE5MZ73",      # position 9: Z excluded
    "1EG4TE5MKA3",      # position 10: a letter
    "1EG4TE5MK7A",      # position 11: a letter
    "1EG4TE5MK7",       # 10 characters
    "1EG4TE5MK734",     # 12 characters: not on a boundary
    "X1EG4TE5MK73",     # a letter before it: not on a boundary
    "1EG4-TE5MK73",     # dashed, but not 4-3-4
    "1EG4TE5-MK73",
])
def test_values_breaking_one_position_rule_pass(value: str) -> None:
    assert kinds(f"Kit for {value}") == []


@pytest.mark.parametrize("text", [
    "Kit for 1EG4TE5MK73",              # a supply name
    "appointments-1EG4TE5MK73.csv",     # a file name
    "appointments_1EG4TE5MK73.csv",     # "_" is a word character, still a boundary here
    "(1EG4TE5MK73)",
])
def test_an_mbi_beside_punctuation_is_found(text: str) -> None:
    assert kinds(text) == ["mbi"]


def test_an_mbi_after_its_keyword_stays_a_record_number() -> None:
    assert kinds("MBI 1EG4-TE5-MK73") == ["record_number"]


def test_describe_names_the_kind_not_the_value() -> None:
    text = describe(find_identifiers("WILLIAM BUDD 1EG4TE5MK73"), "payer_name")
    assert "Medicare Beneficiary Identifier" in text and "1EG4TE5MK73" not in text
