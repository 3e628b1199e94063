"""A dropped file nothing could be imported from (everything read was rejected) goes to
``failed/`` with ``<name>.error.txt`` saying why, and status says "failed"; a file partly imported
goes to ``done/`` and status says what was imported and how many rows were rejected. Counts are read off the files."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.alerts.config import AlertSettings
from bot.orgconfig import OrgConfig
from bot.services.status import status_lines
from jobs.drop_folder import run
from jobs.runner import JobContext
from storage.db import session_scope
from storage.models import DropFile

NOW = datetime(2026, 12, 5, 6, 0)
ENVELOPE = "ST*835*0001~BPR*I*440*C*ACH*CCP*01*1*DA*2*3**01*4*DA*5*20261201~N1*PR*ACME HEALTH~N1*PE*NORTH~"
APPOINTMENTS = ("appointment_id,clinic,patient_id,appointment_at,status\n"
                "A1,north,MRN0001,2026-12-01T09:30,completed\n"
                "A2,north,MRN0002,2026-12-01T10:00,teleported\n"  # rejected: unknown status
                "A3,north,MRN0003,2026-12-01T10:30,no_show\n")
ALL_BAD = ("appointment_id,clinic,patient_id,appointment_at,status\n"
           "B1,north,MRN0001,2026-12-01T09:30,teleported\n"
           "B2,nowhere,MRN0002,2026-12-01T10:00,completed\n")  # not in the organisation file


def test_outcomes_by_what_was_imported(engine: Engine, sessions: sessionmaker[Session], tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "remit-1201.835").write_text(ENVELOPE + "CLP*A1*1*100*100*0*12*P1~CLP*A2*1*200*2")  # truncated
    (drop / "appointments-1201.csv").write_text(APPOINTMENTS)
    (drop / "appointments-bad.csv").write_text(ALL_BAD)
    old = NOW.timestamp() - 3600
    for p in drop.iterdir():
        os.utime(p, (old, old))
    org = OrgConfig.model_validate({"clinics": [{"key": "north", "name": "North", "timezone": "America/New_York"}]})
    ctx = JobContext(org=org, alerts=AlertSettings(), sessions=sessions, extra={"drop_dir": drop, "pseudonym_key": "k"})
    result = run(ctx, None, NOW)
    assert (result["imported"], result["failed"]) == (1, 2)
    failed = sorted(p.name.split("-", 1)[1] for p in (drop / "failed").iterdir())
    assert "remit-1201.835" in failed and "remit-1201.835.error.txt" in failed
    assert "appointments-bad.csv" in failed and "appointments-bad.csv.error.txt" in failed
    assert "appointments-bad.rejects.csv" in failed  # the rows to fix, beside the file
    done = sorted(p.name.split("-", 1)[1] for p in (drop / "done").iterdir())
    assert done == ["appointments-1201.csv", "appointments-1201.rejects.csv"]
    why = next((drop / "failed").glob("*remit-1201.835.error.txt")).read_text()
    assert why.startswith("Nothing imported from 20261205T060000-remit-1201.835: all 2 claim payments were rejected "
                          "(see ")
    assert "read 2 claims (CLP), imported 0" in why
    why = next((drop / "failed").glob("*appointments-bad.csv.error.txt")).read_text()
    assert why.startswith("Nothing imported from 20261205T060000-appointments-bad.csv: all 2 rows were rejected (see ")
    assert "unknown clinic 'nowhere'" in why and "unknown_outcome" in why
    with session_scope(sessions) as s:
        outcomes = dict(s.execute(select(DropFile.name, DropFile.outcome)).all())
    assert outcomes == {"remit-1201.835": "failed", "appointments-1201.csv": "partial",
                        "appointments-bad.csv": "failed"}
    shown = "\n".join(status_lines(engine, sessions, clinics=1, drop_dir=drop))
    assert "remit-1201.835: failed: Nothing imported from " in shown
    assert "appointments-bad.csv: failed: Nothing imported from " in shown
    assert ("appointments-1201.csv: Imported 2 appointments from 20261205T060000-appointments-1201.csv; "
            "1 row rejected (see ") in shown


def test_a_file_rejected_whole_makes_no_feed_fresh(engine: Engine, sessions: sessionmaker[Session]) -> None:
    """A load that rejected every row it read is a failed file, not a delivery: the stale-data rule
    and a KPI's "as of" keep the last load that brought data."""
    from bot.alerts.data import last_feed_loads
    from storage.models import FeedLoad

    good, failed = datetime(2026, 3, 1, 6, 0), datetime(2026, 3, 5, 6, 0)
    with session_scope(sessions) as s:
        s.add_all([FeedLoad(feed="remittances", source_name="good.835", finished_at=good, rows_read=4, rows_imported=4),
                   FeedLoad(feed="remittances", source_name="cut.835", finished_at=failed, rows_read=3,
                            rows_rejected=3),
                   FeedLoad(feed="claims", source_name="part.csv", finished_at=failed, rows_read=5, rows_imported=2,
                            rows_rejected=3)])
    with session_scope(sessions) as s:
        loads = last_feed_loads(s)
    assert loads["remittances"] == good  # the failed file on 5 March does not count
    assert loads["claims"] == failed  # a partly imported file does


def test_every_path_a_message_names_is_where_the_file_is(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    """The error file, the status message and the feed load name the imported file and its rejects
    file after the move (failed/ or done/), and the retention job finds the rejects file by the
    name the feed load keeps."""
    from jobs.retention import purge_rejects_files
    from storage.models import FeedLoad

    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "remit.835").write_text(ENVELOPE + "CLP*A1*1*100*100*0*12*P1~CLP*A2*1*200*2")  # failed/
    (drop / "appointments-1201.csv").write_text(APPOINTMENTS)  # partial: done/
    old = NOW.timestamp() - 3600
    for p in drop.iterdir():
        os.utime(p, (old, old))
    org = OrgConfig.model_validate({"clinics": [{"key": "north", "name": "North", "timezone": "America/New_York"}],
                                    "rejects_retention_days": 10})
    ctx = JobContext(org=org, alerts=AlertSettings(), sessions=sessions, extra={"drop_dir": drop, "pseudonym_key": "k"})
    run(ctx, None, NOW)
    error = next((drop / "failed").glob("*.error.txt")).read_text()
    with session_scope(sessions) as s:
        texts = [error, *s.scalars(select(DropFile.message)), *s.scalars(select(DropFile.moved_to))]
        kept = [p for p in s.scalars(select(FeedLoad.rejects_path)) if p]
    named = {m.rstrip(".,;:)") for t in texts for m in re.findall(re.escape(str(drop)) + r"/[^\s;)]+", t)}
    assert {Path(p).parent.name for p in kept} == {"failed", "done"}
    assert set(kept) <= named  # the error file and the partial file's message name the rows to fix
    assert len(named) == 4  # both files (moved_to) and both rejects files (error file, status message)
    missing = sorted(p for p in {*named, *kept} if not Path(p).exists())
    assert missing == []
    assert "deleted after 2026-12-15" in error  # 10 days of rejects retention after NOW
    with session_scope(sessions) as s:
        s.execute(update(FeedLoad).values(finished_at=NOW))
    at_now = NOW.replace(tzinfo=UTC).timestamp()
    for p in kept:  # written at the test's NOW, not at the wall clock (a file newer than the cutoff is kept)
        os.utime(p, (at_now, at_now))
    with session_scope(sessions) as s:
        assert purge_rejects_files(s, NOW + timedelta(days=11), 10) == 2
    assert not any(Path(p).exists() for p in kept)
