"""Appointment import from small hand-written Kaggle-format files (SQLite and PostgreSQL).

Expected counts and line numbers come from the files as written here (header = line 1).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.clinic_names import stored_clinic
from bot.ingest.appointments import AppointmentsImporter
from bot.ingest.base import ImportSummary
from bot.ingest.runner import run_import
from storage.db import session_scope
from storage.models import Appointment, Clinic, FeedLoad, ImportIssue

HEADER = ("PatientId,AppointmentID,Gender,ScheduledDay,AppointmentDay,Age,Neighbourhood,Scholarship,"
          "Hipertension,Diabetes,Alcoholism,Handcap,SMS_received,No-show")
FLAGS = "0,0,0,0,0,0"
ROWS = [
    f"29872499824296,5642903,F,2016-04-29T18:38:08Z,2016-04-29T00:00:00Z,62,JARDIM DA PENHA,{FLAGS},No",  # 2 ok
    f"558997776694438,5642503,M,2016-04-27T16:08:27Z,2016-04-29T00:00:00Z,56,RESISTÊNCIA,{FLAGS},Yes",  # 3 ok
    f"4262962299951,5642549,F,2016-05-10T10:00:00Z,2016-05-09T00:00:00Z,30,RESISTÊNCIA,{FLAGS},No",  # 4 booked late
    f"867951213174,5642828,F,2016-04-29T17:29:31Z,2016-04-29T00:00:00Z,-1,MARIA ORTIZ,{FLAGS},No",  # 5 age -1
    f"9377952927E-5,5642829,F,2016-04-29T17:29:31Z,2016-04-29T00:00:00Z,7,MARIA ORTIZ,{FLAGS},No",  # 6 damaged id
    f"111111,,F,2016-04-29T17:29:31Z,2016-04-29T00:00:00Z,7,MARIA ORTIZ,{FLAGS},No",  # 7 no id
    f"222222,5642830,F,2016-04-29T17:29:31Z,not-a-date,5,MARIA ORTIZ,{FLAGS},No",  # 8 bad date
    f"333333,5642831,F,2016-04-29T17:29:31Z,2016-04-29T00:00:00Z,5,MARIA ORTIZ,{FLAGS},Maybe",  # 9 outcome
    f"444444,5642903,F,2016-04-29T17:29:31Z,2016-04-29T00:00:00Z,5,MARIA ORTIZ,{FLAGS},No",  # 10 duplicate
    "",  # 11 blank line: not a row
    f"555555,5642832,F,2016-04-29T17:29:31Z,2016-04-29T00:00:00Z,5,,{FLAGS},No",  # 12 no clinic
    f"666666,5642833,F,2016-04-29T17:29:31Z,2016-04-29T00:00:00Z,5,MARIA ORTIZ,{FLAGS},No,EXTRA",  # 13 15 fields
    f"777777,5642834,M,2016-04-29T08:00:00Z,2016-04-30T00:00:00Z,40,MARIA ORTIZ,{FLAGS},Yes",  # 14 ok
]
RAW_PATIENT_IDS = [r.split(",")[0] for r in ROWS if r]
EXPECTED_ISSUES = {
    (4, "warning", "booked_after_appointment"), (5, "warning", "negative_age"),
    (6, "warning", "damaged_patient_id"), (7, "reject", "missing_id"),
    (8, "reject", "invalid_appointment_date"), (9, "reject", "unknown_outcome"),
    (10, "reject", "duplicate_id"), (12, "reject", "missing_clinic"), (13, "reject", "bad_field_count"),
    # each clinic the file creates, on its first loaded row (MARIA ORTIZ: line 5)
    (2, "warning", "new_clinic"), (3, "warning", "new_clinic"), (5, "warning", "new_clinic"),
}


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def load(sessions: sessionmaker[Session], path: Path, **options: object) -> ImportSummary:
    with session_scope(sessions) as session:
        return run_import(session, AppointmentsImporter("test-key"), path, progress=False, **options)


def test_rejects_and_warnings_by_line(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    summary = load(sessions, write(tmp_path / "appts.csv", ROWS))
    # warned rows: 4, 5, 6 and the first rows of the three new clinics (2, 3; 5 already counted)
    assert (summary.read, summary.imported, summary.rejected, summary.warned) == (12, 6, 6, 5)
    assert summary.file_format == "kaggle-noshow"
    with session_scope(sessions) as session:
        issues = session.execute(select(ImportIssue.line, ImportIssue.severity, ImportIssue.code,
                                        ImportIssue.detail)).all()
        assert {(i.line, i.severity, i.code) for i in issues} == EXPECTED_ISSUES
        assert "line 2" in next(i.detail for i in issues if i.code == "duplicate_id")
        statuses = dict(session.execute(select(Appointment.external_id, Appointment.status)).all())
        assert statuses == {"5642903": "completed", "5642503": "no_show", "5642549": "completed",
                            "5642828": "completed", "5642829": "completed", "5642834": "no_show"}
        lead = dict(session.execute(select(Appointment.external_id, Appointment.lead_days)).all())
        assert (lead["5642903"], lead["5642503"], lead["5642549"], lead["5642834"]) == (0, 2, -1, 1)
        stored = session.scalars(select(Appointment.patient_pseudonym)).all()
        details = " ".join(i.detail for i in issues)
        for raw in RAW_PATIENT_IDS:
            assert raw not in stored and raw not in details
        load_row = session.scalars(select(FeedLoad)).one()
        assert (load_row.rows_read, load_row.rows_imported, load_row.rows_rejected, load_row.rows_warned) == (12, 6, 6, 5)
        assert (str(load_row.data_min_date), str(load_row.data_max_date)) == ("2016-04-29", "2016-05-09")
        assert load_row.finished_at is not None


def test_rejects_file_holds_raw_rows_and_can_be_reimported(sessions: sessionmaker[Session], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # the default rejects file goes under rejects/ in the working directory
    summary = load(sessions, write(tmp_path / "appts.csv", ROWS))
    assert summary.rejects_path is not None and summary.rejects_path.parent == work / "rejects"
    assert summary.rejects_path.name.startswith("appts.") and summary.rejects_path.name.endswith(".rejects.csv")
    rejects = pd.read_csv(summary.rejects_path, dtype=str, keep_default_na=False)
    assert rejects["line"].tolist() == ["7", "8", "9", "10", "12", "13"]
    assert rejects.columns[0] == "line" and rejects.columns[-1] == "reason"
    assert rejects.loc[1, "AppointmentDay"] == "not-a-date" and rejects.loc[1, "PatientId"] == "222222"
    assert rejects.loc[2, "reason"].startswith("unknown_outcome")
    assert "EXTRA" in rejects.loc[5, "reason"] and rejects.loc[5, "AppointmentID"] == "5642833"
    fixed = rejects.copy()
    fixed.loc[1, "AppointmentDay"] = "2016-05-02T00:00:00Z"
    fixed.to_csv(tmp_path / "fixed.csv", index=False)
    again = load(sessions, tmp_path / "fixed.csv", rejects_path=tmp_path / "still.csv")
    assert (again.imported, again.unchanged) == (2, 0)  # line 8 fixed; line 13 had its 14 fields kept
    with session_scope(sessions) as session:
        day = session.scalar(select(Appointment.appointment_date).where(Appointment.external_id == "5642830"))
        assert str(day) == "2016-05-02"


def test_second_import_is_unchanged_and_a_changed_status_updates(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = write(tmp_path / "appts.csv", ROWS)
    load(sessions, path)
    again = load(sessions, path)
    assert (again.imported, again.updated, again.unchanged, again.rejected) == (0, 0, 6, 6)
    write(path, [ROWS[0].replace(",No", ",Yes"), *ROWS[1:]])
    changed = load(sessions, path)
    assert (changed.imported, changed.updated, changed.unchanged) == (0, 1, 5)
    with session_scope(sessions) as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == 6
        status = session.scalar(select(Appointment.status).where(Appointment.external_id == "5642903"))
        assert status == "no_show"


def test_clinics_are_found_without_accents_or_case(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    load(sessions, write(tmp_path / "appts.csv", ROWS))
    with session_scope(sessions) as session:
        for text in ("resistencia", "Resistência", "RESISTÊNCIA", " resistência "):
            clinic = stored_clinic(session, text)
            assert clinic is not None and (clinic.key, clinic.name) == ("resistencia", "RESISTÊNCIA")
        assert stored_clinic(session, "jardim da penha").key == "jardim-da-penha"
        assert stored_clinic(session, "nowhere") is None
        zones = set(session.scalars(select(Clinic.timezone)))
        assert zones == {"America/Sao_Paulo"}


def test_unrecognised_header_is_a_clear_error(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    from bot.errors import ImportFormatError

    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="AppointmentID"):
        load(sessions, path)
    with pytest.raises(ImportFormatError, match="missing column"):
        load(sessions, write(tmp_path / "k.csv", ROWS[:1]), file_format="canonical")
