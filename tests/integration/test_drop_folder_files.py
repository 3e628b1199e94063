"""The drop folder keeps patient data owner-only and for a bounded time: files moved to
``done/``/``failed/`` are 0600, folders it creates 0700, and ``done/`` is purged of files moved
there more than the retention period ago (``OPSBOT_DROP_DONE_RETENTION_DAYS``, default 30)."""

from __future__ import annotations

import os
import stat
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.alerts.config import AlertSettings
from bot.orgconfig import OrgConfig
from bot.settings import Settings
from jobs.drop_folder import run
from jobs.drop_storage import purge_done
from jobs.runner import JobContext

APPOINTMENTS = ("appointment_id,clinic,patient_id,appointment_at,status\n"
                "A1,north,MRN0001,2026-12-01T09:30,completed\n"
                "A2,north,MRN0002,2026-12-01T10:00,teleported\n")  # one rejected row: a rejects file
NOW = datetime(2026, 12, 5, 6, 0)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def settle(folder: Path) -> None:
    old = NOW.timestamp() - 3600
    for p in folder.iterdir():
        os.utime(p, (old, old))


def context(sessions: sessionmaker[Session], drop: Path, **extra: object) -> JobContext:
    org = OrgConfig.model_validate({"clinics": [{"key": "north", "name": "North", "timezone": "America/New_York"}]})
    return JobContext(org=org, alerts=AlertSettings(), sessions=sessions,
                      extra={"drop_dir": drop, "pseudonym_key": "k", **extra})


def test_moved_files_are_private_and_created_folders_too(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir(mode=0o755)
    os.chmod(drop, 0o755)
    (drop / "appointments-2026-12-02.csv").write_text(APPOINTMENTS)
    (drop / "notes.csv").write_text("what,ever\n1,2\n")
    for p in drop.iterdir():
        os.chmod(p, 0o644)
    settle(drop)
    old_umask = os.umask(0o022)  # the usual umask: plain mkdir/write would give 0755 / 0644
    try:
        result = run(context(sessions, drop), None, NOW)
    finally:
        os.umask(old_umask)
    assert (result["imported"], result["failed"]) == (1, 1)
    done, failed = drop / "done", drop / "failed"
    assert (mode(done), mode(failed)) == (0o700, 0o700)
    names = sorted(p.name for p in done.iterdir()) + sorted(p.name for p in failed.iterdir())
    assert names == ["20261205T060000-appointments-2026-12-02.csv",
                     "20261205T060000-appointments-2026-12-02.rejects.csv",
                     "20261205T060000-notes.csv", "20261205T060000-notes.csv.error.txt"]
    assert {mode(p) for p in [*done.iterdir(), *failed.iterdir()]} == {0o600}
    assert mode(drop) == 0o755  # the practice's own folder is not ours to change


def test_done_is_purged_after_the_retention_period(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    done = drop / "done"
    done.mkdir(parents=True)
    # moved 31 days before NOW (past 30), exactly 30 days before (kept: older than 30 days only), 2 days
    expired, boundary, recent = (done / f"{stamp}-appointments.csv"
                                 for stamp in ("20261104T055959", "20261105T060000", "20261203T000000"))
    by_hand = done / "hand-copied.csv"  # no stamp: aged by its modification time (40 days)
    for p in (expired, boundary, recent, by_hand):
        p.write_text("x\n")
    forty_days = NOW.timestamp() - 40 * 86400
    os.utime(by_hand, (forty_days, forty_days))
    os.utime(recent, (forty_days, forty_days))  # the stamp, not the exporter's mtime, counts
    result = run(context(sessions, drop), None, NOW)  # no retention given: the default, 30 days
    assert result["purged"] == 2
    assert sorted(p.name for p in done.iterdir()) == [boundary.name, recent.name]
    assert run(context(sessions, drop, drop_done_retention_days=3), None, NOW)["purged"] == 1  # recent: 2 days 6 h
    assert [p.name for p in done.iterdir()] == [recent.name]


def test_retention_setting() -> None:
    assert Settings(_env_file=None).drop_done_retention_days == 30  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="at least 1 day"):
        purge_done(Path("."), NOW, 0)


def test_two_files_of_one_stem_in_one_run_keep_both_rejects(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "appointments-a.csv").write_text(APPOINTMENTS)  # one row imported, one rejected: done/
    (drop / "appointments-a.CSV").write_text(APPOINTMENTS.replace("A1,", "B1,").replace("A2,", "B2,"))
    settle(drop)
    result = run(context(sessions, drop), None, NOW)
    assert (result["imported"], result["failed"]) == (2, 0)
    rejects = sorted((drop / "done").glob("*.rejects.csv"))
    assert len(rejects) == 2
    assert sorted(r.read_text().splitlines()[1].split(",")[1] for r in rejects) == ["A2", "B2"]
