"""Long-running processes keep the project's own INFO lines; libraries stay quiet (issue 17)."""

from __future__ import annotations

import logging

from bot.observability import quiet


def _record(name: str, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, "message", None, None)


def test_service_mode_keeps_own_info_and_hides_library_info(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    f = quiet._QuietInfo()
    assert not f.filter(_record("bot.delivery.sender"))  # a one-shot command: hidden
    assert f.filter(_record("bot.delivery.sender", logging.WARNING))
    f.service = True
    assert f.filter(_record("bot.delivery.sender")) and f.filter(_record("jobs.runner"))
    for library in ("apscheduler.scheduler", "slack_bolt.App", "waitress", "alembic.runtime.migration"):
        assert not f.filter(_record(library)), library
    assert f.filter(_record("apscheduler.scheduler", logging.ERROR))
