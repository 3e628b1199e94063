"""The reader on the real public 835 samples in ../shared/data (skips where absent).

Expectations come from reading the files by eye (segment numbers = line numbers in the
one-segment-per-line files) and from keironstoddart/edi-835-parser's independent flattened
reading (``tests/output/all_samples.csv``).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from bot.x12 import read_835_file

pytestmark = pytest.mark.shared_data

KEIRON = "data/keironstoddart__edi-835-parser/tests"
AFFECT = "data/affect-therapeutics__edi-835-parser/tests/test_edi_835_files"
LFH = "data/LinuxForHealth__x12/src/tests/resources/835_005010X221A1"


def all_835(shared: Path) -> list[Path]:
    return sorted([*shared.glob(f"{KEIRON}/test_edi_835_files/*.txt"), *shared.glob(f"{AFFECT}/*.txt"),
                   *shared.glob(f"{LFH}/*.835")])


def test_every_sample_reads_without_raising(shared_dir: Path) -> None:
    files = all_835(shared_dir)
    assert len(files) == 10
    for path in files:
        result = read_835_file(path)
        assert result.claims, path.name
        data = path.read_bytes()
        for p in result.problems:  # every problem points at its segment in the raw bytes
            assert data[p.offset:p.offset + len(p.segment_id)].decode() == p.segment_id, (path.name, p)


def test_exhaustive_placeholder_file(shared_dir: Path) -> None:
    result = read_835_file(shared_dir / AFFECT / "exhaustive_sample.txt")
    errors = {p.segment_index for p in result.problems if p.severity == "error"}
    assert errors == {24, 32, 33, 43, 50}  # CAS, MIA, MOA, CAS, LQ full of 'X' codes
    assert all(p.line == p.segment_index and p.transaction == "0001" for p in result.problems)
    assert [c.patient_control_number for c in result.claims] == ["X"]  # the CLP itself is well-formed
    assert result.transactions[0].remit_date == date(2024, 10, 19)


def test_anonymised_placeholders_are_all_reported(shared_dir: Path) -> None:
    path = shared_dir / AFFECT / "sample_835.txt"
    result = read_835_file(path)
    segments = [s.strip() for s in path.read_text().split("~") if s.strip()]
    placeholder = re.compile(r"\*(grp_code|remark_code\d|code\d)\b")
    expected = {i for i, s in enumerate(segments, 1) if placeholder.search(s) and not s.startswith("PLB")}
    reported = {p.segment_index for p in result.problems if p.severity == "error"}
    assert expected and expected <= reported
    assert [t.control_number for t in result.transactions] == ["1002", "1001"]
    assert len(result.claims) == 6
    # anonymisation removed segments: ST 1002 spans segments 3..57 (55) but SE01 says 46;
    # ST 1001 spans 58..163 (106) but SE01 says 96. A count, not a structure: a warning each,
    # the claims (read segment by segment) kept (SOURCES.md: "keep the good claims")
    se = [p for p in result.problems if p.segment_id == "SE"]
    assert [(p.segment_index, p.severity, p.code) for p in se] == [
        (57, "warning", "x12_trailer_count"), (163, "warning", "x12_trailer_count")]
    assert "SE01 '46' declared, 55 segments counted" in se[0].reason
    assert "SE01 '96' declared, 106 segments counted" in se[1].reason
    assert len(result.accepted_claims) == 6


def test_emedny_timely_filing_and_documentation(shared_dir: Path) -> None:
    result = read_835_file(shared_dir / KEIRON / "test_edi_835_files/emedny_sample.txt")
    carcs = [(a.group_code, a.carc) for c in result.claims for line in c.service_lines for a in line.adjustments]
    assert carcs.count(("CO", "29")) == 2 and carcs.count(("CO", "251")) == 2
    assert result.problems == []


def test_uhc_component_separator_from_isa16(shared_dir: Path) -> None:
    result = read_835_file(shared_dir / KEIRON / "test_edi_835_files/united_healthcare_legacy_sample.txt")
    assert result.separators.component == ">"
    assert [line.code for c in result.claims for line in c.service_lines] == [
        "B4152", "B4152", "B4154", "B4034", "B4154"]
    assert result.problems == []


def test_negative_cas_amount_and_retired_carcs_kept(shared_dir: Path) -> None:
    cob = read_835_file(shared_dir / LFH / "cob-contractural-adjustment.835")
    adjustments = [(a.carc, a.amount_cents) for a in cob.claims[0].service_lines[0].adjustments]
    assert adjustments == [("23", 51600), ("94", -900)]
    managed = read_835_file(shared_dir / LFH / "managed-care.835")
    assert [a.carc for c in managed.claims for a in c.adjustments] == ["A2", "A2"]
    assert managed.transactions[0].remit_date == date(2002, 3, 14)  # BPR16 20002316 is no date: DTM*405
    # the BPR segment is still read (BPR02); the date problem is said with the claims it dates
    assert managed.problems == [] and managed.transactions[0].payment_cents is not None
    assert managed.transactions[0].date_problems == ["segment 4: BPR16 '20002316' is not a calendar date"]


def test_bcbs_without_envelope(shared_dir: Path) -> None:
    result = read_835_file(shared_dir / KEIRON / "test_edi_835_files/blue_cross_nc_sample.txt")
    assert result.transactions[0].payer.name == "BLUE CROSS AND BLUE SHIELD OF NORTH CAROLINA"
    # SVC*HC:59426******742*742**1 has no charge (SVC02): reported, the other two lines kept
    # SE*33*1234 closes a transaction of 32 segments (ST = segment 1, SE = segment 32): SE01 is
    # wrong, a count error: a warning at the SE, the claim (its own segments read) kept
    assert [p.segment_id for p in result.problems if p.severity == "error"] == ["SVC"]
    assert len(result.claims[0].service_lines) == 2
    assert not result.transactions[0].rejected and len(result.accepted_claims) == 1
    assert result.transactions[0].envelope_warnings == [
        "SE01 '33' declared, 32 segments counted in transaction '1234' (ST to SE inclusive)"]
    assert (result.problems[-1].segment_index, result.problems[-1].severity) == (32, "warning")


def test_service_lines_match_an_independent_parser(shared_dir: Path) -> None:
    """Cross-check against keironstoddart/edi-835-parser's reading of the same three files."""
    expected = pd.read_csv(shared_dir / KEIRON / "output/all_samples.csv", dtype={"adj_0_code": str, "adj_1_code": str})
    expected = expected[expected["charge_amount"].notna()]  # that parser could not read one line either
    ours = []
    for name in ("blue_cross_nc_sample.txt", "emedny_sample.txt", "united_healthcare_legacy_sample.txt"):
        for claim in read_835_file(shared_dir / KEIRON / "test_edi_835_files" / name).claims:
            ours += [(claim.patient_control_number, line) for line in claim.service_lines]
    assert len(ours) == len(expected)
    for (pcn, line), (_, row) in zip(ours, expected.iterrows(), strict=True):
        assert (pcn, line.code) == (row["marker"], row["code"])
        assert line.charge_cents == round(row["charge_amount"] * 100)
        assert line.paid_cents == round(row["paid_amount"] * 100)
        theirs = {(row[f"adj_{i}_group"], row[f"adj_{i}_code"], round(row[f"adj_{i}_amount"] * 100))
                  for i in (0, 1) if isinstance(row[f"adj_{i}_code"], str)}
        mine = {(a.group_code, a.carc, a.amount_cents) for a in line.adjustments}
        assert theirs <= mine  # their CSV holds at most two adjustments per line
        # 835 balancing: line charge − paid = sum of the line's adjustments
        if mine:
            assert line.charge_cents - line.paid_cents == sum(a.amount_cents for a in line.adjustments)
        assert line.units == Decimal(str(row["billed_units"]))
