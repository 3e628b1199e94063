"""A stray double quote in one field rejects that line only (SQLite and PostgreSQL, both paths).

Files are hand-written here in the Kaggle no-show layout (header = line 1); every expected line
number, count and raw text is read off the file as written, not from the importer.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest.appointments import AppointmentsImporter
from bot.ingest.base import ImportSummary
from bot.ingest.runner import run_import
from storage.db import session_scope
from storage.models import Appointment, Clinic, ImportIssue

HEADER = ("PatientId,AppointmentID,Gender,ScheduledDay,AppointmentDay,Age,Neighbourhood,Scholarship,"
          "Hipertension,Diabetes,Alcoholism,Handcap,SMS_received,No-show")
FLAGS = "0,0,0,0,0,0"


def row(n: int, where: str = "MARIA ORTIZ", age: str = "30") -> str:
    return f"{1000 + n},{5600000 + n},F,2016-04-29T08:00:00Z,2016-04-29T00:00:00Z,{age},{where},{FLAGS},No"


STRAY = row(5, where='"SANTA MARTHA')  # line 6
LAST = row(12, where='"JARDIM DA PENHA')  # line 13, the last one
LINES = [row(1), row(2), row(3), row(4), STRAY, row(6), row(7, age="-1"), row(8), row(9), row(10), row(11), LAST]
# lines 2..13; line 8 (age -1) is flagged: its number shows that counting survived the stray quote


def load(sessions: sessionmaker[Session], path: Path, **options: object) -> ImportSummary:
    with session_scope(sessions) as session:
        return run_import(session, AppointmentsImporter("test-key"), path, progress=False, **options)


@pytest.mark.parametrize("parallel", [False, True])
def test_stray_quotes_reject_only_their_lines(sessions: sessionmaker[Session], tmp_path: Path,
                                              parallel: bool) -> None:
    path = tmp_path / "appts.csv"
    path.write_text("\n".join([HEADER, *LINES]) + "\n", encoding="utf-8")
    rejects_path = tmp_path / "r.csv"
    summary = load(sessions, path, rejects_path=rejects_path, parallel=parallel, chunksize=4)
    # warned: line 8 (age -1) and line 2, the first row of the new clinic MARIA ORTIZ
    assert (summary.read, summary.imported, summary.rejected, summary.warned) == (12, 10, 2, 2)
    with session_scope(sessions) as session:
        issues = set(session.execute(select(ImportIssue.line, ImportIssue.code, ImportIssue.detail)))
        stored = set(session.scalars(select(Appointment.external_id)))
        clinics = set(session.scalars(select(Clinic.name)))
    assert {(line, code) for line, code, _ in issues} == {(6, "unbalanced_quote"), (8, "negative_age"),
                                                          (13, "unbalanced_quote"), (2, "new_clinic")}
    assert {detail for _, code, detail in issues if code == "unbalanced_quote"} == {
        "a '\"' opens a field that never closes (line 6)", "a '\"' opens a field that never closes (line 13)"}
    assert stored == {str(5600000 + n) for n in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11)}
    assert clinics == {"MARIA ORTIZ"}
    rejects = pd.read_csv(rejects_path, dtype=str, keep_default_na=False)
    assert rejects["line"].tolist() == ["6", "13"]
    assert rejects["reason"].tolist() == ["unbalanced_quote: a '\"' opens a field that never closes (line 6)",
                                          "unbalanced_quote: a '\"' opens a field that never closes (line 13)"]
    raw = rejects.drop(columns=["line", "reason"]).apply(lambda r: ",".join(r), axis=1).tolist()
    assert raw == [STRAY, LAST]


@pytest.mark.parametrize("parallel", [False, True])
def test_unterminated_last_line_without_newline(sessions: sessionmaker[Session], tmp_path: Path,
                                                parallel: bool) -> None:
    path = tmp_path / "appts.csv"
    path.write_text("\n".join([HEADER, *LINES]), encoding="utf-8")  # no line end after the last quote
    summary = load(sessions, path, rejects_path=tmp_path / "r.csv", parallel=parallel, chunksize=4)
    assert (summary.read, summary.imported, summary.rejected) == (12, 10, 2)
    with session_scope(sessions) as session:
        lines = set(session.scalars(select(ImportIssue.line).where(ImportIssue.code == "unbalanced_quote")))
    assert lines == {6, 13}


@pytest.mark.parametrize("parallel", [False, True])
def test_quoted_field_over_two_lines_still_imports(sessions: sessionmaker[Session], tmp_path: Path,
                                                   parallel: bool) -> None:
    spanning = row(3, where='"MARIA\nORTIZ"')  # lines 4-5: one record, a legitimate quoted newline
    lines = [row(1), row(2), spanning, row(4, age="-1"), row(5, where='"SANTA MARTHA"')]  # -1 on line 6
    path = tmp_path / "appts.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    summary = load(sessions, path, rejects_path=tmp_path / "r.csv", parallel=parallel, chunksize=2)
    # warned: line 6 (age -1) and the first rows of the new clinics MARIA ORTIZ (2) and SANTA MARTHA (7)
    assert (summary.read, summary.imported, summary.rejected, summary.warned) == (5, 5, 0, 3)
    assert summary.rejects_path is None
    with session_scope(sessions) as session:
        issues = set(session.execute(select(ImportIssue.line, ImportIssue.code)))
        stored = set(session.scalars(select(Appointment.external_id)))
    assert issues == {(6, "negative_age"), (2, "new_clinic"), (7, "new_clinic")}
    assert stored == {str(5600000 + n) for n in range(1, 6)}
