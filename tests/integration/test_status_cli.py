"""``opsbot status`` counts the clinics of the organisation file it was given (OPSBOT_CONFIG),
says when none is given (so 0 is not mistaken for a fault) and how many the database holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Clinic

ORG = """clinics:
  - {key: north, name: North Family Practice, timezone: America/New_York}
  - {key: south, name: South Clinic, timezone: America/Chicago}
  - {key: east, name: East Clinic, timezone: UTC}
"""


def status(db_url: str) -> str:
    from bot.cli import _load_commands, cli

    _load_commands()
    result = CliRunner().invoke(cli, ["status", "--database", db_url])
    assert result.exit_code == 0, result.output
    return result.output


def test_status_counts_the_configured_clinics(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    org = tmp_path / "org.yml"
    org.write_text(ORG)
    monkeypatch.setenv("OPSBOT_CONFIG", str(org))
    monkeypatch.chdir(tmp_path)
    engine = make_engine(db_url)
    try:
        with session_scope(make_session_factory(engine)) as s:
            s.add(Clinic(key="north", name="North Family Practice", name_folded="north family practice"))
    finally:
        engine.dispose()
    out = status(db_url)
    assert f"Clinics configured: 3 (in {org}); clinics in the database: 1." in out


def test_status_without_an_organisation_file_says_so(db_url: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPSBOT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    out = status(db_url)
    assert "Clinics configured: 0 (no organisation file: OPSBOT_CONFIG is not set)" in out
