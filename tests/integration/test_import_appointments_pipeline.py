"""The import pipeline on both databases: worker process vs one process, key look-ups skipped only
when the table was empty, index rebuild, errors raised from the worker.

The file is generated here with known content: expected counts and lines are those the
generator planted (computed from its own lists, not by the importer).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

import storage.bulk as bulk
import storage.bulk_indexes as bulk_indexes
from bot.errors import ImportFormatError
from bot.ingest.appointments import AppointmentsImporter
from bot.ingest.base import ImportSummary
from bot.ingest.runner import run_import
from storage.db import session_scope
from storage.models import Appointment, Clinic, FeedLoad, ImportIssue
from storage.models.rollups import LeadTimeDaily

HEADER = ("PatientId,AppointmentID,Gender,ScheduledDay,AppointmentDay,Age,Neighbourhood,Scholarship,"
          "Hipertension,Diabetes,Alcoholism,Handcap,SMS_received,No-show")
PLACES = ["JARDIM DA PENHA", "RESISTÊNCIA", "MARIA ORTIZ", "SÃO JOSÉ"]
ROWS = 600
DUPLICATES = {450: 10, 590: 300}  # line -> the earlier line whose AppointmentID it repeats
BAD_DATE = {200, 520}  # lines with an AppointmentDay that is not a date
DAMAGED = {30, 480}  # lines whose PatientId is in scientific notation


def row(line: int, outcome: str = "No") -> str:
    """Data row of physical line ``line`` (header = line 1)."""
    appointment_id = 5_600_000 + (DUPLICATES.get(line, line))
    patient = "9377952927E-5" if line in DAMAGED else str(29_872_499_824_296 + line % 97)  # patients repeat
    day = f"2016-05-{1 + line % 28:02d}T00:00:00Z" if line not in BAD_DATE else "not-a-date"
    booked = f"2016-04-{1 + line % 17:02d}T08:30:00Z"
    return (f"{patient},{appointment_id},F,{booked},{day},{line % 90},{PLACES[line % len(PLACES)]},"
            f"0,0,0,0,0,0,{outcome}")


def write(path: Path, lines: dict[int, str] | None = None) -> Path:
    body = [row(line) for line in range(2, ROWS + 2)]
    for line, text_ in (lines or {}).items():
        body[line - 2] = text_
    path.write_text("\n".join([HEADER, *body]) + "\n", encoding="utf-8")
    return path


def load(sessions: sessionmaker[Session], path: Path, importer: AppointmentsImporter | None = None,
         **options: object) -> ImportSummary:
    with session_scope(sessions) as session:
        return run_import(session, importer or AppointmentsImporter("test-key"), path, progress=False,
                          rejects_path=path.with_suffix(".rejects.csv"), **options)


def stored(sessions: sessionmaker[Session], source: str) -> set[tuple]:
    a = Appointment
    with session_scope(sessions) as session:
        return set(session.execute(select(a.external_id, a.clinic_id, a.patient_pseudonym, a.booked_at,
                                          a.appointment_date, a.status, a.lead_days, a.row_hash)
                                   .where(a.source == source)).all())


@pytest.mark.parametrize("parallel", [True, False])
def test_planted_rows_are_counted_rejected_and_warned_by_line(sessions: sessionmaker[Session], tmp_path: Path,
                                                              parallel: bool) -> None:
    summary = load(sessions, write(tmp_path / "a.csv"), parallel=parallel, chunksize=70)
    rejected = len(DUPLICATES) + len(BAD_DATE)
    assert (summary.read, summary.imported, summary.rejected) == (ROWS, ROWS - rejected, rejected)
    with session_scope(sessions) as session:
        issues = session.execute(select(ImportIssue.code, ImportIssue.line, ImportIssue.detail)).all()
    by_code: dict[str, set[int]] = {}
    for code, line, _ in issues:
        by_code.setdefault(code, set()).add(line)
    assert by_code["duplicate_id"] == set(DUPLICATES)
    assert by_code["invalid_appointment_date"] == BAD_DATE
    assert by_code["damaged_patient_id"] == DAMAGED
    assert {d for c, _, d in issues if c == "duplicate_id"} == {f"same id as line {n}" for n in DUPLICATES.values()}
    rejects = (tmp_path / "a.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert [r.split(",")[0] for r in rejects[1:]] == [str(n) for n in sorted({*DUPLICATES, *BAD_DATE})]
    assert rejects[1].split(",")[1:15] == row(200).split(",")  # every raw field, as written


def test_worker_and_one_process_store_the_same_rows(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv")
    first = load(sessions, path, AppointmentsImporter("test-key", source="worker"), parallel=True, chunksize=64)
    second = load(sessions, path, AppointmentsImporter("test-key", source="single"), parallel=False, chunksize=64)
    # the first run creates the four clinics (a new_clinic warning on lines 2-5, one each, worker or
    # not); the second finds them stored
    assert (first.imported, first.rejected, first.warned) == (second.imported, second.rejected, second.warned + 4)
    assert first.issue_counts["warning new_clinic"] == 4 and "warning new_clinic" not in second.issue_counts
    assert (first.data_min_date, first.data_max_date) == (second.data_min_date, second.data_max_date)
    rows = stored(sessions, "worker")
    assert len(rows) == ROWS - len(DUPLICATES) - len(BAD_DATE)
    assert rows == stored(sessions, "single")


def test_look_ups_are_skipped_only_when_the_table_was_empty(sessions: sessionmaker[Session], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = bulk._existing

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(len(args[4]))
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "_existing", counting)
    path = write(tmp_path / "a.csv")
    importer = AppointmentsImporter("test-key")
    first = load(sessions, path, importer, parallel=True, chunksize=64)
    assert importer.target_was_empty and calls == []  # ten chunks, not one look-up
    assert first.imported == ROWS - len(DUPLICATES) - len(BAD_DATE)

    # changed rows in the first and the last chunk, and one new row (a fixed bad date)
    changed = {2: row(2, outcome="Yes"), ROWS + 1: row(ROWS + 1, outcome="Yes"),
               200: row(200).replace("not-a-date", "2016-05-03T00:00:00Z")}
    again_importer = AppointmentsImporter("test-key")
    again = load(sessions, write(path, changed), again_importer, parallel=True, chunksize=64)
    assert not again_importer.target_was_empty and sum(calls) == ROWS - len(DUPLICATES) - 1
    assert (again.imported, again.updated, again.unchanged) == (1, 2, ROWS - len(DUPLICATES) - 1 - 3)
    with session_scope(sessions) as session:
        status = dict(session.execute(select(Appointment.external_id, Appointment.status)).all())
        assert (status["5600002"], status[str(5_600_000 + ROWS + 1)], status["5600003"]) == (
            "no_show", "no_show", "completed")
        assert session.scalar(select(func.count()).select_from(Appointment)) == ROWS - len(DUPLICATES) - 1


def _index_definitions(session: Session) -> set[tuple]:
    if session.get_bind().dialect.name == "sqlite":
        sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'appointments'"
    else:
        sql = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'appointments'"
    return set(session.execute(text(sql)).all())


def test_index_rebuild_leaves_the_indexes_of_a_migrated_database(sessions: sessionmaker[Session], tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    with session_scope(sessions) as session:
        migrated = _index_definitions(session)
    names = {name for name, _ in migrated}
    assert {"uq_appointments_natural_key", "ix_appointments_clinic_date", "ix_appointments_date",
            "ix_appointments_provider_id"} <= names  # migrations 0001 and 0008
    monkeypatch.setattr(bulk_indexes, "REBUILD_MIN_ROWS", 1)  # defer (and rebuild) even for this small file
    dropped: list[str] = []
    real_run_all = bulk_indexes.run_all
    monkeypatch.setattr(bulk_indexes, "run_all", lambda raw, statements: (
        dropped.extend(s for s in statements if s.startswith("DROP INDEX")), real_run_all(raw, statements)))
    load(sessions, write(tmp_path / "a.csv"), parallel=True, chunksize=64)
    with session_scope(sessions) as session:
        assert _index_definitions(session) == migrated
        if session.get_bind().dialect.name == "sqlite":  # PostgreSQL keeps its indexes (COPY)
            assert 'DROP INDEX "uq_appointments_natural_key"' in dropped
    with pytest.raises(Exception, match="(?i)unique"), session_scope(sessions) as session:
        session.add(Appointment(source="kaggle-noshow", external_id="5600002", clinic_id=1, patient_pseudonym="x",
                                appointment_date=date(2016, 5, 1), status="completed",
                                row_hash="0" * 16))
        session.flush()


@pytest.mark.parametrize("parallel", [True, False])
def test_an_unreadable_file_fails_whole_in_either_mode(sessions: sessionmaker[Session], tmp_path: Path,
                                                      parallel: bool) -> None:
    path = write(tmp_path / "a.csv", {500: row(500).replace("JARDIM DA PENHA", "@@")})
    path.write_bytes(path.read_bytes().replace(b"@@", b"JARDIM \xff PENHA"))  # not UTF-8, late in the file
    with pytest.raises(ImportFormatError, match="cannot parse the file"):
        load(sessions, path, parallel=parallel, chunksize=64)
    with session_scope(sessions) as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == 0
        assert session.scalar(select(func.count()).select_from(FeedLoad)) == 0


def test_lead_time_rollup_of_an_import_counts_the_planted_rows(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    load(sessions, write(tmp_path / "a.csv"), parallel=True, chunksize=64)  # with the roll-up refresh
    kept = [line for line in range(2, ROWS + 2) if line not in DUPLICATES and line not in BAD_DATE]
    # lead time = appointment day (May) - booking day (April, 30 days), as the generator wrote them
    lead = {line: (30 - (1 + line % 17)) + (1 + line % 28) for line in kept}
    day = {line: date(2016, 5, 1 + line % 28) for line in kept}
    network = Counter((day[line], lead[line]) for line in kept)
    per_clinic = Counter((PLACES[line % len(PLACES)], day[line], lead[line]) for line in kept)
    t = LeadTimeDaily
    with session_scope(sessions) as session:
        rows = session.execute(select(Clinic.name, t.appointment_date, t.lead_days, t.appointments)
                               .outerjoin(Clinic, Clinic.id == t.clinic_id)).all()
    assert {(d, n): c for name, d, n, c in rows if name is None} == dict(network)
    assert {(name, d, n): c for name, d, n, c in rows if name is not None} == dict(per_clinic)
