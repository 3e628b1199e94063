"""Remittance feed: X12 835 files (docs/formats/remittances.md) into ``remittances``, their service
lines and adjustments, one ``FeedLoad`` (feed "remittances", format "x12-835") per file.

Counts in the FeedLoad and summary are claim payments (CLP segments): ``read`` = imported +
updated + unchanged + rejected; ``rejected`` = CLPs the reader could not use, claims without a
remit date (each saying which of BPR16 / DTM*405 was unreadable or absent) and claims of a
transaction held back; ``warned`` = stored claims with a warning (e.g. dated from DTM*405 because
BPR16 is unreadable).
Problems with other segments are issues (listed by kind, not counted as claims). Every problem is an ``ImportIssue`` whose ``line`` is the 835 segment number; the
rejected claims and segments (with line, byte offset, ST number, reason and raw text) are listed
in ``rejects/<file>.<UTC time>-<run id>.rejects.csv`` (or the path given; ``remittance_rejects``).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.errors import ImportFormatError
from bot.ingest.base import FIRST_ISSUES, ImportSummary
from bot.ingest.csvfile import default_rejects_path
from bot.ingest.issues import Issue
from bot.ingest.remittance_clinic import RemitClinic
from bot.ingest.remittance_rejects import ADVICE, HEADING, looks_like_rejects, write_rejects
from bot.ingest.remittance_rows import CLAIM_REJECTS, RemitIssue, RemitRecord, remittance_records
from bot.ingest.remittance_store import store_records
from bot.kpi.rollup_refresh import refresh_feed_rollups
from bot.phi_guard import Guard
from bot.x12 import Remittance835, read_835
from storage.models import FeedLoad, ImportIssue, utcnow

FEED = "remittances"
FORMAT = "x12-835"
CLAIM_PAYMENTS = ("claim payment", "claim payments")  # one CLP: what read/stored/rejected count


def import_remittance_file(session: Session, path: Path | str, *, default_clinic: RemitClinic | None = None,
                           rejects_path: Path | None = None, guard: Guard | None = None) -> ImportSummary:
    """Import one 835 file in the caller's session (nothing is committed here).

    ``default_clinic``: the clinic of remittances whose claim is not loaded (``--clinic``, resolved
    by :func:`bot.ingest.remittance_clinic.resolve_remit_clinic`); created here when first used.
    ``guard``: the organisation's identifier guard (:func:`bot.phi_labels.guard_of`) for the
    payer's name; a transaction whose payer's name holds an identifier has its claims rejected.

    Raises:
        ImportFormatError: the file cannot be read, or holds no 835 claim payment at all.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read the file ({exc.strerror})") from None
    result = read_835(data)
    if not result.claims and not any(p.segment_id == "CLP" for p in result.problems):
        if looks_like_rejects(data):
            raise ImportFormatError(f"{path.name} is the list of an 835 import's rejected claims and segments, "
                                    "not an 835: correct the source 835 it names by segment and line (or have "
                                    "the payer re-send it) and import that 835")
        raise ImportFormatError(f"{path.name}: no X12 835 claim payment (CLP segment) found")
    records, issues = remittance_records(result, guard)
    load = FeedLoad(feed=FEED, source_name=str(path)[:300], file_format=FORMAT)
    session.add(load)
    session.flush()
    clinic_id = (lambda segment: default_clinic.clinic_id(session, segment, issues)) if default_clinic else None
    counts = store_records(session, records, feed_load_id=load.id, default_clinic=clinic_id, issues=issues)
    summary = ImportSummary(FEED, str(path), FORMAT, load.id, imported=counts.imported, updated=counts.updated,
                            unchanged=counts.unchanged)
    _count_claims(summary, result, records, issues)
    rejected = {i.line for i in issues if i.severity == "reject"}
    dates = [r.remit_date for r in records]
    summary.data_min_date, summary.data_max_date = (min(dates), max(dates)) if dates else (None, None)
    if dates:  # from the first remit date on: a new first remittance can demote a later one
        refresh_feed_rollups(session, FEED, summary.data_min_date, None)
    _record_issues(session, summary, issues)
    if rejected:
        summary.rejects_path = write_rejects(rejects_path or default_rejects_path(path), data, result, issues)
        summary.rejects_heading, summary.rejects_advice = HEADING, ADVICE
    _close(load, summary)
    session.flush()
    return summary


def _count_claims(summary: ImportSummary, result: Remittance835, records: list[RemitRecord],
                  issues: list[RemitIssue]) -> None:
    """Claims (CLP) read, rejected and warned: every CLP segment of the file is read once and
    either stored (imported/updated/unchanged; an identical repeat in the file counts as
    unchanged) or rejected (unreadable CLP, no remit date, transaction held back)."""
    held = {c.segment_index for t in result.transactions if t.rejected for c in t.claims}
    dropped = {p.segment_index for p in result.problems if p.segment_id == "CLP" and p.severity == "error"}
    undated = {i.line for i in issues if i.code in CLAIM_REJECTS}
    repeats = sum(1 for i in issues if i.code == "duplicate_in_file")
    kept = {r.claim.segment_index for r in records}
    warned = {i.line for i in issues if i.severity == "warning" and i.code != "duplicate_in_file"}
    warned |= {c.segment_index for t in result.transactions if t.envelope_warnings for c in t.claims}
    summary.unit, summary.noun = "claims (CLP)", CLAIM_PAYMENTS
    summary.rejected = len(held | dropped | undated)
    summary.unchanged += repeats
    summary.warned = len(warned & kept)
    summary.read = len(records) + repeats + summary.rejected


def _record_issues(session: Session, summary: ImportSummary, issues: list[RemitIssue]) -> None:
    for i in issues:
        kind = f"{i.severity} {i.code}"
        summary.issue_counts[kind] = summary.issue_counts.get(kind, 0) + 1
    summary.first_issues = [Issue(i.line, i.severity, i.code, i.detail, "segment") for i in issues[:FIRST_ISSUES]]
    if issues:
        session.execute(insert(ImportIssue), [
            {"feed_load_id": summary.feed_load_id, "line": i.line, "severity": i.severity, "code": i.code,
             "detail": i.detail} for i in issues])


def _close(load: FeedLoad, s: ImportSummary) -> None:
    for name, value in (("rows_read", s.read), ("rows_imported", s.imported), ("rows_updated", s.updated),
                        ("rows_unchanged", s.unchanged), ("rows_rejected", s.rejected), ("rows_warned", s.warned),
                        ("data_min_date", s.data_min_date), ("data_max_date", s.data_max_date)):
        setattr(load, name, value)
    load.rejects_path = str(s.rejects_path) if s.rejects_path else None
    load.finished_at = utcnow()
