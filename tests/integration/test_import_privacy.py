"""Import reasons never repeat a patient identifier typed into a cell (both databases).

The identifiers below are taken from the input text itself: none of them may appear in what the
import prints, in ``import_issues``, in the log, or in the rejects file's reason column (the
rejects file may keep the raw row: it is the admin's own copy). Short harmless values ('2016-13-45',
'booked?') are still quoted, so the admin can find the mistake.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from storage.db import make_engine, make_session_factory, session_scope
from storage.models import ImportIssue

HEADER = ("appointment_id,clinic,clinic_name,provider,provider_name,patient_id,booked_at,appointment_at,status,"
          "appointment_type,insurance_verified")
ROWS = [
    "A1,north,,,,P1,,Jane Doe DOB 1980-01-02,completed,,",  # line 2: date column
    "A2,north,,,,P2,,2026-03-02T10:00:00,John Smith MRN 777,,",  # line 3: status
    "A3,north,,,,P3,,2026-03-02T10:00:00,completed,,Mary Jones",  # line 4: boolean (warning)
    "A4,north,,,,P4,call pt at 555-867-5309,2026-03-02T10:00:00,completed,,",  # line 5: booked_at (warning)
    "A5,north,,,,P5,,2026-03-02T10:00:00,jane doe,,",  # line 6: a lower-case name
    "A6,north,,,,P6,,2016-13-45,completed,,",  # line 7: a harmless malformed date
    "A7,north,,,,P7,,2026-03-02T10:00:00,booked?,,",  # line 8: a harmless status
    "A8,north,,,,P8,,2026-03-02T10:00:00,completed,,,Robert Whitfield DOB 04/05/1961",  # line 9: extra field
]
IDENTIFIERS = ["Jane", "Doe", "1980-01-02", "John Smith", "MRN 777", "Mary Jones", "867-5309", "jane doe",
               "Whitfield", "04/05/1961"]


def _leaks(text: str) -> list[str]:
    return [i for i in IDENTIFIERS if i.lower() in text.lower()]


def test_import_reasons_hold_no_identifiers(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            caplog: pytest.LogCaptureFixture) -> None:
    from bot.cli import cli

    monkeypatch.delenv("OPSBOT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "phi.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    caplog.set_level(logging.DEBUG)
    result = CliRunner().invoke(cli, ["import", "appointments", str(path), "--database", db_url, "--no-progress",
                                      "--timezone", "America/New_York"])
    assert result.exit_code == 0, result.output
    assert "rejected 6," in result.output  # lines 2, 3, 6, 7, 8 and the extra-field line 9
    assert _leaks(result.output) == []
    assert _leaks(caplog.text) == []
    engine = make_engine(db_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            details = {i.line: i.detail for i in session.scalars(select(ImportIssue))}
    finally:
        engine.dispose()
    assert _leaks(" ".join(details.values())) == []
    assert {2, 3, 4, 5, 6, 7, 8, 9} <= set(details)
    assert "date of birth" in details[2] and "person's name" in details[3]  # described by shape
    assert "'2016-13-45'" in details[7] and "'booked?'" in details[8]  # harmless: still quoted
    rejects = pd.read_csv(next((tmp_path / "rejects").glob("phi.*.rejects.csv")), dtype=str)  # one per run
    assert _leaks(" ".join(rejects["reason"].fillna(""))) == []
