"""Corrected and re-sent 835s (005010X221A1 section 1.10.2.8, reversals and corrections) on SQLite
and PostgreSQL: the service lines (SVC) of the later read are the truth.

Files are built here by hand; segment numbers counted by hand (ST = 1, BPR = 2, N1*PR = 3,
N1*PE = 4, first CLP = 5). Amounts in cents. A line paid 0 with a denial CARC (CO-97, bundling)
on a paid claim is a line denial (spec/denials.md).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest.base import ImportSummary
from bot.ingest.remittances import import_remittance_file
from storage.db import session_scope
from storage.models import ImportIssue, Remittance, RemittanceAdjustment, RemittanceServiceLine

HEADER = "ST*835*0001~BPR*I*60*C*ACH*CCP*01*1*DA*2*3**01*4*DA*5*20260302~N1*PR*ACME HEALTH~N1*PE*NORTH CLINIC~"
CLAIM = "CLP*P100*1*100*60*0*12*ICN100~SVC*HC:99213*60*60~"
LINE_2 = "SVC*HC:93000*40*0~CAS*CO*97*40~"  # segments 7 and 8
BROKEN_LINE_2 = "SVC*HC*40*0~CAS*CO*97*40~"  # SVC01 without a procedure code: line dropped, its CAS too


def write(tmp_path: Path, name: str, body: str, segments: int) -> Path:
    path = tmp_path / name
    path.write_text(f"{HEADER}{body}SE*{segments}*0001~")
    return path


def run(sessions: sessionmaker[Session], path: Path) -> ImportSummary:
    with session_scope(sessions) as s:
        return import_remittance_file(s, path, rejects_path=path.with_suffix(".rejects.csv"))


def lines(sessions: sessionmaker[Session], pcn: str) -> list[tuple[str, str, int, str, int, int, bool]]:
    """(CLP02, remit date, line number, procedure, charge, paid, is denial) of every stored line of ``pcn``."""
    R, L = Remittance, RemittanceServiceLine
    with session_scope(sessions) as s:
        return [tuple(r) for r in s.execute(  # type: ignore[misc]
            select(R.claim_status_code, R.remit_date, L.line_number, L.procedure, L.charge_cents, L.paid_cents,
                   L.is_denial).join(L, L.remittance_id == R.id).where(R.patient_control_number == pcn)
            .order_by(R.id, L.line_number))]


def test_resent_835_adds_back_a_line_dropped_from_the_stored_claim(sessions: sessionmaker[Session],
                                                                  tmp_path: Path) -> None:
    broken = write(tmp_path, "first.835", CLAIM + BROKEN_LINE_2, 9)
    fixed = write(tmp_path, "resent.835", CLAIM + LINE_2, 9)
    first = run(sessions, broken)
    assert (first.imported, first.rejected) == (1, 0)
    assert [(n, p) for _, _, n, p, *_ in lines(sessions, "P100")] == [(1, "HC:99213")]

    resent = run(sessions, fixed)
    assert (resent.imported, resent.updated, resent.unchanged) == (0, 1, 0)
    day = lines(sessions, "P100")[0][1]
    assert lines(sessions, "P100") == [("1", day, 1, "HC:99213", 6000, 6000, False),
                                       ("1", day, 2, "HC:93000", 4000, 0, True)]
    with session_scope(sessions) as s:
        assert s.scalar(select(Remittance.line_denials)) == 1
        adjs = s.execute(select(RemittanceAdjustment.group_code, RemittanceAdjustment.carc,
                                RemittanceAdjustment.amount_cents, RemittanceServiceLine.line_number)
                         .join(RemittanceServiceLine, RemittanceServiceLine.id == RemittanceAdjustment.service_line_id)).all()
        assert [tuple(a) for a in adjs] == [("CO", "97", 4000, 2)]

    again = run(sessions, fixed)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 1)

    # the broken read once more: it lost line 2, so it replaces nothing and says so at its CLP (segment 5)
    stale = run(sessions, broken)
    assert (stale.imported, stale.updated, stale.unchanged, stale.warned) == (0, 0, 1, 1)
    assert len(lines(sessions, "P100")) == 2
    with session_scope(sessions) as s:
        assert s.execute(select(ImportIssue.line).where(ImportIssue.feed_load_id == stale.feed_load_id,
                                                        ImportIssue.code == "service_lines_kept")).scalars().all() == [5]


def test_resent_835_without_a_line_drops_it(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    """The payer's later CLP (read whole) names one line: the stored claim keeps only that one."""
    run(sessions, write(tmp_path, "first.835", CLAIM + LINE_2, 9))
    resent = run(sessions, write(tmp_path, "resent.835", CLAIM, 7))
    assert (resent.updated, resent.unchanged) == (1, 0)
    assert [(n, p) for _, _, n, p, *_ in lines(sessions, "P100")] == [(1, "HC:99213")]
    with session_scope(sessions) as s:
        assert s.scalars(select(RemittanceAdjustment.carc)).all() == []
        assert s.scalar(select(Remittance.line_denials)) == 0


