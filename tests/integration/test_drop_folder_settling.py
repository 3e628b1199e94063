"""Files in the drop folder still being written (changed less than ``SETTLE_S`` = 5 s ago) are left
for the next run and said so, by name: in the run's summary, in what ``opsbot jobs run drop_folder``
prints, and in the job's INFO line (the scheduler's log). Nothing of their contents is read."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.alerts.config import AlertSettings
from bot.orgconfig import OrgConfig
from devtools.standin.process import bot_env
from jobs.drop_folder import run
from jobs.runner import JobContext, run_job

NOW = datetime(2026, 12, 5, 6, 0)
APPOINTMENTS = ("appointment_id,clinic,patient_id,appointment_at,status\n"
                "A1,north,MRN0001,2026-12-01T09:30,completed\n")
ORG = "clinics:\n  - {key: north, name: North, timezone: America/New_York}\n"


def context(sessions: sessionmaker[Session], drop: Path) -> JobContext:
    return JobContext(org=OrgConfig.model_validate({"clinics": [{"key": "north", "name": "North",
                                                                 "timezone": "America/New_York"}]}),
                      alerts=AlertSettings(), sessions=sessions, extra={"drop_dir": drop, "pseudonym_key": "k"})


def drop_with(tmp_path: Path, settled: list[str], fresh: list[str]) -> Path:
    """A drop folder whose ``settled`` files were written an hour ago and ``fresh`` ones just now
    (stamped a minute ahead: still "less than 5 s ago" however slow the test machine is)."""
    drop = tmp_path / "drop"
    drop.mkdir()
    for name in settled + fresh:
        (drop / name).write_text(APPOINTMENTS.replace("A1", name[:8]))
        stamp = time.time() + (60 if name in fresh else -3600)
        os.utime(drop / name, (stamp, stamp))
    return drop


def test_fresh_files_are_named_and_left_for_the_next_run(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    drop = drop_with(tmp_path, ["appointments-old.csv"], ["appointments-b.csv", "appointments-a.csv"])
    result = run(context(sessions, drop), None, NOW)
    assert result["imported"] == 1
    note = result["still_being_written"]
    assert note.startswith("2 files skipped: still being written (changed less than 5 s ago); "
                           "they will be imported on the next run")
    assert note.endswith("appointments-a.csv, appointments-b.csv")
    assert "MRN" not in note
    assert sorted(p.name for p in drop.iterdir() if p.is_file()) == ["appointments-a.csv", "appointments-b.csv"]


def test_one_fresh_file_in_the_singular_and_none_says_nothing(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    drop = drop_with(tmp_path, [], ["claims-1.csv"])
    note = run(context(sessions, drop), None, NOW)["still_being_written"]
    assert note.startswith("1 file skipped: still being written (changed less than 5 s ago); it will be")
    os.utime(drop / "claims-1.csv", (time.time() - 3600,) * 2)
    assert "still_being_written" not in run(context(sessions, drop), None, NOW)


def test_the_jobs_info_line_names_them(sessions: sessionmaker[Session], tmp_path: Path,
                                       caplog: pytest.LogCaptureFixture) -> None:
    drop = drop_with(tmp_path, [], ["appointments-late.csv"])
    with caplog.at_level(logging.INFO, logger="opsbot.jobs"):
        outcome = run_job(context(sessions, drop), "drop_folder", None, NOW)
    assert outcome.ok
    lines = [r for r in caplog.records if "appointments-late.csv" in r.getMessage()]
    assert [r.levelno for r in lines] == [logging.INFO]
    assert "1 file skipped: still being written" in lines[0].getMessage()


def test_opsbot_jobs_run_prints_them(sqlite_url: str, tmp_path: Path) -> None:
    drop = drop_with(tmp_path, [], ["appointments-2026-12-06.csv"])
    (tmp_path / "org.yml").write_text(ORG)
    out = subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", "jobs", "run", "drop_folder",
                          "--no-deliver"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         env=bot_env(tmp_path, DATABASE_URL=sqlite_url, OPSBOT_DROP_DIR=str(drop),
                                     OPSBOT_CONFIG=str(tmp_path / "org.yml")), timeout=180)
    assert out.returncode == 0, out.stdout
    assert ("1 file skipped: still being written (changed less than 5 s ago); it will be imported on the next "
            "run: appointments-2026-12-06.csv") in out.stdout
    assert (drop / "appointments-2026-12-06.csv").exists()
