"""CSV export of the audit trail for compliance review (``opsbot audit export``).

Columns: ``at`` (ISO 8601, UTC, with ``Z``), ``request_id``, ``seq``, ``team_id``, ``user_id``,
``channel_id``, ``kind``, ``action``, ``target``, ``args``, ``decision``, ``reason``; rows in the
order they were written. Cells that a spreadsheet would read as a formula (leading ``=``, ``+``,
``-``, ``@``) are prefixed with ``'`` (OWASP CSV injection guidance).
"""

from __future__ import annotations

import csv
from datetime import datetime
from typing import TextIO

from sqlalchemy.orm import Session

from bot.audit.service import COLUMNS, rows

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def export_csv(session: Session, out: TextIO, since: datetime | None = None, until: datetime | None = None) -> int:
    """Write the rows with ``since <= at < until`` as CSV to ``out``; returns how many."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for row in rows(session, since, until):
        writer.writerow([_cell(getattr(row, c)) for c in COLUMNS])
        n += 1
    return n
