"""Issue 15: identifiers written the way staff write them, and what is not about a patient.

Expected kinds come from HIPAA Safe Harbor (45 CFR 164.514(b)(2)(i): names, street addresses,
dates of birth, phone and fax numbers, e-mail, SSN, medical record, account and health-plan
beneficiary numbers) applied by hand to each text; the clean texts hold none of them.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bot.phi_guard import Guard, IdentifiersFound, ensure_clean, find_identifiers

STAFF = Guard.build({"badge": r"BADGE-\d{6}"}, ["Anita Patel", "Kelly Brooks", "Marcus Reed"])


def kinds(text: str) -> list[str]:
    return [f.kind for f in find_identifiers(text, STAFF)]


@pytest.mark.parametrize("text,kind,value", [
    ("Mrs. Eleanor Whitfield asked about her copay", "name", "Eleanor Whitfield"),
    ("Mr Smith in room 4 waited an hour", "name", "Smith"),
    ("John Martinez (age 67) needs a ride", "name", "John Martinez"),
    ("Maria Lopez's insurance card was scanned upside down", "name", "Maria Lopez"),
    ("the Ramirez twins were booked in one slot", "name", "Ramirez"),
    ("Baby Smith needs a newborn screen repeat", "name", "Smith"),
    ("pt Gonzalez called 3x about her refill", "name", "Gonzalez"),
    ("abigail turner 6 yo missed her MMR", "name", "abigail turner"),
    ("1420 Oak Street, Kingsport TN 37660 is the address on file", "address", "1420 Oak Street"),
    ("DOB: 1/4/85 needs interpreter", "date_of_birth", "1/4/85"),
    ("born on Feb 9, 1952 and flagged as peds", "date_of_birth", "Feb 9, 1952"),
    ("pt is 3/15/1990 DOB", "date_of_birth", "3/15/1990"),
    ("fax 423.555.0199 the op note", "phone", "423.555.0199"),
    ("acct # 99812 7734 shows a credit", "record_number", "99812 7734"),
    ("Medicaid # 1123 4456 78 not matching", "record_number", "1123 4456 78"),
    ("member id XJH448812209 rejected", "record_number", "XJH448812209"),
    ("medical record number 2987249 9824296 merged wrong", "record_number", "2987249 9824296"),
    ("2987249 9824296", "long_number", "2987249 9824296"),
    ("ssn 412 55 9087 typed in notes", "ssn", "412 55 9087"),
    ("email results to dorothy.price58@gmail.com", "email", "dorothy.price58@gmail.com"),
    ("badge BADGE-123456 found", "custom:badge", "BADGE-123456"),
])
def test_staff_written_identifiers_are_found(text: str, kind: str, value: str) -> None:
    found = [(f.kind, text[f.start:f.end]) for f in find_identifiers(text, STAFF)]
    assert (kind, value) in found


@pytest.mark.parametrize("text", [
    "Dr. Patel suggests moving flu clinic to Saturdays 8-12",
    "the doctor suggests fewer interruptions during charting",
    "our nurse Kelly proposed huddles at 7:45",
    "Anita Patel MD and Kelly Brooks will pilot text reminders",
    "Marcus Reed asked for a second scanner",
    "call McKesson at 1-800-571-2889 to reorder gloves",
    "room 4 otoscope broken again, 3rd time this month",
    "CPT 99214 denials up; CARC 197 on 8 claims",
    "staff meeting moved to Oct 14 2026 at 12:15 in conf rm B",
    "42 walk ins on monday, 17 were flu swabs",
    "order #88123 from Henry Schein arrived short",
    "The Foster Street entrance will be closed for paving",
    "Huddle at 8:15 with Sarah, Mike and Tom",
    "Our NPI 1234567893 is listed wrong on the payer portal",
])
def test_what_is_not_about_a_patient_passes(text: str) -> None:
    assert kinds(text) == []


def test_refusal_names_the_field_and_kind_never_the_value() -> None:
    with pytest.raises(IdentifiersFound) as exc:
        ensure_clean({"snooze reason": "Waiting on MRN 00482913, Mrs. Whitfield, DOB 03/14/1962"}, STAFF)
    msg = exc.value.user_message
    assert msg.startswith("Snooze reason holds what looks like a medical record number")
    assert "a person's name" in msg and "a date of birth" in msg
    assert not any(v in msg for v in ("00482913", "Whitfield", "1962"))


def test_cli_prints_kind_masked_value_and_position_as_json_lines(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.cli import cli

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    text = "Waiting on MRN 00482913 … Mrs. Whitfield"
    out = CliRunner().invoke(cli, ["privacy", "check", "--json", text])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.output.splitlines()]
    assert [(r["kind"], r["start"], r["end"], r["masked"]) for r in rows] == [
        ("record_number", 15, 23, "••••••••"), ("name", 31, 40, "•••••••••")]
    clean = CliRunner().invoke(cli, ["privacy", "check", "room 4 sink leaking"])
    assert clean.output.strip() == "No patient identifiers found."
