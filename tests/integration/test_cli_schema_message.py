"""A database without the schema (or behind it) stops a command with one line that names the
setting actually used (``--database`` or ``DATABASE_URL``), says whether there is no schema yet or
an old one, and gives the command that fixes it with the same option; that command then works."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from storage.migrate import upgrade

COMMANDS = [["ask", "/kpi no-show rate"], ["digest", "preview", "--clinic", "north"], ["status"], ["clinics"]]


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    from bot.cli import cli

    result = CliRunner().invoke(cli, args, env=env)
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes is not None else "")


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("OPSBOT_CONFIG", raising=False)
    return tmp_path


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0] + (f"-{c[1]}" if c[0] == "digest" else ""))
def test_a_fresh_database_given_with_the_option_names_the_option_and_the_fix(here: Path, command: list[str]) -> None:
    url = f"sqlite:///{here / 'x.db'}"
    code, out = run([*command, "--database", url])
    assert code == 2, out
    assert f"--database: {url} has no schema yet; create it with: opsbot db upgrade --database {url}" in out
    assert "DATABASE_URL" not in out and "newest migration" not in out


def test_the_environment_variable_is_named_when_it_gave_the_url(here: Path) -> None:
    url = f"sqlite:///{here / 'y.db'}"
    code, out = run(["status"], env={"DATABASE_URL": url})
    assert code == 2
    assert f"DATABASE_URL: {url} has no schema yet; create it with: opsbot db upgrade" in out
    assert "--database" not in out


def test_the_suggested_command_fixes_it(here: Path) -> None:
    url = f"sqlite:///{here / 'z.db'}"
    code, out = run(["db", "upgrade", "--database", url])
    assert code == 0, out
    code, out = run(["status", "--database", url])
    assert code == 0, out


def test_a_schema_behind_the_newest_migration_says_so(here: Path) -> None:
    url = f"sqlite:///{here / 'old.db'}"
    upgrade(url, "0001")
    code, out = run(["status", "--database", url])
    assert code == 2
    assert f"--database: the schema of {url} is not at the newest migration; run: opsbot db upgrade --database {url}" in out

