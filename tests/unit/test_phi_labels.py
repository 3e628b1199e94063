"""Display-field and file-name guard (bot.phi_labels): what a label may hold, how a file name
is shown. Expected values written by hand from the module's rules."""

from __future__ import annotations

from datetime import date

import pytest

from bot.phi_guard import Guard
from bot.phi_labels import file_names_shown, key_findings, label_findings, shown_file_name

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(("label", "kinds"), [
    ("MRN 48213377 Smith", ["record_number"]),      # the tester's provider name
    ("Smith 48213377", ["long_number"]),            # a bare 8-digit run: no patient word needed in a label
    ("Smith DOB 03/04/1961", ["date_of_birth"]),
    ("Aetna (423) 555-0187", ["phone"]),
    ("Maria Silva", []),                            # a provider's name is a person's name
    ("MARIA ORTIZ", []),                            # a Kaggle neighbourhood
    ("160 MAIN STREET OPERATOR LLC", []),           # a Synthea organisation: named by its address
    ("Ted955 Reilly981", []),                       # Synthea's provider names carry 3 digits
    ("Clinic 20261130", []),                        # a recent compact date
    ("Clinic 19610304", ["long_number"]),           # an old one may be a date of birth
    ("WILLIAM BUDD 1EG4TE5MK73", ["mbi"]),          # the tester's 835 payer name: CMS's example MBI
    ("Kit for 1EG4TE5MK73", ["mbi"]),               # the tester's supply name
])
def test_label_findings(label: str, kinds: list[str]) -> None:
    assert [f.kind for f in label_findings(label, Guard(), TODAY)] == kinds


def test_label_findings_use_the_organisations_patterns() -> None:
    guard = Guard.build({"badge": r"BADGE-\d{4}"})
    assert [f.kind for f in label_findings("South BADGE-4471", guard, TODAY)] == ["custom:badge"]


@pytest.mark.parametrize(("name", "shown"), [
    ("appointments-for-Jane-Whitaker-MRN12345678.csv", "appointments-for-[name]-MRN[record number].csv"),
    ("claims_jane_doe_dob_1961-03-04.csv", "claims_[name]_dob_[date of birth].csv"),
    ("appointments_48213377.csv", "appointments_[number].csv"),
    ("ledger for 1420 Oak Street.csv", "ledger for [address].csv"),
    ("appointments-2026-12-06.csv", "appointments-2026-12-06.csv"),
    ("claims-2016-05-01.csv", "claims-2016-05-01.csv"),      # an export's date, no birth word
    ("remit_20260302.835", "remit_20260302.835"),
    ("KaggleV2-May-2016.csv", "KaggleV2-May-2016.csv"),
    ("supply-items_monday.csv", "supply-items_monday.csv"),
    ("appointments-1EG4TE5MK73.csv", "appointments-[MBI].csv"),
])
def test_shown_file_name(name: str, shown: str) -> None:
    assert shown_file_name(name) == shown


def test_known_staff_name_stays_in_a_file_name() -> None:
    guard = Guard.build(None, ["Maria Silva"])
    assert shown_file_name("appointments-dr-maria-silva.csv", guard) == "appointments-dr-maria-silva.csv"
    assert shown_file_name("appointments-dr-maria-silva.csv") == "appointments-dr-[name].csv"


def test_file_names_shown_in_a_message() -> None:
    message = ("Imported 1 appointment from 20261206T080000-appointments_48213377.csv; 1 row rejected "
               "(see /d/done/20261206T080000-appointments_48213377.rejects.csv)")
    assert file_names_shown(message, "appointments_48213377.csv") == (
        "Imported 1 appointment from 20261206T080000-appointments_[number].csv; 1 row rejected "
        "(see /d/done/20261206T080000-appointments_[number].rejects.csv)")


@pytest.mark.parametrize(("key", "kinds"), [
    ("0005364682", []),                 # the claims-analysis file's provider ids: a numeric key
    ("1234567893", []),                 # an NPI's shape
    ("dr-a", []),
    ("mrn-48213377", ["record_number"]),
    ("jane.doe@example.com", ["email"]),
    ("jsmith-19610412", ["date_of_birth"]),     # the tester's keys: a compact date of birth
    ("selfpay-19610412", ["date_of_birth"]),
    ("x-19000101", ["date_of_birth"]),          # the first year counted
    ("x-20251231", ["date_of_birth"]),          # last year (TODAY is in 2026)
    ("x-20260101", []),                         # this year: a file's or an event's date
    ("x-18991231", []),                         # before 1900
    ("x-19610231", []),                         # 31 February: no calendar date
    ("x-19611304", []),                         # month 13
    ("1196104123", []),                         # 10 digits (an NPI's length) holding 19610412
    ("19610412-1", ["date_of_birth"]),          # a whole 8-digit run
    ("selfpay-1EG4TE5MK73", ["mbi"]),
])
def test_key_findings(key: str, kinds: list[str]) -> None:
    assert [f.kind for f in key_findings(key, Guard(), TODAY)] == kinds


def test_an_npi_in_a_provider_name_is_not_an_identifier() -> None:
    assert label_findings("Anita Patel MD NPI 1234567893", Guard(), TODAY) == []
