"""The organisation file is reloaded on change, and an invalid edit keeps the last good one."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from bot.orgconfig import OrgConfig, load_org_config
from bot.orgwatch import OrgFileWatcher

ONE = "clinics:\n  - {key: north, name: North, timezone: UTC}\n"
TWO = ONE + "  - {key: south, name: South, timezone: America/Chicago}\n"


def touch_later(path: Path, text: str, bump: int) -> None:
    path.write_text(text)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + bump * 1_000_000_000))  # a new mtime even within one tick


def test_a_changed_file_is_applied_and_an_invalid_one_refused(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "org.yml"
    path.write_text(ONE)
    current: list[OrgConfig] = [load_org_config(path)]
    watcher = OrgFileWatcher(path, current.append, interval=0)
    assert watcher.check() is False  # unchanged
    touch_later(path, TWO, 1)
    assert watcher.check() is True
    assert [c.key for c in current[-1].clinics] == ["north", "south"]
    caplog.set_level(logging.ERROR, "bot.orgwatch")
    touch_later(path, TWO + "  - {key: west, name: West, timezone: Mars/Olympus}\n", 2)
    assert watcher.check() is False
    assert len(current) == 2 and [c.key for c in current[-1].clinics] == ["north", "south"]  # the last good one
    assert "keeping the last good configuration" in caplog.text and "clinics[west].timezone" in caplog.text
    assert watcher.last_error is not None and "Mars/Olympus" in watcher.last_error
    assert watcher.check() is False and caplog.text.count("keeping the last good") == 1  # reported once
    touch_later(path, ONE, 3)
    assert watcher.check() is True and watcher.last_error is None and len(current[-1].clinics) == 1


def test_checks_are_throttled(tmp_path: Path) -> None:
    path = tmp_path / "org.yml"
    path.write_text(ONE)
    now = [0.0]
    applied: list[OrgConfig] = []
    watcher = OrgFileWatcher(path, applied.append, interval=2.0, clock=lambda: now[0])
    touch_later(path, TWO, 1)
    now[0] = 1.0
    assert watcher.check() is False and applied == []  # within the interval: not even a stat
    now[0] = 2.5
    assert watcher.check() is True and len(applied) == 1
