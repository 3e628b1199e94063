"""The rejects file of an 835 import is a list to read: each rejected claim or dropped segment with
its segment number, line, byte, ST and the raw segment as sent (a rejected CLP included), owner-only
and kept by the feed load for the retention job; the report says what to do with it (correct the
source 835 and import that), and importing the list itself says it is not an 835. Expected values
are read off the literal file below (its segments, lines and byte offsets)."""

from __future__ import annotations

import csv
import stat
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import ImportFormatError
from bot.ingest.remittances import import_remittance_file
from storage.db import session_scope
from storage.models import FeedLoad

SEGMENTS = [
    "ST*835*0001", "BPR*I*250*C*ACH*CCP*01*1*DA*2*3**01*4*DA*5*20261201", "N1*PR*ACME HEALTH", "N1*PE*NORTH",
    "CLP*A1*1*100*100*0*12*P1",
    "CLP*A2*X*200*150*0*12*P2",  # CLP02 not a status code: this claim is rejected
    "CAS*CO*45*50",  # belongs to the rejected claim
    "CLP*=HYPERLINK(1)*1*50*50*0*12*P3",  # a claim whose raw text a spreadsheet would run
    "SVC*HC:99213**40",  # no charge: the line is dropped, its claim kept
    "SE*10*0001",
]


def write_835(tmp_path: Path) -> Path:
    path = tmp_path / "era.835"
    path.write_text("\n".join(s + "~" for s in SEGMENTS) + "\n")  # one segment per line
    return path


def test_rejected_claims_are_listed_with_their_raw_segment(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = write_835(tmp_path)
    text = path.read_text()
    with session_scope(sessions) as s:
        summary = import_remittance_file(s, path, rejects_path=tmp_path / "out" / "era.rejects.csv")
    assert (summary.read, summary.imported, summary.rejected) == (3, 2, 1)
    rejects = tmp_path / "out" / "era.rejects.csv"
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    rows = list(csv.DictReader(rejects.open(encoding="utf-8")))
    expected = {6, 7, 9}  # the bad CLP, its CAS (dropped with it), the SVC without a charge
    assert [int(r["segment"]) for r in rows] == sorted(expected)
    for row in rows:
        n = int(row["segment"])
        raw = SEGMENTS[n - 1]
        shown = row["raw_segment"]
        assert shown == ("'" + raw if raw.startswith("=") else raw)
        assert int(row["line"]) == n  # one segment per line in this file
        assert int(row["byte"]) == text.index(raw)
        assert row["st"] == "0001" and row["reason"]
    with session_scope(sessions) as s:
        assert s.scalar(select(FeedLoad.rejects_path)) == str(rejects)  # what the retention job deletes
    report = "\n".join(summary.lines())
    assert f"rejected claims and segments listed in {rejects}" in report
    assert "correct the source 835" in report and "import that file" not in report


def test_a_formula_in_a_raw_segment_is_made_inert(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "formula.835"
    bad = "CLP*=1+1*X*10*0*0*12*P9"  # rejected (CLP02), its CLP01 a formula
    path.write_text("=cmd|' /C calc'!A0~" + "~".join(SEGMENTS[:4] + [bad, "SE*6*0001"]) + "~")
    with session_scope(sessions) as s:
        import_remittance_file(s, path, rejects_path=tmp_path / "r.csv")
    rows = list(csv.reader((tmp_path / "r.csv").open(encoding="utf-8")))[1:]
    cells = [c for r in rows for c in r]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert "'=cmd|' /C calc'!A0" in cells


def test_importing_the_list_itself_says_what_to_do(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = write_835(tmp_path)
    with session_scope(sessions) as s:
        import_remittance_file(s, path, rejects_path=tmp_path / "era.rejects.csv")
    with pytest.raises(ImportFormatError, match="not an 835: correct the source 835"), session_scope(sessions) as s:
        import_remittance_file(s, tmp_path / "era.rejects.csv")


def test_claims_rejected_for_their_transaction_carry_their_clp(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    """A claim rejected for no fault of its own segment (no remit date) still shows its CLP."""
    segments = [SEGMENTS[0], SEGMENTS[1].replace("20261201", "20261341"), *SEGMENTS[2:5], "SE*6*0001"]
    path = tmp_path / "undated.835"
    path.write_text("~".join(segments) + "~")
    with session_scope(sessions) as s:
        summary = import_remittance_file(s, path, rejects_path=tmp_path / "r.csv")
    assert summary.rejected == 1
    rows = list(csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8")))
    assert [(r["segment"], r["code"], r["raw_segment"]) for r in rows] == [("5", "no_remit_date", SEGMENTS[4])]