REVERSED = ("CLP*P200*1*100*100*0*12*ICN200~SVC*HC:99213*60*60~SVC*HC:93000*40*40~"  # 5, 6, 7: original
            "CLP*P200*22*-100*-100*0*12*ICN200~SVC*HC:99213*-60*-60~SVC*HC:93000*-40*-40~"  # 8, 9, 10: reversal
            "CLP*P200*1*100*100*0*12*ICN200~SVC*HC:99214*100*100~")  # 11, 12: corrected, same CLP as 5


def test_corrected_claim_after_a_reversal_is_stored_with_its_own_lines(sessions: sessionmaker[Session],
                                                                       tmp_path: Path) -> None:
    path = write(tmp_path, "corrected.835", REVERSED, 13)
    summary = run(sessions, path)
    assert (summary.read, summary.imported, summary.unchanged, summary.rejected) == (3, 3, 0, 0)
    assert "warning duplicate_in_file" not in summary.issue_counts
    stored = lines(sessions, "P200")
    day = stored[0][1]
    assert stored == [("1", day, 1, "HC:99213", 6000, 6000, False), ("1", day, 2, "HC:93000", 4000, 4000, False),
                      ("22", day, 1, "HC:99213", -6000, -6000, False), ("22", day, 2, "HC:93000", -4000, -4000, False),
                      ("1", day, 1, "HC:99214", 10000, 10000, False)]
    net: dict[str, int] = {}
    for *_, procedure, _, paid, _ in stored:
        net[procedure] = net.get(procedure, 0) + paid
    assert {p: c for p, c in net.items() if c} == {"HC:99214": 10000}  # the corrected claim's lines, nothing else
    with session_scope(sessions) as s:
        flags = s.execute(select(Remittance.claim_status_code, Remittance.is_first, Remittance.excluded)
                          .order_by(Remittance.id)).all()
    assert [tuple(f) for f in flags] == [("1", True, False), ("22", False, True), ("1", False, False)]
    again = run(sessions, path)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 3)


def test_identical_repeat_without_a_reversal_is_still_a_duplicate(sessions: sessionmaker[Session],
                                                                  tmp_path: Path) -> None:
    summary = run(sessions, write(tmp_path, "twice.835", CLAIM + CLAIM, 9))
    assert (summary.read, summary.imported, summary.unchanged) == (2, 1, 1)
    assert summary.issue_counts == {"warning duplicate_in_file": 1}
    assert len(lines(sessions, "P100")) == 1


def test_correction_in_a_later_file_of_the_same_date_leaves_the_original(sessions: sessionmaker[Session],
                                                                         tmp_path: Path) -> None:
    """The original in one file, the reversal and the corrected claim (its CLP the same as the
    original's, same remit date) in another: the corrected claim is a new remittance, not a
    re-read of the original, so the original keeps its lines and the net is the corrected claim's."""
    original, correction = REVERSED[:REVERSED.index("CLP*P200*22")], REVERSED[REVERSED.index("CLP*P200*22"):]
    run(sessions, write(tmp_path, "original.835", original, 8))  # ST, BPR, N1, N1, CLP, SVC, SVC, SE
    later = run(sessions, write(tmp_path, "correction.835", correction, 10))  # 4 + CLP, SVC, SVC, CLP, SVC + SE
    assert (later.imported, later.updated, later.unchanged) == (2, 0, 0)
    stored = lines(sessions, "P200")
    assert [(status, n, p, paid) for status, _, n, p, _, paid, _ in stored] == [
        ("1", 1, "HC:99213", 6000), ("1", 2, "HC:93000", 4000),
        ("22", 1, "HC:99213", -6000), ("22", 2, "HC:93000", -4000), ("1", 1, "HC:99214", 10000)]
