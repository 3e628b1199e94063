"""``opsbot digest preview`` from the terminal speaks CLI, not slash-command syntax (both databases)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert
from typer.testing import CliRunner

from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Clinic


def run(args: list[str]):  # type: ignore[no-untyped-def]
    from bot.cli import cli

    return CliRunner().invoke(cli, args)


def test_preview_without_clinics_says_how_to_get_some(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPSBOT_CONFIG", raising=False)
    result = run(["digest", "preview", "--database", db_url])
    assert result.exit_code == 2
    assert "No clinic is known yet" in result.output and "opsbot import" in result.output


def test_preview_with_two_clinics_asks_for_the_cli_option(db_url: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPSBOT_CONFIG", raising=False)
    engine = make_engine(db_url)
    with session_scope(make_session_factory(engine)) as s:
        s.execute(insert(Clinic), [{"key": k, "name": k.title(), "name_folded": k, "timezone": "UTC"}
                                   for k in ("north", "south")])
    engine.dispose()
    result = run(["digest", "preview", "--database", db_url])
    assert result.exit_code == 2
    assert "--clinic" in result.output and "/digest" not in result.output
    ok = run(["digest", "preview", "--clinic", "north", "--database", db_url])
    assert ok.exit_code == 0, ok.output
    assert "North" in ok.output
    # the clinic typed as in Slack's "/digest preview north" previews the same digest
    typed = run(["digest", "preview", "north", "--database", db_url])
    assert typed.exit_code == 0, typed.output
    assert typed.output == ok.output
