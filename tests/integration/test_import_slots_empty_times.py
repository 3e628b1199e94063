"""Issue 16: ``opsbot import slots`` with ``booked_at``/``created_at`` present but empty in every
row imports every row (it crashed with a traceback: an all-empty column reads as float)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Slot

CSV = ("slot_id,clinic,provider,start_at,duration_minutes,appointment_type,state,created_at,booked_at\n"
       "S1,north,dr-a,2026-03-02T09:00,20,follow-up,free,,\n"
       "S2,north,dr-a,2026-03-02T09:20,20,follow-up,booked,,\n"
       "S3,north,dr-b,2026-03-03T10:00,30,new-patient,blocked,,\n")


def test_cli_imports_slots_with_empty_booked_and_created(db_url: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import cli

    monkeypatch.delenv("OPSBOT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "slots.csv"
    path.write_text(CSV, encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", "slots", str(path), "--database", db_url, "--no-progress",
                                      "--timezone", "America/New_York"])
    assert result.exit_code == 0, result.output
    assert "read 3, imported 3" in result.output and "rejected 0" in result.output
    with session_scope(make_session_factory(make_engine(db_url))) as s:
        rows = s.execute(select(Slot.external_id, Slot.created_at, Slot.booked_at).order_by(Slot.external_id)).all()
    assert [tuple(r) for r in rows] == [("S1", None, None), ("S2", None, None), ("S3", None, None)]
