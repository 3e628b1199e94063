"""835 remittance import on SQLite and PostgreSQL: classification stored, idempotence, is_first,
claim linking, problem segments recorded with positions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest.claims import ClaimsImporter
from bot.ingest.remittances import import_remittance_file
from bot.ingest.runner import run_import
from storage.db import session_scope
from storage.models import FeedLoad, ImportIssue, Remittance, RemittanceAdjustment, RemittanceServiceLine

HEADER = "ST*835*0001~BPR*I*440*C*ACH*CCP*01*1*DA*2*3**01*4*DA*5*{date}~N1*PR*ACME HEALTH~N1*PE*NORTH CLINIC~"


def vector_file(shared_dir: Path, tmp_path: Path, date: str = "20260302") -> Path:
    body = (shared_dir / "spec/vectors/era_835_denial_example.txt").read_text()
    path = tmp_path / f"vector_{date}.835"
    path.write_text(HEADER.format(date=date) + body + "SE*28*0001~")  # ST + 3 header + 23 vector segments + SE
    return path


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_spec_vector_is_stored_as_classified(sessions: sessionmaker[Session], shared_dir: Path, tmp_path: Path) -> None:
    path = vector_file(shared_dir, tmp_path)
    with session_scope(sessions) as s:
        summary = import_remittance_file(s, path, rejects_path=tmp_path / "r.csv")
    assert (summary.imported, summary.rejected) == (9, 0)
    with session_scope(sessions) as s:
        rows = s.execute(select(Remittance.patient_control_number, Remittance.claim_status_code, Remittance.is_first,
                                Remittance.excluded, Remittance.is_denial, Remittance.denial_category,
                                Remittance.line_denials).order_by(Remittance.id)).all()
        counted = [r for r in rows if r.is_first and not r.excluded]
        assert (sum(r.is_denial for r in counted), len(counted)) == (3, 7)  # denials.md: 3 / 7
        assert sorted(r.denial_category for r in rows if r.is_denial) == [
            "authorization", "missing_invalid_claim_data", "registration_eligibility"]
        assert sum(r.line_denials for r in rows) == 1
        assert [(r.claim_status_code, r.is_first, r.excluded) for r in rows if r.patient_control_number == "A1001"] == [
            ("1", True, False), ("22", False, True)]
        assert count(s, RemittanceServiceLine) == 2 and count(s, RemittanceAdjustment) == 11
        assert s.scalar(select(RemittanceAdjustment.rarcs).where(RemittanceAdjustment.carc == "16")) == "MA130"
        assert s.scalar(select(RemittanceServiceLine.is_denial).where(
            RemittanceServiceLine.procedure == "HC:93000")) is True


def test_reimport_adds_nothing_and_later_remit_is_not_first(sessions: sessionmaker[Session], shared_dir: Path,
                                                            tmp_path: Path) -> None:
    first = vector_file(shared_dir, tmp_path)
    with session_scope(sessions) as s:
        import_remittance_file(s, first)
    with session_scope(sessions) as s:
        again = import_remittance_file(s, first)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 9)
    later = tmp_path / "rework.835"
    later.write_text(HEADER.format(date="20260320") + "CLP*A1002*1*150*150*0*12*PAYER0002B~SE*6*0001~")
    earlier = tmp_path / "early.835"
    earlier.write_text(HEADER.format(date="20260201") + "CLP*A1003*1*300*300*0*12*PAYER0003A~SE*6*0001~")
    with session_scope(sessions) as s:
        import_remittance_file(s, later)
        import_remittance_file(s, earlier)
    with session_scope(sessions) as s:
        assert count(s, Remittance) == 11 and count(s, RemittanceAdjustment) == 11
        firsts = {(str(d), f) for d, f in s.execute(select(Remittance.remit_date, Remittance.is_first).where(
            Remittance.patient_control_number.in_(["A1002", "A1003"])).order_by(Remittance.id))}
        assert firsts == {("2026-03-02", True), ("2026-03-20", False), ("2026-03-02", False),
                                    ("2026-02-01", True)}


def test_claims_loaded_later_are_linked(sessions: sessionmaker[Session], shared_dir: Path, tmp_path: Path) -> None:
    with session_scope(sessions) as s:
        import_remittance_file(s, vector_file(shared_dir, tmp_path))
    claims = tmp_path / "claims.csv"
    claims.write_text("claim_id,patient_control_number,clinic,service_date,created_date,charge\n"
                      "C2,A1002,north,2026-02-01,2026-02-02,150.00\n")
    with session_scope(sessions) as s:
        run_import(s, ClaimsImporter("key"), claims, progress=False, rejects_path=tmp_path / "r.csv")
    with session_scope(sessions) as s:
        linked = s.execute(select(Remittance.patient_control_number, Remittance.clinic_id).where(
            Remittance.claim_id.is_not(None))).all()
        assert [r[0] for r in linked] == ["A1002"] and linked[0][1] is not None


def test_real_samples_record_problem_segments(sessions: sessionmaker[Session], shared_dir: Path, tmp_path: Path) -> None:
    base = shared_dir / "data"
    exhaustive = base / "affect-therapeutics__edi-835-parser/tests/test_edi_835_files/exhaustive_sample.txt"
    files = sorted(base.glob("*/tests/test_edi_835_files/*.txt")) + sorted(base.glob("LinuxForHealth__x12/**/*.835"))
    assert len(files) == 10
    with session_scope(sessions) as s:
        summaries = {p.name: import_remittance_file(s, p, rejects_path=tmp_path / f"{p.name}.rejects.csv")
                     for p in files}
    # counts are claims: its one CLP is kept; the 5 problem segments (CAS 24, MIA 32, MOA 33, CAS 43,
    # LQ 50: read off the file) are reject issues, not rejected claims
    assert (summaries[exhaustive.name].read, summaries[exhaustive.name].rejected) == (1, 0)
    assert (tmp_path / f"{exhaustive.name}.rejects.csv").read_text().count("\n") == 1 + 23
    with session_scope(sessions) as s:
        load_id = s.scalar(select(FeedLoad.id).where(FeedLoad.source_name == str(exhaustive)))
        lines = set(s.scalars(select(ImportIssue.line).where(ImportIssue.feed_load_id == load_id,
                                                             ImportIssue.severity == "reject")))
        assert lines == {24, 32, 33, 43, 50}
        assert s.scalar(select(func.count()).select_from(RemittanceAdjustment).where(
            RemittanceAdjustment.carc == "29")) == 2  # eMedNY CO-29 timely filing
        assert s.scalar(select(RemittanceAdjustment.amount_cents).where(RemittanceAdjustment.carc == "94")) == -900
        assert s.scalar(select(Remittance.denial_category).where(Remittance.is_denial)) == "timely_filing"
        feeds = s.execute(select(FeedLoad.feed, FeedLoad.file_format).distinct()).all()
        assert feeds == [("remittances", "x12-835")]


@pytest.mark.parametrize("text", ["", "name,clinic\nx,y\n"])
def test_not_an_835_is_a_clear_error(sessions: sessionmaker[Session], tmp_path: Path, text: str) -> None:
    from bot.errors import ImportFormatError

    path = tmp_path / "x.835"
    path.write_text(text)
    with pytest.raises(ImportFormatError, match="no X12 835 claim payment"), session_scope(sessions) as s:
        import_remittance_file(s, path)


def test_transaction_failing_its_trailer_is_not_imported_and_named(sessions: sessionmaker[Session],
                                                                   tmp_path: Path) -> None:
    good = HEADER.format(date="20260302").replace("*0001~", "*0002~", 1) + "CLP*B1*1*150*150*0*12*P2~SE*6*0002~"
    bad = HEADER.format(date="20260302") + "CLP*A1*1*100*100*0*12*P1~SE*6*0009~"  # SE02 is not ST02
    path = tmp_path / "mixed.835"
    path.write_text(bad + good)
    with session_scope(sessions) as s:
        summary = import_remittance_file(s, path, rejects_path=tmp_path / "r.csv")
    assert (summary.imported, summary.rejected) == (1, 1)
    report = "\n".join(summary.lines())
    assert "x12_transaction_rejected" in report
    assert "segment 1: transaction ST02 '0001' not imported (1 claim payment(s) held back)" in report
    assert "SE02 '0009' does not match ST02 '0001'" in report
    with session_scope(sessions) as s:
        assert list(s.scalars(select(Remittance.patient_control_number))) == ["B1"]


def test_a_trailer_count_off_keeps_the_claims_with_a_warning(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    body = HEADER.format(date="20260302") + "CLP*A1*1*100*100*0*12*P1~CLP*A2*1*50*50*0*12*P2~"
    path = tmp_path / "miscounted.835"
    path.write_text(body + "SE*9*0001~")  # ST + 3 header + 2 CLP + SE = 7 segments, SE01 says 9
    with session_scope(sessions) as s:
        summary = import_remittance_file(s, path, rejects_path=tmp_path / "r.csv")
    assert (summary.read, summary.imported, summary.rejected, summary.warned) == (2, 2, 0, 2)
    assert summary.issue_counts == {"warning x12_trailer_count": 1}
    assert re.search(r"segment 7 \([^)]*ST 0001\): SE01 '9' declared, 7 segments counted", "\n".join(summary.lines()))
