"""The echo rule for values repeated back to a user (bot.phi_echo): identifiers are described by
their shape, short harmless values are quoted as typed. Expected texts follow the rule in the
module docstring; the identifiers come from the inputs themselves."""

from __future__ import annotations

import pytest

from bot.phi_echo import echo, name_free, safe_words, scrub


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


# Import messages (operator output): what the importer wrote itself from a file's structure is
# shown; what came from a patient field stays described. Expected texts are the importers'
# templates filled with the inputs below (bot.ingest.appointment_columns, bot.x12.envelope).

def test_dates_the_importer_formatted_are_shown_even_when_years_old() -> None:
    import pandas as pd

    from bot.ingest.appointment_columns import warn_booked_late
    from bot.ingest.issues import ChunkIssues

    index = pd.Index([2, 3])
    issues = ChunkIssues(index)
    appt = pd.Series(pd.to_datetime(["2016-04-28", "2016-05-02"]), index=index)
    booked = pd.Series(pd.to_datetime(["2016-04-29 08:15", "2016-04-20 10:00"]), index=index)
    warn_booked_late(issues, (appt - booked.dt.normalize()).dt.days, appt, booked)
    assert issues.frame()["detail"].tolist() == ["booked on 2016-04-29, after the appointment day 2016-04-28"]
    shown = "booked on 1999-04-29, after the appointment day 1999-04-28"
    assert scrub(shown) == shown and scrub(scrub(shown)) == shown


def _envelope_details(text: str) -> list[str]:
    from bot.ingest.remittance_rows import remittance_records
    from bot.x12 import read_835

    return [i.detail for i in remittance_records(read_835(text))[1]]


def test_x12_control_numbers_are_shown() -> None:
    from tests.unit.test_x12_envelope import GS, tx
    from tests.unit.test_x12_reader import isa

    head = isa().replace("*000000001*", "*123456789*")  # ISA13, nine digits
    details = " | ".join(_envelope_details(head + GS + tx("0001", "A") + "GE*1*7~IEA*1*987654321~"))
    assert "IEA02 '987654321' does not match ISA13 '123456789'" in details
    assert "transaction ST02 '0001' not imported" in details
    unclosed = " | ".join(_envelope_details(head + GS + tx("0001", "A") + "GE*1*7~"))
    assert "interchange '123456789' (ISA at segment 1) has no IEA trailer" in unclosed


@pytest.mark.parametrize("detail, leaked", [
    ("CLP01 '123456789012' has no matching claim", "123456789012"),  # patient control number
    ("NM1*QC '448812209' is not a name", "448812209"),  # patient id in NM109
    ("patient id '123456789' is unknown", "123456789"),
    ("member_id 'XJH448812209' is too long", "448812209"),
    ("ISA13 'Jane Doe' is not numeric", "Jane Doe"),  # a structural label, but not a control number
    ("group '123456789012345' is too long", "123456789012345"),  # longer than any control number
    ("birth date 1980-01-02 is after the visit", "1980-01-02"),  # a date with birth words stays masked
    ("DOB 1980-01-02 on line 4", "1980-01-02"),
    ("'Jane Doe DOB 1980-01-02' is not a date", "Jane Doe"),
])
def test_patient_fields_in_import_messages_stay_masked(detail: str, leaked: str) -> None:
    got = scrub(detail)
    assert leaked not in got and "-character text" in got
    assert scrub(got) == got


@pytest.mark.parametrize("words, shown", [
    ("junipr", True), ("nowhere", True), ("resistensia", True), ("zzqx", True),  # typos and places
    ("maria silva", False), ("silva", False), ("rose", False), ("Kwame Osei", False),  # census names,
    ("whitfield", False), ("José da Conceição", False),  # English words among them too
])
def test_name_free_words_in_a_name_position(words: str, shown: bool) -> None:
    assert name_free(words) is shown
