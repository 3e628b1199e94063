"""Quiet by default (issue 17): ``opsbot`` commands print no library INFO line (Alembic's
"Context impl", "Running upgrade"; APScheduler's "Adding job tentatively") unless ``-v``; ``opsbot
jobs list`` says each schedule in words; Bolt's "token will be unused" notice is gone. SQLite."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from bot.observability.quiet import quiet_libraries
from devtools.standin.process import bot_env


def opsbot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``opsbot <args>`` as the person at the terminal runs it (stdout and stderr together)."""
    return subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", *args], cwd=tmp_path,
                          env=bot_env(tmp_path, OPSBOT_LOG_LEVEL="INFO", **env), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=180)


def test_db_upgrade_prints_one_line_and_alembic_only_with_verbose(tmp_path: Path) -> None:
    quiet = opsbot(tmp_path, "db", "upgrade", "--database", f"sqlite:///{tmp_path}/quiet.db")
    assert quiet.returncode == 0, quiet.stdout
    assert quiet.stdout.splitlines() == [f"database at head: sqlite:///{tmp_path}/quiet.db"]

    verbose = opsbot(tmp_path, "-v", "db", "upgrade", "--database", f"sqlite:///{tmp_path}/verbose.db")
    assert verbose.returncode == 0, verbose.stdout
    assert "INFO alembic.runtime.migration Running upgrade  -> 0001" in verbose.stdout  # -v shows them


def test_jobs_list_says_schedules_in_words_without_scheduler_chatter(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/jobs.db"
    assert opsbot(tmp_path, "db", "upgrade", "--database", db).returncode == 0
    org = tmp_path / "org.yml"
    org.write_text("clinics:\n  - {key: north, name: North Family Practice, timezone: America/Denver}\n"
                   "alerts:\n  schedule: {hour: 7, minute: 0}\n")
    out = opsbot(tmp_path, "jobs", "list", "--database", db, OPSBOT_CONFIG=str(org))
    assert out.returncode == 0, out.stdout
    lines = {line.split()[0]: line for line in out.stdout.splitlines() if line.startswith("  ")}
    assert "daily at 07:00 America/Denver" in lines["alerts:north"]  # the org file's schedule and zone
    assert "every 30 s" in lines["deliver"]  # the delivery sweep's default interval (opsbot scheduler)
    assert " INFO " not in out.stdout and "Adding job" not in out.stdout
    assert "interval[" not in out.stdout and "cron[" not in out.stdout


def test_bolt_token_notice_is_dropped(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """slack_bolt.App reads SLACK_BOT_TOKEN itself and warns when it is also given a client."""
    notice = "As you gave `client` as well, `token` will be unused."
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    bolt = logging.getLogger("slack_bolt.App")
    monkeypatch.setattr(bolt, "filters", [])  # as before quiet_libraries ran in this process
    monkeypatch.setattr(bolt, "level", logging.NOTSET)
    caplog.set_level(logging.INFO)

    def build() -> None:
        App(client=WebClient(token="xoxb-test"), signing_secret="s", token_verification_enabled=False)

    build()
    assert notice in caplog.messages  # the notice this is about, as Bolt words it
    caplog.clear()
    quiet_libraries(verbose=True)  # dropped even with -v
    build()
    assert notice not in caplog.messages


def test_internal_info_hidden_and_no_roles_warning_once(tmp_path: Path) -> None:
    """Issue 17: ``jobs run`` prints no ``INFO opsbot.jobs`` line, ``ask`` no ``INFO bot.failures …
    refused`` line (a refused input is not a log event for the CLI user), and the no-roles warning
    comes at most once; ``-v`` shows the internal lines again."""
    db = f"sqlite:///{tmp_path}/internal.db"
    assert opsbot(tmp_path, "db", "upgrade", "--database", db).returncode == 0
    run = opsbot(tmp_path, "jobs", "run", "retention", "--database", db)
    assert run.returncode == 0, run.stdout
    assert " INFO " not in run.stdout and '"job": "retention"' in run.stdout
    verbose = opsbot(tmp_path, "-v", "jobs", "run", "retention", "--database", db)
    assert "INFO opsbot.jobs job retention" in verbose.stdout
    ask = opsbot(tmp_path, "ask", "/kpi no-show-rate clinic nowhere", "--database", db)
    assert ask.returncode == 0, ask.stdout
    assert " INFO " not in ask.stdout and "refused with" not in ask.stdout
    assert ask.stdout.count("no roles configured") <= 1


def test_model_train_line_rounds_and_separates() -> None:
    from bot.cli.model import train_line

    line = train_line({"model_id": 3, "rows": 110527, "auc": 0.7077809846384181, "shown": True,
                       "window": "2016-04-29..2016-06-08"})
    assert "AUC 0.708" in line and "110,527 appointments" in line and "0.70778" not in line
