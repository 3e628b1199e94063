"""Canonical appointment CSV: time zones, multi-line fields, providers, the CLI (both databases).

Expected instants were worked out by hand from the zone rules: New York is UTC−5 in early March
2026 (DST starts 2026-03-08 02:00, so 02:30 that day does not exist); Berlin is UTC+2 in July.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.ingest.appointments import AppointmentsImporter
from bot.ingest.runner import run_import
from storage.db import session_scope
from storage.models import Appointment, Clinic, ImportIssue, Provider

CSV = """appointment_id,clinic,clinic_name,provider,provider_name,patient_id,booked_at,appointment_at,status,appointment_type,insurance_verified
A1,north,North Family Practice,dr-a,Dr A,P1,2026-02-20T09:00:00-05:00,2026-03-02T23:30:00-05:00,completed,follow-up,yes
A2,north,,,,P2,2026-03-01,2026-03-02T08:15,No-Show,new,no
A3,berlin,Berlin Clinic,,,P3,,2026-07-01T08:15:00,late-cancelled,new,
A4,north,,,,P4,,2026-03-08T02:30:00,completed,,
A5,nowhere,,,,P5,,2026-03-02T10:00:00,completed,,
A6,nowhere,,,,P6,,2026-03-02,scheduled,,maybe
A7,north,,,,P7,,2026-03-02T10:00:00Z,completed,"two
line type",
A8,north,,,,P8,,2026-13-40T10:00,completed,,
"""
ZONES = {"north": "America/New_York", "berlin": "Europe/Berlin"}


def test_time_zones_dates_and_line_numbers(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "canonical.csv"
    path.write_text(CSV, encoding="utf-8")
    with session_scope(sessions) as session:
        summary = run_import(session, AppointmentsImporter("k", timezones=ZONES), path, progress=False)
    # the organisation file lists north and berlin: "nowhere" (lines 6, 7) is an unknown clinic,
    # rejected (its line-7 warning is on a rejected row, so no loaded row has a warning)
    assert (summary.file_format, summary.read, summary.imported, summary.rejected, summary.warned) == \
        ("canonical", 8, 4, 4, 0)
    with session_scope(sessions) as session:
        rows = {a.external_id: a for a in session.scalars(select(Appointment))}
        assert rows["A1"].appointment_at == datetime(2026, 3, 3, 4, 30)
        assert rows["A1"].appointment_date == date(2026, 3, 2)
        assert rows["A1"].booked_at == datetime(2026, 2, 20, 14, 0) and rows["A1"].lead_days == 10
        assert rows["A1"].insurance_verified is True and rows["A1"].appointment_type == "follow-up"
        assert rows["A2"].appointment_at == datetime(2026, 3, 2, 13, 15) and rows["A2"].status == "no_show"
        assert rows["A2"].lead_days == 1 and rows["A2"].insurance_verified is False
        assert rows["A3"].appointment_at == datetime(2026, 7, 1, 6, 15) and rows["A3"].status == "late_cancelled"
        assert "A5" not in rows and "A6" not in rows
        assert rows["A7"].appointment_at == datetime(2026, 3, 2, 10, 0)
        assert rows["A7"].appointment_type == "two\nline type"
        provider = session.scalars(select(Provider)).one()
        assert (provider.key, provider.name) == ("dr-a", "Dr A")
        assert rows["A1"].provider_id == provider.id and rows["A2"].provider_id is None
        north = session.scalars(select(Clinic).where(Clinic.key == "north")).one()
        assert (north.name, north.timezone) == ("North Family Practice", "America/New_York")
        issues = {(i.line, i.severity, i.code): i.detail for i in session.scalars(select(ImportIssue))}
    assert set(issues) == {(5, "reject", "invalid_appointment_date"), (6, "reject", "unknown_clinic"),
                           (7, "reject", "unknown_clinic"), (7, "warning", "invalid_boolean"),
                           (10, "reject", "invalid_appointment_date")}
    assert "DST" in issues[(5, "reject", "invalid_appointment_date")]
    assert issues[(6, "reject", "unknown_clinic")].startswith("unknown clinic 'nowhere'")
    assert "organisation file" in issues[(6, "reject", "unknown_clinic")]


def test_default_timezone_option_places_unknown_clinics(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text(CSV.splitlines()[0] + "\nB1,nowhere,,,,P1,,2026-03-02T10:00:00,completed,,\n", encoding="utf-8")
    with session_scope(sessions) as session:
        summary = run_import(session, AppointmentsImporter("k", default_timezone="Asia/Tokyo"), path, progress=False)
        assert summary.imported == 1
        row = session.scalars(select(Appointment)).one()
        assert row.appointment_at == datetime(2026, 3, 2, 1, 0)  # Tokyo is UTC+9
        assert session.scalars(select(Clinic.timezone)).one() == "Asia/Tokyo"


def test_cli_prints_summary_and_rejects(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import cli

    monkeypatch.delenv("OPSBOT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # default rejects file: rejects/<name>.<time>-<run>.rejects.csv here
    path = tmp_path / "canonical.csv"
    path.write_text(CSV, encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", "appointments", str(path), "--database", db_url, "--no-progress",
                                      "--timezone", "America/New_York"])
    assert result.exit_code == 0, result.output
    # with --timezone every clinic has a zone: only A4 (DST gap) and A8 (bad date) are rejected;
    # warned: line 7 (invalid boolean) and the first rows of the new clinics north, berlin, nowhere (2, 4, 6)
    assert "read 8, imported 6, updated 0, unchanged 0, rejected 2, warnings 4" in result.output
    assert "new clinic 'nowhere' created from line 6" in result.output
    rejects = pd.read_csv(next((tmp_path / "rejects").glob("canonical.*.rejects.csv")), dtype=str)  # one per run
    assert rejects["appointment_id"].tolist() == ["A4", "A8"] and rejects["line"].tolist() == ["5", "10"]
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", "appointments", str(bad), "--database", db_url, "--no-progress"])
    assert result.exit_code == 2 and "header not recognised" in result.output
