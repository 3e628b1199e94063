"""A clinic key in a feed is matched to the known clinics ignoring case and accents; a typo of a
known clinic, or a clinic the organisation file does not list, is rejected with its line and
"did you mean"; a clinic created by an import is a warning naming its line (SQLite and PostgreSQL).

Files are written here; lines are counted by hand (header = line 1).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest.appointments import AppointmentsImporter
from bot.ingest.base import ImportSummary
from bot.ingest.claims import ClaimsImporter
from bot.ingest.ledger import ArImporter
from bot.ingest.runner import run_import
from storage.db import session_scope
from storage.models import Appointment, ArSnapshot, Claim, Clinic, ImportIssue
from storage.reference import ensure_clinics

HEADER = "appointment_id,clinic,patient_id,appointment_at,status"
ROWS = [
    "A1,seaside,P1,2026-03-02T09:00,completed",  # 2: the stored clinic
    "A2,seasidee,P2,2026-03-02T10:00,completed",  # 3: a typo of it: rejected
    "A3,SEASIDE,P3,2026-03-02T11:00,completed",  # 4: other case: seaside
    "A4,Resistencia,P4,2026-03-02T12:00,no_show",  # 5: name RESISTÊNCIA without accent: resistencia
    "A5,harbor,P5,2026-03-02T13:00,completed",  # 6: a new clinic
    "A6,Harbor,P6,2026-03-02T14:00,completed",  # 7: the new clinic again, other case
]


def write(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def stored_clinics(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as s:
        ensure_clinics(s, [{"key": "seaside", "name": "Seaside", "timezone": "America/Denver"},
                           {"key": "resistencia", "name": "RESISTÊNCIA", "timezone": "America/Sao_Paulo"}])


def issues_of(sessions: sessionmaker[Session], feed_load_id: int) -> dict[tuple[int, str], str]:
    with session_scope(sessions) as s:
        return {(i.line, i.code): i.detail for i in s.scalars(
            select(ImportIssue).where(ImportIssue.feed_load_id == feed_load_id))}


def appointments(sessions: sessionmaker[Session], path: Path, **options: object) -> ImportSummary:
    with session_scope(sessions) as s:
        return run_import(s, AppointmentsImporter("k", **options), path, progress=False,  # type: ignore[arg-type]
                          rejects_path=path.with_suffix(".rejects.csv"))


def test_case_and_accents_match_and_a_typo_is_rejected(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    stored_clinics(sessions)
    summary = appointments(sessions, write(tmp_path / "typo.csv", ROWS), default_timezone="America/Denver")
    # read 6 = imported 5 + rejected 1 (line 3); warned: line 6, the row creating harbor
    assert (summary.read, summary.imported, summary.rejected, summary.warned) == (6, 5, 1, 1)
    issues = issues_of(sessions, summary.feed_load_id)
    assert set(issues) == {(3, "unknown_clinic"), (6, "new_clinic")}
    assert issues[(3, "unknown_clinic")].startswith("unknown clinic 'seasidee' — did you mean 'seaside'?")
    assert issues[(6, "new_clinic")].startswith("new clinic 'harbor' created from line 6")
    with session_scope(sessions) as s:
        assert sorted(s.scalars(select(Clinic.key))) == ["harbor", "resistencia", "seaside"]
        by_id = dict(s.execute(select(Clinic.id, Clinic.key)).all())
        rows = {a.external_id: by_id[a.clinic_id] for a in s.scalars(select(Appointment))}
    assert rows == {"A1": "seaside", "A3": "seaside", "A4": "resistencia", "A5": "harbor", "A6": "harbor"}
    report = "\n".join(summary.lines())
    assert "line 3: reject unknown_clinic: unknown clinic 'seasidee'" in report


def test_organisation_file_clinics_only(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    """With clinics in the organisation file, any other key is rejected (no clinic is created)."""
    summary = appointments(sessions, write(tmp_path / "org.csv", [ROWS[0], ROWS[2], ROWS[4]]),
                           timezones={"seaside": "America/Denver"}, clinic_names={"seaside": "Seaside"})
    assert (summary.read, summary.imported, summary.rejected, summary.warned) == (3, 2, 1, 0)
    issues = issues_of(sessions, summary.feed_load_id)
    assert set(issues) == {(4, "unknown_clinic")}
    assert "unknown clinic 'harbor'" in issues[(4, "unknown_clinic")]
    assert "organisation file" in issues[(4, "unknown_clinic")]
    assert "did you mean" not in issues[(4, "unknown_clinic")]  # harbor is no near miss of seaside
    with session_scope(sessions) as s:
        assert list(s.scalars(select(Clinic.key))) == ["seaside"]


def test_a_new_clinic_without_zone_says_so_and_how_to_fix(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    stored_clinics(sessions)
    summary = appointments(sessions, write(tmp_path / "nozone.csv", [ROWS[0], ROWS[4]]))
    assert (summary.read, summary.imported, summary.rejected, summary.warned) == (2, 1, 1, 0)
    issues = issues_of(sessions, summary.feed_load_id)
    assert set(issues) == {(3, "clinic_without_timezone")}  # not invalid_appointment_date
    detail = issues[(3, "clinic_without_timezone")]
    assert detail.startswith("clinic 'harbor' is new") and "OPSBOT_CONFIG" in detail and "--timezone" in detail
    with session_scope(sessions) as s:
        assert sorted(s.scalars(select(Clinic.key))) == ["resistencia", "seaside"]


def test_claims_and_ar_apply_the_same_rule(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    stored_clinics(sessions)
    claims = write(tmp_path / "claims.csv", ["C1,SEASIDE,2026-03-02,2026-03-03,100.00",
                                             "C2,seasidee,2026-03-02,2026-03-03,100.00",
                                             "C3,harbor,2026-03-02,2026-03-03,100.00"],
                   header="claim_id,clinic,service_date,created_date,charge")
    with session_scope(sessions) as s:
        summary = run_import(s, ClaimsImporter("k"), claims, progress=False, rejects_path=tmp_path / "c.csv")
    assert (summary.read, summary.imported, summary.rejected, summary.warned) == (3, 2, 1, 1)
    issues = issues_of(sessions, summary.feed_load_id)
    assert set(issues) == {(3, "unknown_clinic"), (4, "new_clinic")}
    assert "did you mean 'seaside'" in issues[(3, "unknown_clinic")]
    ar = write(tmp_path / "ar.csv", ["Seaside,2026-03-31,1000", "SEASIDEE,2026-03-31,500"],
               header="clinic,as_of_date,net_ar")
    with session_scope(sessions) as s:
        ar_summary = run_import(s, ArImporter(), ar, progress=False, rejects_path=tmp_path / "a.csv")
    assert (ar_summary.read, ar_summary.imported, ar_summary.rejected) == (2, 1, 1)
    with session_scope(sessions) as s:
        by_id = dict(s.execute(select(Clinic.id, Clinic.key)).all())
        assert sorted(by_id[c] for c in s.scalars(select(Claim.clinic_id))) == ["harbor", "seaside"]
        assert [by_id[c] for c in s.scalars(select(ArSnapshot.clinic_id))] == ["seaside"]
