"""Issue 15: ``opsbot import`` and ``opsbot serve``/``socket`` refuse the public development
pseudonym key unless told (``--dev-key`` or OPSBOT_DEV_PSEUDONYM_KEY=1), with one message naming
OPSBOT_PSEUDONYM_KEY and how to make a key; with the switch they run and say so."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import cli

CSV = ("appointment_id,clinic,clinic_name,provider,provider_name,patient_id,booked_at,appointment_at,status\n"
       "A1,north,North Family Practice,dr-a,Dr A,P1,2026-02-20T09:00:00-05:00,2026-03-02T10:30:00-05:00,completed\n")


@pytest.fixture
def no_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("OPSBOT_PSEUDONYM_KEY", "OPSBOT_DEV_PSEUDONYM_KEY", "OPSBOT_CONFIG", "SLACK_BOT_TOKEN",
                 "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env, rejects land here
    path = tmp_path / "appointments.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def _refused(output: str) -> bool:
    return ("OPSBOT_PSEUDONYM_KEY is not set" in output and "secrets.token_hex(32)" in output
            and "--dev-key" in output)


def test_import_without_a_key_stops_with_one_clear_message(no_key: Path, db_url: str) -> None:
    out = CliRunner().invoke(cli, ["import", "appointments", str(no_key), "--database", db_url, "--no-progress",
                                   "--timezone", "America/New_York"])
    assert out.exit_code == 2 and _refused(out.output)
    assert "imported" not in out.output


def test_import_with_the_dev_switch_runs_and_says_so(no_key: Path, db_url: str) -> None:
    out = CliRunner().invoke(cli, ["import", "--dev-key", "appointments", str(no_key), "--database", db_url,
                                   "--no-progress", "--timezone", "America/New_York"])
    assert out.exit_code == 0, out.output
    assert "public development pseudonym key" in out.output and "imported 1" in out.output


def test_import_with_an_own_key_runs_without_warning(no_key: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPSBOT_PSEUDONYM_KEY", "9f1c" * 16)
    out = CliRunner().invoke(cli, ["import", "appointments", str(no_key), "--database", db_url, "--no-progress",
                                   "--timezone", "America/New_York"])
    assert out.exit_code == 0 and "development" not in out.output


@pytest.mark.parametrize("command", [["serve"], ["socket"]])
def test_serve_and_socket_without_a_key_stop(no_key: Path, command: list[str]) -> None:
    out = CliRunner().invoke(cli, command)
    assert out.exit_code == 2 and _refused(out.output)
    switched = CliRunner().invoke(cli, [*command, "--dev-key"])
    # past the key check: the next missing setting (Slack tokens) is what stops it now
    assert "public development pseudonym key" in switched.output and "Missing setting" in switched.output


def test_a_short_key_is_refused_with_its_length(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A key of 5 characters is guessable: refused, naming its length and the minimum (32)."""
    from bot.errors import ConfigurationError
    from bot.pseudonym_key import require_pseudonym_key
    from bot.settings import load_settings

    with pytest.raises(ConfigurationError, match=r"is 5 characters long; use at least 32"):
        require_pseudonym_key(load_settings(OPSBOT_PSEUDONYM_KEY="short"))
    assert require_pseudonym_key(load_settings(OPSBOT_PSEUDONYM_KEY="9f1c" * 8)) == "9f1c" * 8
