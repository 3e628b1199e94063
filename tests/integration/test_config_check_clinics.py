"""``opsbot config check`` on a file that lists no clinics (they come from the database): the
clinic keys it names (``roles``, ``alerts.clinics``) are checked against the database's clinics."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bot.cli import cli
from storage.db import make_engine
from storage.models import Clinic


def _with_north(url: str) -> None:
    engine = make_engine(url)
    with Session(engine) as s, s.begin():
        s.add(Clinic(key="north", name="North", name_folded="north", timezone="UTC"))
    engine.dispose()


def test_clinic_keys_are_checked_against_the_database(sqlite_url: str, tmp_path: Path) -> None:
    _with_north(sqlite_url)
    path = tmp_path / "org.yml"
    path.write_text("alerts: {clinics: {north: {quiet_hours: null}, zzz: {quiet_hours: null}}}\n"
                    "roles: {manager: {east: [U0MGR], north: [U0MGR2]}}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["config", "check", str(path), "--database", sqlite_url])
    assert result.exit_code == 2
    assert (f"OPSBOT_CONFIG ({path}): roles name unknown clinic keys: east; unknown clinic key 'zzz' in "
            f"alerts.clinics (the file lists no clinics; known: the database's clinics)") in result.output


def test_known_database_clinics_pass(sqlite_url: str, tmp_path: Path) -> None:
    _with_north(sqlite_url)
    path = tmp_path / "org.yml"
    path.write_text("alerts: {clinics: {north: {quiet_hours: null}}}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["config", "check", str(path), "--database", sqlite_url])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{path}: valid — ") and "not checked" not in result.output
