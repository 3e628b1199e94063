"""The first line of an import report says what the run did, in words (bot/ingest/headline.py):
what was imported from which file, what was already there, how many rows were rejected and where
to read why. Expected sentences written by hand from the counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ingest.base import ImportSummary
from bot.ingest.headline import headline

APPTS = ("appointment", "appointments")
CLPS = ("claim payment", "claim payments")
REJECTS = Path("rejects/noshow.csv.20261206T070000Z-9.rejects.csv")


@pytest.mark.parametrize(("counts", "expected"), [
    ({"read": 1204, "imported": 1201, "rejected": 3, "rejects_path": REJECTS},
     f"Imported 1,201 appointments from noshow.csv; 3 rows rejected (see {REJECTS})"),
    ({"read": 1204, "unchanged": 1204}, "Nothing new in noshow.csv: all 1,204 appointments were already imported"),
    ({"read": 1, "unchanged": 1}, "Nothing new in noshow.csv: its only appointment was already imported"),
    ({"read": 5, "unchanged": 3, "rejected": 2, "rejects_path": REJECTS},
     f"Nothing new in noshow.csv: 3 appointments already imported; 2 rows rejected (see {REJECTS})"),
    ({"read": 12, "rejected": 12, "rejects_path": REJECTS},
     f"Nothing imported from noshow.csv: all 12 rows were rejected (see {REJECTS})"),
    ({"read": 1, "rejected": 1}, "Nothing imported from noshow.csv: its only row was rejected (reasons below)"),
    ({}, "Nothing to import: noshow.csv holds no appointments"),
    ({"read": 10, "imported": 6, "updated": 2, "unchanged": 2, "warned": 3},
     "Imported 6 appointments and updated 2 from noshow.csv (2 already imported); 3 loaded with warnings"),
    ({"read": 4, "updated": 4}, "Updated 4 appointments from noshow.csv"),
    ({"read": 1, "imported": 1}, "Imported 1 appointment from noshow.csv"),
])
def test_csv_headline(counts: dict[str, object], expected: str) -> None:
    summary = ImportSummary("appointments", "/srv/in/noshow.csv", "canonical", noun=APPTS, **counts)  # type: ignore[arg-type]
    lines = summary.lines()
    assert lines[0] == expected
    assert lines[1].startswith("appointments (canonical) from /srv/in/noshow.csv: read ")  # the counts follow


def test_835_counts_claim_payments() -> None:
    summary = ImportSummary("remittances", "/srv/in/era.835", "x12-835", read=9, imported=8, rejected=1,
                            unit="claims (CLP)", noun=CLPS, rejects_path=Path("r.csv"),
                            rejects_heading="rejected claims and segments listed in")
    assert summary.headline() == "Imported 8 claim payments from era.835; 1 claim payment rejected (see r.csv)"


def test_835_segments_dropped_without_a_rejected_claim_name_the_list() -> None:
    summary = ImportSummary("remittances", "era.835", "x12-835", read=2, imported=2, unit="claims (CLP)", noun=CLPS,
                            rejects_path=Path("r.csv"), rejects_heading="rejected claims and segments listed in")
    assert summary.headline() == "Imported 2 claim payments from era.835; rejected claims and segments listed in r.csv"


def test_status_line_without_a_rejects_file() -> None:
    assert headline("x.csv", read=4, imported=3, updated=0, unchanged=0, rejected=1) == (
        "Imported 3 rows from x.csv; 1 row rejected")
