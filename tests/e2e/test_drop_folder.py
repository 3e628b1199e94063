"""The daily data path end to end (issue 13): ``opsbot scheduler`` imports what is dropped into
``OPSBOT_DROP_DIR``, moves each file to ``done/`` or ``failed/``, ``opsbot status`` shows each
load's result, and the ``stale_data`` alert fires once files stop arriving.

Real processes: ``opsbot db upgrade``, ``opsbot scheduler`` (drop folder every 5 s, Slack
stand-in for the Web API), ``opsbot status`` and ``opsbot jobs run alerts``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import BotProcess, bot_env

pytestmark = pytest.mark.e2e

ORG = """clinics:
  - {key: north, name: North Family Practice, timezone: America/New_York}
alerts:
  stale_data: {feeds: {appointments: 30}}
"""
# docs/formats/appointments.md, canonical format: 3 good rows and 1 with an unknown status
APPOINTMENTS = """appointment_id,clinic,patient_id,appointment_at,status
A1,north,MRN0001,2026-12-01T09:30,completed
A2,north,MRN0002,2026-12-01T10:00,no_show
A3,north,MRN0003,2026-12-02T08:15,completed
A4,north,MRN0004,2026-12-02T08:45,teleported
"""


def opsbot(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_dropped_files_are_imported_by_the_scheduler(tmp_path: Path, standin) -> None:  # type: ignore[no-untyped-def]
    drop = tmp_path / "drop"
    drop.mkdir()
    (tmp_path / "org.yml").write_text(ORG)
    env = bot_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'ops.db'}", OPSBOT_CONFIG=str(tmp_path / "org.yml"),
                  OPSBOT_DROP_DIR=str(drop), OPSBOT_DROP_INTERVAL_SECONDS="5", SLACK_BOT_TOKEN="xoxb-test",
                  SLACK_API_URL=standin.base_url, OPSBOT_LEASE_SECONDS="5")
    assert opsbot(env, tmp_path, "db", "upgrade").returncode == 0
    (drop / "appointments-2026-12-02.csv").write_text(APPOINTMENTS)
    (drop / "export-by-header.csv").write_text(APPOINTMENTS.replace("A", "B"))  # recognised by its header
    (drop / "notes.csv").write_text("what,ever\n1,2\n")  # neither name nor header: failed, with why
    old = time.time() - 60
    for p in drop.iterdir():
        os.utime(p, (old, old))  # written a minute ago: settled
    with BotProcess(["scheduler"], env, tmp_path) as proc:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and len(list(drop.glob("*.csv"))) > 0:
            time.sleep(0.5)
        assert list(drop.glob("*.csv")) == [], proc.output()
    done = sorted(p.name for p in (drop / "done").iterdir())
    assert any(n.endswith("-appointments-2026-12-02.csv") for n in done)
    assert any(n.endswith("-export-by-header.csv") for n in done)
    assert any(n.endswith("appointments-2026-12-02.rejects.csv") for n in done)  # the bad row, with its line
    failed = sorted(p.name for p in (drop / "failed").iterdir())
    assert [n.split("-", 1)[1] for n in failed] == ["notes.csv", "notes.csv.error.txt"]
    why = next((drop / "failed").glob("*.error.txt")).read_text()
    assert "cannot tell which feed" in why and "appointments-2026-12-05.csv" in why

    status = opsbot(env, tmp_path, "status")
    assert status.returncode == 0, status.stderr
    out = status.stdout
    assert "Feed appointments: last loaded" in out and "— Imported 3 appointments from " in out
    assert "; 1 row rejected" in out  # each file: 4 rows, 1 bad
    assert "appointments-2026-12-02.csv: Imported 3 appointments from " in out and "notes.csv: failed" in out
    assert "0 file(s) waiting" in out

    # the files stop arriving: 31 hours after the load the stale-data alert is raised
    later = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() + 31 * 3600))
    run = opsbot(env, tmp_path, "jobs", "run", "alerts", "--clinic", "north", "--now", later, "--no-deliver")
    assert run.returncode == 0, run.stdout + run.stderr
    summary = json.loads(run.stdout)["summary"]
    assert summary["findings"].get("stale_data:no_data") == 1, summary
    fresh = opsbot(env, tmp_path, "jobs", "run", "alerts", "--clinic", "north", "--no-deliver",
                   "--now", time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() + 3600)))
    assert "stale_data:no_data" not in json.loads(fresh.stdout)["summary"]["findings"]  # an hour after: not stale
