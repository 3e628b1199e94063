"""``status_lines``: file names reach Slack (a guard given) only through the file-name guard, the
admin's terminal (no guard) keeps them as they are; a long failure message is guarded before it
is cut, so no part of a name is left at the cut. Expected strings written by hand."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.phi_guard import Guard
from bot.services.status import status_lines
from storage.db import session_scope
from storage.models import DropFile

NAME = "appointments-for-Jane-Whitaker-MRN12345678.csv"


def _drop(sessions: sessionmaker[Session], message: str) -> None:
    with session_scope(sessions) as s:
        s.add(DropFile(name=NAME, feed="appointments", outcome="failed", message=message,
                       moved_to=f"/d/failed/20261206T080000-{NAME}", at=datetime(2026, 12, 6, 8, 0)))


def test_slack_gets_the_kinds_the_terminal_the_name(engine: Engine, sessions: sessionmaker[Session],
                                                    tmp_path: Path) -> None:
    # the cut at character 300 falls in the stem, after "Jane-Whi": cut first, part of the name would be left
    message = "x" * 244 + f" see /d/failed/20261206T080000-{NAME[:-4]}.rejects.csv"
    _drop(sessions, message)
    slack = "\n".join(status_lines(engine, sessions, clinics=0, drop_dir=tmp_path, guard=Guard()))
    assert "• 2026-12-06 08:00 appointments-for-[name]-MRN[record number].csv: failed: " in slack
    assert "Whitaker" not in slack and "12345678" not in slack and "Jane" not in slack
    terminal = "\n".join(status_lines(engine, sessions, clinics=0, drop_dir=tmp_path))
    assert f"• 2026-12-06 08:00 {NAME}: failed: " in terminal
