"""A patient id a spreadsheet would run as a formula (OWASP "CSV Injection": a cell starting with
``=``, ``+``, ``-`` or ``@``) is no patient's id: its row is rejected with its line and reason
(``invalid_patient_id``), and the rejects file keeps the cell inert (``'`` prefix). A sign before a
plain number (``-12345``), which a spreadsheet reads as a number, is loaded with a warning
(``signed_patient_id``). The reasons never repeat the id. Appointments, claims and surveys."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest.appointments import AppointmentsImporter
from bot.ingest.base import FeedImporter
from bot.ingest.claims import ClaimsImporter
from bot.ingest.runner import run_import
from bot.ingest.surveys import SurveysImporter
from storage.db import session_scope
from storage.models import Appointment, Claim, ImportIssue, SurveyResponse

KEY = "k" * 40
ZONES = {"north": "America/New_York"}
# (patient id as written, what happens): formulas per OWASP, then ids a spreadsheet leaves alone
IDS = [
    ("=HYPERLINK(\"http://x\",\"y\")", "reject"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "reject"),
    ("+cmd|' /C calc'!A0", "reject"),
    ("-2+3+cmd|' /C calc'!A0", "reject"),
    ("-A1", "reject"),
    ("=1", "reject"),
    ("@", "reject"),
    ("-12345", "warn"),
    ("+0042", "warn"),
    ("-9.3E+05", "warn"),
    ("MRN-0001", "load"),
    ("12-345", "load"),
    ("", "load"),
]


def _import(sessions: sessionmaker[Session], importer: FeedImporter, path: Path) -> tuple[int, int]:
    with session_scope(sessions) as s:
        summary = run_import(s, importer, path, rejects_path=path.with_suffix(".rejects.csv"), progress=False)
    return summary.imported, summary.rejected


def _issues(sessions: sessionmaker[Session], code: str) -> dict[int, str]:
    with sessions() as s:
        return {i.line: i.detail for i in s.scalars(select(ImportIssue).where(ImportIssue.code == code))}


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _check(sessions: sessionmaker[Session], path: Path, importer: FeedImporter) -> None:
    rejected = {i + 2 for i, (_, fate) in enumerate(IDS) if fate == "reject"}  # header = line 1
    warned = {i + 2 for i, (_, fate) in enumerate(IDS) if fate == "warn"}
    assert _import(sessions, importer, path) == (len(IDS) - len(rejected), len(rejected))
    reasons = _issues(sessions, "invalid_patient_id")
    assert set(reasons) == rejected
    assert reasons[2] == ("patient id starts with '=', which a spreadsheet runs as a formula (CSV injection); "
                          "not a patient id: fix the export")
    assert reasons[5].startswith("patient id starts with '-'")
    assert set(_issues(sessions, "signed_patient_id")) == warned
    details = " ".join(list(reasons.values()) + list(_issues(sessions, "signed_patient_id").values()))
    assert "HYPERLINK" not in details and "12345" not in details and "calc" not in details
    with path.with_suffix(".rejects.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["line"]) for r in rows] == sorted(rejected)
    assert {r["patient_id"] for r in rows} == {"'" + v for v, fate in IDS if fate == "reject"}


# (feed, header, one row with ``{i}`` and ``{id}``, importer, the table its rows land in)
FEEDS = [
    ("appointments", "appointment_id,clinic,patient_id,appointment_at,status",
     "A{i},north,{id},2026-12-01T09:{i:02d},completed", AppointmentsImporter, Appointment),
    ("claims", "claim_id,clinic,patient_id,service_date,created_date,charge",
     "C{i},north,{id},2026-12-01,2026-12-02,100.00", ClaimsImporter, Claim),
    ("surveys", "response_id,clinic,patient_id,response_date,provider_rating",
     "S{i},north,{id},2026-12-01,9", SurveysImporter, SurveyResponse),
]


@pytest.mark.parametrize("feed,header,row,importer,table", FEEDS, ids=[f[0] for f in FEEDS])
def test_patient_ids_in(sessions: sessionmaker[Session], tmp_path: Path, feed: str, header: str, row: str,
              importer: Callable[..., FeedImporter], table: type[Any]) -> None:
    path = tmp_path / f"{feed}.csv"
    path.write_text(header + "\n" + "".join(row.format(i=i, id=_quote(v)) + "\n" for i, (v, _) in enumerate(IDS)))
    _check(sessions, path, importer(KEY, timezones=ZONES))
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(table)) == 6  # MRN-0001, 12-345, empty, three signed
