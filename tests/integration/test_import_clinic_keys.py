"""A clinic key that is overlong (> 64 characters), holds a control character or starts with a
spreadsheet formula character (=, +, -, @: OWASP "CSV Injection") rejects its row with the line
and the reason, in the canonical appointment feed and in every feed read through ``Fields``
(claims here); the good rows are loaded. Lines are counted by hand (header = line 1)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest import claims
from bot.ingest.appointments import AppointmentsImporter
from bot.ingest.feed_fields import check_keys
from bot.ingest.issues import ChunkIssues
from bot.ingest.runner import run_import
from storage.db import session_scope
from storage.models import Appointment, ImportIssue

LONG = "n" * 65
BAD_KEYS = {  # line → (clinic cell as written in the CSV, expected reason fragment)
    3: (LONG, "clinic is 65 characters long, the limit is 64"),
    4: ('"nor\x07th"', "clinic 'nor\\x07th' contains a control character (U+0007)"),
    5: ("=HYPERLINK(\"\"http://x\"\")", "starts with '=', which a spreadsheet runs as a formula"),
    6: ("+north", "starts with '+'"),
    7: ("-north", "starts with '-'"),
    8: ("@north", "starts with '@'"),
    9: ('"  =north"', "starts with '='"),  # surrounding space is stripped before the check
}


def appointments_csv() -> str:
    rows = ["appointment_id,clinic,patient_id,appointment_at,status",
            "A2,north,P2,2026-03-02T10:00:00Z,completed"]
    for line, (cell, _) in sorted(BAD_KEYS.items()):
        rows.append(f"A{line},{cell},P{line},2026-03-02T10:00:00Z,completed")
    rows.append("A10," + "k" * 64 + ",P10,2026-03-02T10:00:00Z,completed")  # exactly 64: allowed
    return "\n".join(rows) + "\n"


def test_bad_clinic_keys_are_rejected_with_line_and_reason(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "appointments.csv"
    path.write_text(appointments_csv(), encoding="utf-8")
    with session_scope(sessions) as s:
        summary = run_import(s, AppointmentsImporter("k", default_timezone="UTC"), path, progress=False,
                             rejects_path=tmp_path / "r.csv")
    assert (summary.read, summary.imported, summary.rejected) == (9, 2, 7)
    with session_scope(sessions) as s:
        assert sorted(s.scalars(select(Appointment.external_id))) == ["A10", "A2"]
        issues = {i.line: (i.code, i.detail) for i in s.scalars(select(ImportIssue)) if i.severity == "reject"}
    assert set(issues) == set(BAD_KEYS)
    for line, (_, reason) in BAD_KEYS.items():
        assert issues[line][0] == "invalid_clinic" and reason in issues[line][1], (line, issues[line])


def test_claims_feed_applies_the_same_rule() -> None:
    frame = pd.DataFrame({"claim_id": ["C1", "C2", "C3", "C4"], "clinic": ["north", "@SUM(A1)", "a\tb", "x" * 70],
                          "service_date": "2026-03-01", "created_date": "2026-03-01", "charge": "10"},
                         index=pd.Index([2, 3, 4, 5], name="line"))
    good, issues = claims.validate_frame(frame)
    assert list(good["external_id"]) == ["C1"]
    assert list(zip(issues["line"], issues["code"], strict=True)) == [(3, "invalid_clinic"), (4, "invalid_clinic"),
                                                                      (5, "invalid_clinic")]
    assert "(U+0009)" in issues["detail"].iloc[1] and "70 characters long" in issues["detail"].iloc[2]


@pytest.mark.parametrize("key", ["north", "clinic-7", "Saint-Émile", "42nd street", "o'hare"])
def test_ordinary_keys_pass(key: str) -> None:
    issues = ChunkIssues(pd.RangeIndex(1))
    check_keys(pd.Series([key]), "clinic", issues)
    assert issues.frame().empty
