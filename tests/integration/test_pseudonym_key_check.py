"""An import under another pseudonym key than the stored pseudonyms' is refused (nothing imported);
the same key imports again; the fingerprint reveals nothing of the key. Migration 0012 up and down."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import ImportFormatError
from bot.ingest.appointments import AppointmentsImporter
from bot.ingest.runner import run_import
from storage import migrate
from storage.db import session_scope
from storage.models import Appointment, PseudonymKeyCheck

KEY_A, KEY_B = "a" * 40, "b" * 40
CSV = ("appointment_id,clinic,clinic_name,patient_id,appointment_at,status\n"
       "A1,north,North Clinic,P1,2026-03-02T09:00:00-05:00,completed\n"
       "A2,north,North Clinic,P2,2026-03-02T09:30:00-05:00,no_show\n")


def _import(sessions: sessionmaker[Session], path: Path, key: str) -> int:
    with session_scope(sessions) as s:
        return run_import(s, AppointmentsImporter(key, timezones={"north": "America/New_York"}), path,
                          rejects_path=path.with_suffix(".rejects.csv"), progress=False).imported


def test_another_key_is_refused_and_nothing_is_imported(sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "appointments.csv"
    path.write_text(CSV)
    assert _import(sessions, path, KEY_A) == 2
    path.write_text(CSV.replace("A1,", "A3,").replace("A2,", "A4,"))
    with pytest.raises(ImportFormatError, match="not the key this database's patient pseudonyms were made with"):
        _import(sessions, path, KEY_B)
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)) == 2  # nothing of the refused file
        [check] = s.scalars(select(PseudonymKeyCheck)).all()
    # the stored fingerprint is HMAC-SHA256 of a fixed label under the first key (RFC 2104), not the key
    assert check.fingerprint == hmac.new(KEY_A.encode(), b"opsbot/pseudonym-key-check/v1", hashlib.sha256).hexdigest()
    assert KEY_A not in check.fingerprint
    assert _import(sessions, path, KEY_A) == 2  # the original key imports again


def test_migration_0012_up_and_down(db_url: str, engine) -> None:  # type: ignore[no-untyped-def]
    assert "pseudonym_key_checks" in inspect(engine).get_table_names()
    command.downgrade(migrate.alembic_config(db_url), "0011_i20_fields")
    engine.dispose()
    assert "pseudonym_key_checks" not in inspect(engine).get_table_names()
    migrate.upgrade(db_url)
    engine.dispose()
    assert "pseudonym_key_checks" in inspect(engine).get_table_names()
