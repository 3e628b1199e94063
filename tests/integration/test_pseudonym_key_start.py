"""Beyond imports: ``opsbot seed`` records the fingerprint of the key it pseudonymised with (and
refuses a database of another key's pseudonyms), and ``opsbot serve``, ``opsbot socket`` and
``opsbot scheduler`` stop at start-up with one message, no traceback, when the configured key is
not the database's. A database with no fingerprint yet, or the same key, passes without a word.
SQLite; real processes as the operator runs them."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli.common import refuse_other_pseudonym_key
from devtools.standin.process import bot_env
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import PseudonymKeyCheck

KEY_A, KEY_B = "a" * 40, "b" * 40
LABEL = b"opsbot/pseudonym-key-check/v1"  # bot.privacy.key_fingerprint's fixed label (migration 0012)
FIRST_USED = datetime(2026, 11, 30, 8, 15)
SLACK = {"SLACK_SIGNING_SECRET": "s" * 32, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_APP_TOKEN": "xapp-test",
         "SLACK_API_URL": "http://127.0.0.1:9/api/"}  # nothing listens: no command may get that far


def fingerprint(key: str) -> str:
    return hmac.new(key.encode(), LABEL, hashlib.sha256).hexdigest()  # RFC 2104, computed here


def sessions_of(url: str) -> sessionmaker[Session]:
    return make_session_factory(make_engine(url))


def record(url: str, key: str) -> None:
    with session_scope(sessions_of(url)) as s:
        s.add(PseudonymKeyCheck(fingerprint=fingerprint(key), first_used_at=FIRST_USED))


def opsbot(tmp_path: Path, url: str, key: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", *args], cwd=tmp_path,
                          env=bot_env(tmp_path, DATABASE_URL=url, OPSBOT_PSEUDONYM_KEY=key, **SLACK),
                          capture_output=True, text=True, timeout=120)


def test_seed_records_its_key_and_refuses_another(sqlite_url: str, tmp_path: Path) -> None:
    seeded = opsbot(tmp_path, sqlite_url, KEY_A, "seed", "--clinics", "1", "--days", "30", "--no-progress")
    assert seeded.returncode == 0, seeded.stderr
    with sessions_of(sqlite_url)() as s:
        assert [c.fingerprint for c in s.scalars(select(PseudonymKeyCheck))] == [fingerprint(KEY_A)]
    again = opsbot(tmp_path, sqlite_url, KEY_B, "seed", "--clinics", "1", "--days", "30", "--no-progress")
    assert again.returncode == 2
    assert "not the key this database's patient pseudonyms were made with" in again.stderr
    assert "Nothing was seeded." in again.stderr and "Traceback" not in again.stderr + again.stdout


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["socket"], ["scheduler"]])
def test_services_refuse_another_key_at_start(command: list[str], sqlite_url: str, tmp_path: Path) -> None:
    record(sqlite_url, KEY_A)
    out = opsbot(tmp_path, sqlite_url, KEY_B, *command)
    assert out.returncode == 2, out.stderr
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: OPSBOT_PSEUDONYM_KEY is not the key this database's patient pseudonyms were made with (that key "
        "was first used 2026-11-30 08:15 UTC): these patients' visits would not link to their earlier ones. Set "
        f"the original key, or use a new database. opsbot {command[0]} was not started."]
    assert "Traceback" not in out.stderr + out.stdout
    assert KEY_A not in out.stderr and KEY_B not in out.stderr


def test_the_same_key_or_none_recorded_passes_silently(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    sessions = sessions_of(sqlite_url)
    refuse_other_pseudonym_key(sessions, KEY_B, "opsbot serve")  # nothing recorded yet: nothing said
    with sessions() as s:
        assert s.scalars(select(PseudonymKeyCheck)).all() == []  # and nothing recorded by a check
    record(sqlite_url, KEY_A)
    refuse_other_pseudonym_key(sessions, KEY_A, "opsbot serve")
    assert capsys.readouterr() == ("", "")
