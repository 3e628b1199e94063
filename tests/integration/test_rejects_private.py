"""Issue 15: rejects files hold raw rows with patient ids, so they are readable by their owner
only (0600), named in the import report with the date they will be deleted (the organisation's
``rejects_retention_days``, default 30), and deleted by the retention job after that."""

from __future__ import annotations

import os
import stat
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.alerts.config import AlertSettings
from bot.orgconfig import OrgConfig
from jobs.retention import retention_job
from jobs.runner import JobContext
from storage.db import session_scope
from storage.models import FeedLoad

CSV = ("appointment_id,clinic,clinic_name,provider,provider_name,patient_id,booked_at,appointment_at,status\n"
       "A1,north,North,dr-a,Dr A,P1,2026-02-20T09:00:00-05:00,2026-03-02T10:30:00-05:00,completed\n"
       "A2,north,North,dr-a,Dr A,P2,2026-02-20T09:00:00-05:00,not-a-date,completed\n")


@pytest.mark.parametrize("configured,days", [(None, 30), (7, 7)])
def test_rejects_file_is_private_and_its_deletion_date_is_reported(
        db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, configured: int | None, days: int) -> None:
    from bot.cli import cli

    monkeypatch.chdir(tmp_path)
    org = tmp_path / "org.yml"
    org.write_text(f"rejects_retention_days: {configured}\n" if configured else "organisation: T\n")
    monkeypatch.setenv("OPSBOT_CONFIG", str(org))
    source = tmp_path / "appts.csv"
    source.write_text(CSV, encoding="utf-8")
    out = CliRunner().invoke(cli, ["import", "appointments", str(source), "--database", db_url, "--no-progress",
                                   "--timezone", "America/New_York"])
    assert out.exit_code == 0, out.output
    rejects = next((tmp_path / "rejects").glob("appts.*.rejects.csv"))  # one per run
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    assert stat.S_IMODE(rejects.parent.stat().st_mode) == 0o700
    expected = (date.today() + timedelta(days=days)).isoformat()
    assert f"readable by you only, deleted after {expected}" in out.output


def test_retention_job_deletes_rejects_files_past_the_period(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    now = datetime(2026, 3, 2, 3, 0)
    old_file, new_file, rewritten = (tmp_path / n for n in ("old.rejects.csv", "new.rejects.csv", "again.csv"))
    for f in (old_file, new_file, rewritten):
        f.write_text("line,reason\n2,bad\n")
    long_ago = datetime(2026, 1, 1).timestamp()
    os.utime(old_file, (long_ago, long_ago))  # rewritten keeps today's mtime: a later import wrote it
    with session_scope(sessions) as s:
        for path, finished in [(old_file, datetime(2026, 1, 1)), (new_file, datetime(2026, 2, 25)),
                               (rewritten, datetime(2026, 1, 1)), (tmp_path / "gone.csv", datetime(2026, 1, 1))]:
            s.add(FeedLoad(feed="appointments", source_name=path.name, file_format="csv",
                           started_at=finished, finished_at=finished, rejects_path=str(path)))
    ctx = JobContext(org=OrgConfig(rejects_retention_days=30), alerts=AlertSettings(), sessions=sessions)
    result = retention_job(ctx, None, now)
    assert result["deleted"]["rejects_files"] == 1
    assert not old_file.exists() and new_file.exists() and rewritten.exists()
