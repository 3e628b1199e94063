"""Every row read is imported, updated, unchanged or rejected, and the report says so: rows with
too few fields are rejected like rows with too many, empty lines are counted apart, reject
reasons are told apart from rejected rows, and an 835 counts claims (CLP), not segments.

Files are written here; lines, fields and counts are read off them by hand (header = line 1).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest.appointments import AppointmentsImporter
from bot.ingest.remittances import import_remittance_file
from bot.ingest.runner import run_import
from storage.db import session_scope
from storage.models import Appointment, ImportIssue

HEADER = ("appointment_id,clinic,patient_id,booked_at,appointment_at,status,appointment_type,"
          "insurance_verified,authorization_required,authorized,provider")  # 11 columns
ROWS = [
    "A1,north,P1,2026-03-01T09:00,2026-03-02T09:00,completed,new,yes,no,no,dr-a",  # 2: 11 fields
    "A2,north,P2,2026-03-01T09:00,2026-03-02T10:00,completed,new,yes,no",  # 3: 9 fields
    "",  # 4: empty line
    "A3,north,P3,2026-03-01T09:00,2026-03-02T11:00,completed,new,yes,no,no,dr-a,x,y",  # 5: 13 fields
    ",,,,,,,,,,",  # 6: 11 empty fields: an empty row
    ",north,P4,2026-03-01T09:00,,teleported,new,yes,no,no,dr-a",  # 7: three reasons (id, date, status)
    "A5,north,P5,2026-03-01T09:00,2026-03-02T12:00,completed,new,yes,no,no,dr-a",  # 8: 11 fields
]


def test_short_rows_rejected_and_counts_add_up(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "appointments.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    with session_scope(sessions) as s:
        summary = run_import(s, AppointmentsImporter("k", timezones={"north": "America/New_York"}), path,
                             progress=False, rejects_path=tmp_path / "r.csv")
    # rows: lines 2, 3, 5, 7, 8 (4 and 6 are empty); imported 2 and 8; rejected 3, 5, 7
    assert (summary.read, summary.imported, summary.updated, summary.unchanged, summary.rejected) == (5, 2, 0, 0, 3)
    assert summary.read == summary.imported + summary.updated + summary.unchanged + summary.rejected
    assert summary.blank == 2
    with session_scope(sessions) as s:
        assert sorted(s.scalars(select(Appointment.external_id))) == ["A1", "A5"]
        issues = {(i.line, i.code): i.detail for i in s.scalars(select(ImportIssue))}
    assert issues[(3, "bad_field_count")] == "line 3 has 9 fields; the header has 11"
    assert (5, "bad_field_count") in issues
    assert {code for line, code in issues if line == 7} == {"missing_id", "missing_appointment_date",
                                                            "unknown_outcome"}
    report = "\n".join(summary.lines())
    assert "read 5, imported 2, updated 0, unchanged 0, rejected 3, warnings 0" in report
    assert "2 empty line(s) skipped" in report
    # 5 reasons (line 3: 1, line 5: 1, line 7: 3) on 3 rejected rows
    assert "reasons: 5 reject reasons (3 rejected rows)" in report
    rejects = pd.read_csv(tmp_path / "r.csv", dtype=str)
    assert sorted(rejects["line"].tolist()) == ["3", "5", "7"]


ENVELOPE = "ST*835*0001~BPR*I*440*C*ACH*CCP*01*1*DA*2*3**01*4*DA*5*20260302~N1*PR*ACME HEALTH~N1*PE*NORTH CLINIC~"


def test_835_counts_claims_and_lists_segment_problems(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    # segments: ST 1, BPR 2, N1 3, N1 4, CLP A1 5, SVC 6, CAS 7 (no such CARC 'XX'), CLP A2 8 (charge
    # '1x0' is no amount), SE 9: two claims, A1 kept, A2 rejected; the CAS is a segment problem
    body = "CLP*A1*1*100*100*0*12*P1~SVC*HC:99213*100*100~CAS*CO*XX*10~CLP*A2*1*1x0*100*0*12*P2~SE*9*0001~"
    path = tmp_path / "broken.835"
    path.write_text(ENVELOPE + body)
    with session_scope(sessions) as s:
        summary = import_remittance_file(s, path, rejects_path=tmp_path / "r.csv")
    assert (summary.read, summary.imported, summary.rejected) == (2, 1, 1)
    assert summary.issue_counts == {"reject x12_segment": 2}  # segments 7 and 8
    report = "\n".join(summary.lines())
    assert "read 2 claims (CLP), imported 1" in report and "rejected 1" in report
    assert "reasons: 2 reject reasons (1 rejected claim)" in report


def test_truncated_835_rejects_its_claims(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "truncated.835"
    path.write_text(ENVELOPE + "CLP*A1*1*100*100*0*12*P1~CLP*A2*1*200*2")  # cut short: no SE, 2 claims
    with session_scope(sessions) as s:
        summary = import_remittance_file(s, path, rejects_path=tmp_path / "r.csv")
    assert (summary.read, summary.imported, summary.updated, summary.unchanged, summary.rejected) == (2, 0, 0, 0, 2)
