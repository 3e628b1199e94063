"""Every data line is accounted for: imported, updated, unchanged or rejected with its line and reason.

The file is written here line by line, so every expected line number and reason code is read off
the file as built (the construction is the source), never from the importer. Bad lines of many
kinds sit between good ones, several of each kind, some of them next to each other (a pandas
warning can name several lines at once). Rejected cells that a spreadsheet would run as formulas
must be inert in the rejects file (OWASP "CSV Injection": cells starting with =, +, -, @, tab or
carriage return are prefixed with a single quote).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import ImportFormatError
from bot.ingest.appointments import AppointmentsImporter
from bot.ingest.base import ImportSummary
from bot.ingest.runner import run_import
from storage.db import session_scope
from storage.models import Appointment, ImportIssue

HEADER = "appointment_id,clinic,provider,patient_id,appointment_at,status"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV Injection


def good(n: int) -> str:
    return f"G{n},aspen,aspen-p1,P{n},2026-03-{1 + n % 28:02d}T09:30:00-05:00,completed"


# kind -> (line text for bad line n, reason code the importer must give)
BAD_KINDS = {
    "too_many": (lambda n: good(n).replace("G", "X", 1) + ",extra,=HYPERLINK(\"x\")", "bad_field_count"),
    "bad_date": (lambda n: f"D{n},aspen,aspen-p1,P{n},March {n} 2026,completed", "invalid_appointment_date"),
    "bad_status": (lambda n: f"S{n},aspen,aspen-p1,P{n},2026-03-02T09:30:00-05:00,+SUM(1;2)", "unknown_outcome"),
    "no_id": (lambda n: f",aspen,aspen-p1,P{n},2026-03-02T09:30:00-05:00,completed", "missing_id"),
    "no_clinic": (lambda n: f"C{n},,@SUM(A1),P{n},2026-03-02T09:30:00-05:00,completed", "missing_clinic"),
    "too_few": (lambda n: f"F{n},aspen,aspen-p1,P{n},2026-03-02T09:30:00-05:00", "unknown_outcome"),
    "no_date": (lambda n: f"N{n},aspen,-2+3+cmd|' /C calc'!A0,P{n},,completed", "missing_appointment_date"),
}


def build(tmp_path: Path, seed: int) -> tuple[Path, dict[int, str], int]:
    """150 good lines and 50 bad ones in random order; returns the path, {line: reason code} and
    the number of good lines."""
    rng = random.Random(seed)
    kinds = list(BAD_KINDS)
    bad = [kinds[i % len(kinds)] for i in range(50)]
    rows: list[tuple[str, str | None]] = [(good(n), None) for n in range(150)]
    for i, kind in enumerate(bad):
        make, code = BAD_KINDS[kind]
        rows.insert(rng.randrange(len(rows) + 1), (make(1000 + i), code))
    # three bad lines in a row, so one pandas warning names several lines
    make, code = BAD_KINDS["too_many"]
    rows[10:10] = [(make(2000 + i), code) for i in range(3)]
    expected = {line: code for line, (_, code) in enumerate(rows, start=2) if code is not None}
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join([HEADER, *(text for text, _ in rows)]) + "\n", encoding="utf-8")
    return path, expected, 150


def load(sessions: sessionmaker[Session], path: Path, rejects: Path, **options: object) -> ImportSummary:
    with session_scope(sessions) as session:
        return run_import(session, AppointmentsImporter("test-key", timezones={"aspen": "America/New_York"}),
                          path, progress=False,
                          rejects_path=rejects, **options)


@pytest.mark.parametrize("parallel", [False, True])
def test_every_line_is_accounted_for(sessions: sessionmaker[Session], tmp_path: Path, parallel: bool) -> None:
    path, expected, goods = build(tmp_path, seed=7)
    rejects = tmp_path / "mixed.rejects.csv"
    summary = load(sessions, path, rejects, parallel=parallel, chunksize=17)
    data_lines = goods + len(expected)
    assert summary.read == data_lines == 203
    assert summary.imported + summary.updated + summary.unchanged + summary.rejected == data_lines
    assert (summary.imported, summary.rejected) == (goods, len(expected))
    with session_scope(sessions) as session:
        found = {(line, code) for line, code in session.execute(
            select(ImportIssue.line, ImportIssue.code).where(ImportIssue.severity == "reject"))}
        stored = set(session.scalars(select(Appointment.external_id)))
    assert {line for line, _ in found} == set(expected)
    for line, code in expected.items():
        assert (line, code) in found, f"line {line} should be rejected as {code}"
    assert stored == {f"G{n}" for n in range(150)}

    with rejects.open(newline="", encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert sorted(int(r["line"]) for r in written) == sorted(expected)
    for record in written:
        for column, value in record.items():
            assert not value.startswith(FORMULA_STARTS), f"line {record['line']} {column}: {value!r} is live"
    formulas = [v for r in written for v in r.values() if v.startswith("'") and v[1:2] in FORMULA_STARTS]
    assert len(formulas) >= len([c for c in expected.values() if c != "missing_id"]) // 3


def test_reimporting_the_neutralised_rejects_restores_the_text(sessions: sessionmaker[Session],
                                                              tmp_path: Path) -> None:
    """The operator corrects the rejects file and imports it: the quote added for safety is gone."""
    path = tmp_path / "one.csv"
    path.write_text(HEADER + "\nQ1,aspen,-minus-provider,P1,2026-03-02T09:30:00-05:00,bogus\n", encoding="utf-8")
    rejects = tmp_path / "one.rejects.csv"
    assert load(sessions, path, rejects).rejected == 1
    text = rejects.read_text(encoding="utf-8")
    assert ",'-minus-provider," in text
    rejects.write_text(text.replace("bogus", "completed"), encoding="utf-8")
    again = load(sessions, rejects, tmp_path / "again.rejects.csv")
    assert (again.imported, again.rejected) == (1, 0)
    with session_scope(sessions) as session:
        keys = set(session.execute(select(Appointment.external_id)).scalars())
    assert keys == {"Q1"}


def test_a_header_naming_a_column_twice_is_refused_clearly(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text(HEADER + ",status\nA1,aspen,p,P1,2026-03-02T09:30:00-05:00,completed,completed\n",
                    encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"column `status` twice \(columns 6 and 7\)"):
        load(sessions, path, tmp_path / "r.csv")
