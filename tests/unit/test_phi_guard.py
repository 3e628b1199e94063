"""Patient-identifier guard: the examples named in issue 5 and shared/spec/slack.md, and the
ordinary clinic numbers that must pass."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import ConfigurationError
from bot.phi_guard import (
    IdentifiersFound,
    check_fields,
    compile_patterns,
    describe,
    ensure_clean,
    find_identifiers,
)


def kinds(text: str, extra=()) -> list[str]:
    return [f.kind for f in find_identifiers(text, extra)]


@pytest.mark.parametrize("text,kind", [
    ("Seen MRN 12345678 twice", "record_number"),
    ("MRN: A1234567 was merged", "record_number"),
    ("medical record number 00123456", "record_number"),
    ("record #4455 was misfiled", "record_number"),
    ("chart no. 778899 missing", "record_number"),
    ("patient 1234567 waited", "record_number"),           # bare digit run with patient context
    ("the number 123456789012 on the form", "long_number"),
    ("DOB 03/04/1975", "date_of_birth"),
    ("D.O.B.: 3-4-75", "date_of_birth"),
    ("born 1975-03-04 in Ohio", "date_of_birth"),
    ("pt born on March 4, 1975 came early", "date_of_birth"),
    ("date of birth 4 Mar 1975", "date_of_birth"),
    ("visit on 03/04/1975 (DOB) confirmed", "date_of_birth"),
    ("call (555) 234-5678 tomorrow", "phone"),
    ("reach her at 555-234-5678", "phone"),
    ("or 555.234.5678", "phone"),
    ("+1 555 234 5678", "phone"),
    ("phone 5552345678", "phone"),
    ("write to jane.doe@example.org", "email"),
    ("SSN 123-45-6789", "ssn"),
    ("social security 123456789", "ssn"),
])
def test_identifiers_are_found(text: str, kind: str) -> None:
    assert kinds(text) == [kind]


@pytest.mark.parametrize("text", [
    "3 patients waited 15 minutes in room 12",
    "Starting 2026-05-01 we pilot the new check-in",
    "No-show rate fell from 12.5% to 8.1% across 1,234,567 visits",
    "Revenue was $1234567 last year",
    "CPT 99213 visits took 20 min; 4 of 5 days",
    "Provider NPI 1234567890 is fine to mention",
    "call ext 4321 for supplies",
    "Room 204, 2nd floor, 8:30 huddle",
    "Claim denied with CARC 197 on 03/04/2025",
    "Ideas #12 and #7 overlap",
    "Patient #3 in the queue",
])
def test_ordinary_clinic_text_passes(text: str) -> None:
    assert find_identifiers(text) == []


def test_emoji_and_non_latin_text() -> None:
    assert find_identifiers("患者の待ち時間 🙂 15 分, ожидание 3 пациентов") == []
    assert kinds("患者 MRN 12345678 🙂") == ["record_number"]


def test_several_kinds_are_each_reported_in_order() -> None:
    text = "MRN 12345678, DOB 03/04/1975, call 555-234-5678"
    assert kinds(text) == ["record_number", "date_of_birth", "phone"]


def test_describe_names_kinds_not_values() -> None:
    message = describe(find_identifiers("MRN 12345678 and DOB 03/04/1975"))
    assert "medical record number" in message and "date of birth" in message
    assert "12345678" not in message and "1975" not in message and "03" not in message


@given(st.text(max_size=200))
def test_masked_hints_never_hold_letters_or_digits(text: str) -> None:
    for finding in find_identifiers(text):
        assert not any(ch.isalnum() for ch in finding.hint)


def test_extra_patterns_from_config() -> None:
    extra = compile_patterns({"visit id": r"\bV-\d{5}\b"})
    assert kinds("follow up V-12345 today", extra) == ["custom:visit id"]
    assert "rule 'visit id'" in describe(find_identifiers("V-12345", extra))
    assert compile_patterns([r"foo\d+"])[0][0] == "rule 1"
    with pytest.raises(ConfigurationError, match="not a valid regex"):
        compile_patterns({"bad": "(unclosed"})


def test_check_fields_and_ensure_clean() -> None:
    hits = check_fields({"title": "fine", "problem": "MRN 12345678"})
    assert list(hits) == ["problem"]
    ensure_clean({"title": "fine", "problem": None})
    with pytest.raises(IdentifiersFound) as err:
        ensure_clean({"note": "SSN 123-45-6789"})
    assert list(err.value.fields) == ["note"] and "social security number" in err.value.user_message
