"""The rejects file of an 835 import: one CSV row per rejected issue (a claim not imported, or a
segment the reader dropped), with where it is in the source file and its raw text.

Columns: ``segment`` (1-based segment number), ``line`` and ``byte`` (where the segment starts
in the file), ``st`` (ST02 of its transaction), ``code``, ``reason``, ``raw_segment`` (the segment
as sent, elements joined by the file's element separator). A claim's reject (``no_remit_date``,
``x12_segment`` on a CLP) carries its CLP segment; a held-back transaction its ST.

The file names patients (CLP01 is the patient control number): it is created owner-only
(``private_file``, 0600) and named by the feed load, so the retention job deletes it after
``rejects_retention_days``. Cells a spreadsheet would run as a formula are prefixed with ``'``.

It is a list to read, not a file to import: an 835 is corrected at its source and imported
again (claims already imported are matched on their natural key and not added twice).
"""

from __future__ import annotations

import csv
from pathlib import Path

from bot.ingest.csvfile import FORMULA_STARTS, private_file
from bot.ingest.remittance_rows import RemitIssue
from bot.x12 import Remittance835
from bot.x12.tokenizer import RawSegment, tokenize

COLUMNS = ("segment", "line", "byte", "st", "code", "reason", "raw_segment")
HEADING = "rejected claims and segments listed in"
ADVICE = ("segment, line, reason and raw segment; a list to read, not a file to import: correct the "
          "source 835 (or have the payer re-send it) and import the corrected 835; claims already "
          "imported are not added twice")


def write_rejects(target: Path, data: bytes, result: Remittance835, issues: list[RemitIssue]) -> Path:
    """Write the rejected ``issues`` of the 835 ``data`` (read as ``result``) to ``target``."""
    _, segments, _ = tokenize(data)
    by_index = {seg.index: seg for seg in segments}
    st_of = _transactions(segments)
    element = result.separators.element
    with private_file(target).open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for issue in sorted((i for i in issues if i.severity == "reject"), key=lambda i: i.line):
            seg = by_index.get(issue.line)
            where = [seg.line, seg.offset, st_of.get(seg.index, "")] if seg else ["", "", ""]
            raw = element.join(seg.elements) if seg else ""
            writer.writerow([issue.line, *where, issue.code, _inert(issue.detail), _inert(raw)])
    return target


def _transactions(segments: list[RawSegment]) -> dict[int, str]:
    """ST02 of the transaction each segment is in (ST to SE inclusive)."""
    out: dict[int, str] = {}
    current: str | None = None
    for seg in segments:
        if seg.tag == "ST":
            current = seg.get(2)
        if current is not None:
            out[seg.index] = current
        if seg.tag in ("SE", "GE", "IEA"):
            current = None
    return out


def _inert(text: str) -> str:
    """``'`` before a cell a spreadsheet would run as a formula (OWASP "CSV Injection")."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def looks_like_rejects(data: bytes) -> bool:
    """True when ``data`` is a rejects list written here (its header), not an 835."""
    first = data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip().decode("latin-1")
    return first == ",".join(COLUMNS)
