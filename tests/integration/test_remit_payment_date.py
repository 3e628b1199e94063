"""An 835 whose payment date (BPR16) is unreadable: nothing is lost and the summary adds up.

X12 005010X221A1: the remit date is BPR16, else DTM*405 (production date). So with a readable
DTM*405 every claim is imported, each with the warning ``remit_date_from_dtm405`` naming BPR16's
segment and value; without one every claim is rejected (``no_remit_date``) with that same reason,
and the reasons count the rejected claims, one each. BPR02 and BPR16 are read apart (a bad
payment total leaves the date usable). Counts are read off the literal files below."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest.base import ImportSummary
from bot.ingest.remittance_rows import remittance_records
from bot.ingest.remittances import import_remittance_file
from bot.x12 import read_835
from storage.db import session_scope
from storage.models import Remittance

HEAD = "ST*835*0001~BPR*I*{total}*C*ACH*CCP*01*1*DA*2*3**01*4*DA*5*{bpr16}~{dtm}N1*PR*ACME HEALTH~N1*PE*NORTH~"
CLAIMS = "CLP*A1*1*100*100*0*12*P1~CLP*A2*1*200*150*0*12*P2~CLP*A3*4*50*0*0*12*P3~"


def x835(bpr16: str = "20261201", dtm: str | None = None, total: str = "250") -> str:
    """One transaction of three claims; segments: ST 1, BPR 2, [DTM 3], N1 ×2, CLP ×3, SE."""
    head = HEAD.format(total=total, bpr16=bpr16, dtm=f"DTM*405*{dtm}~" if dtm else "")
    n = head.count("~") + CLAIMS.count("~") + 1
    return head + CLAIMS + f"SE*{n}*0001~"


def imported(sessions: sessionmaker[Session], tmp_path: Path, text: str) -> ImportSummary:
    path = tmp_path / "era.835"
    path.write_text(text)
    with session_scope(sessions) as s:
        return import_remittance_file(s, path, rejects_path=tmp_path / "era.rejects.csv")


def test_dated_from_dtm405_every_claim_imported_with_the_problem_noted(sessions: sessionmaker[Session],
                                                                        tmp_path: Path) -> None:
    summary = imported(sessions, tmp_path, x835(bpr16="20261341", dtm="20261130"))
    assert (summary.read, summary.imported, summary.rejected, summary.warned) == (3, 3, 0, 3)
    assert summary.issue_counts == {"warning remit_date_from_dtm405": 3}
    assert [i.line for i in summary.first_issues] == [6, 7, 8]  # the three CLP segments
    assert all("DTM*405" in i.detail and "segment 2: BPR16 '20261341' is not a calendar date" in i.detail
               for i in summary.first_issues)
    report = "\n".join(summary.lines())
    assert "3 warnings (3 claims loaded with warnings); one claim can have several" in report
    assert "reject reason" not in report and "rejected claim" not in report
    with sessions() as s:
        assert {str(d) for d in s.scalars(select(Remittance.remit_date))} == {"2026-11-30"}


def test_no_date_at_all_every_claim_rejected_with_why(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    summary = imported(sessions, tmp_path, x835(bpr16="2026121"))
    assert (summary.read, summary.imported, summary.rejected) == (3, 0, 3)
    assert summary.issue_counts == {"reject no_remit_date": 3}  # one reason per rejected claim, nothing else
    assert "3 reject reasons (3 rejected claims)" in "\n".join(summary.lines())
    assert [i.detail for i in summary.first_issues][0] == (
        "segment 5: claim payment (CLP) not imported: no remit date (segment 2: BPR16 '2026121' is not a "
        "CCYYMMDD date; no DTM*405)")
    rejects = (tmp_path / "era.rejects.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in rejects[1:]] == ["5", "6", "7"]


def test_both_dates_unreadable_names_both() -> None:
    records, issues = remittance_records(read_835(x835(bpr16="20261341", dtm="2026-11-30")))
    assert records == [] and {i.code for i in issues} == {"no_remit_date"} and len(issues) == 3
    assert issues[0].detail.endswith("(segment 2: BPR16 '20261341' is not a calendar date; segment 3: "
                                     "DTM02 (405) '2026-11-30' is not a CCYYMMDD date)")


def test_a_bad_payment_total_keeps_the_date_and_a_bad_unused_dtm_is_a_warning() -> None:
    result = read_835(x835(total="12,50", dtm="20261399"))
    tx = result.transactions[0]
    assert tx.remit_date is not None and str(tx.remit_date) == "2026-12-01"  # BPR16 still read
    assert [(p.segment_id, p.severity) for p in result.problems] == [("BPR", "warning"), ("DTM", "warning")]
    records, issues = remittance_records(result)
    assert len(records) == 3 and [i for i in issues if i.severity == "reject"] == []
