"""The audit trail is append-only against inserts too (issue 14): no conflict clause — SQLite's
``INSERT OR REPLACE`` / ``REPLACE INTO`` / upserts, PostgreSQL's ``ON CONFLICT DO UPDATE`` — may
overwrite a row, on either database; ordinary appends still work."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from bot.audit import AuditEntry, record
from storage.db import session_scope
from storage.models import AuditEvent

COLUMNS = "(id, at, request_id, seq, kind, action, decision, user_id)"


def _rows(sessions) -> list[tuple]:  # type: ignore[no-untyped-def]
    with sessions() as s:
        return [tuple(r) for r in s.execute(select(AuditEvent.id, AuditEvent.request_id, AuditEvent.seq,
                                                   AuditEvent.user_id, AuditEvent.decision).order_by(AuditEvent.id))]


def _seed(sessions) -> list[tuple]:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        for rid in ("r1", "r2", "r3"):
            record(s, AuditEntry(rid, "command", "/kpi", "allowed", 0, "T0", "U0REAL", "C0"))
    return _rows(sessions)


def _overwrites(dialect: str) -> list[str]:
    """Statements that would replace row 2 (by id, or by its (request_id, seq))."""
    values = "(2, '2026-01-01 00:00:00', '{rid}', 0, 'command', '/kpi', 'refused', 'U0FORGED')"
    if dialect == "sqlite":
        return [f"INSERT OR REPLACE INTO audit_events {COLUMNS} VALUES {values.format(rid='r2')}",
                f"REPLACE INTO audit_events {COLUMNS} VALUES {values.format(rid='other')}",
                "INSERT OR REPLACE INTO audit_events (at, request_id, seq, kind, action, decision, user_id) "
                "VALUES ('2026-01-01', 'r2', 0, 'command', '/kpi', 'refused', 'U0FORGED')",
                f"INSERT INTO audit_events {COLUMNS} VALUES {values.format(rid='r2')} "
                "ON CONFLICT (request_id, seq) DO UPDATE SET user_id = excluded.user_id",
                f"INSERT OR IGNORE INTO audit_events {COLUMNS} VALUES {values.format(rid='r2')}"]
    return [f"INSERT INTO audit_events {COLUMNS} VALUES {values.format(rid='r2')} "
            "ON CONFLICT (request_id, seq) DO UPDATE SET user_id = excluded.user_id",
            f"INSERT INTO audit_events {COLUMNS} VALUES {values.format(rid='other')} "
            "ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, decision = excluded.decision"]


def test_no_conflicting_insert_can_overwrite_a_row(sessions, engine) -> None:  # type: ignore[no-untyped-def]
    before = _seed(sessions)
    assert [r[3] for r in before] == ["U0REAL"] * 3
    for statement in _overwrites(engine.dialect.name):
        try:
            with session_scope(sessions) as s:
                s.execute(text(statement))
        except DBAPIError as exc:
            assert "append-only" in str(exc) or "unique" in str(exc).lower(), statement
        assert _rows(sessions) == before, statement  # refused (or ignored): row 2 unchanged


def test_sqlite_refuses_replace_with_the_append_only_message(sessions, engine) -> None:  # type: ignore[no-untyped-def]
    if engine.dialect.name != "sqlite":
        pytest.skip("REPLACE is SQLite syntax")
    _seed(sessions)
    with pytest.raises(DBAPIError, match="append-only"):
        with session_scope(sessions) as s:
            s.execute(text(_overwrites("sqlite")[0]))


def test_appends_still_work_after_the_guard(sessions) -> None:  # type: ignore[no-untyped-def]
    before = _seed(sessions)
    with session_scope(sessions) as s:
        record(s, AuditEntry("r2", "change", "idea.update", "allowed", 1, "T0", "U0REAL", "C0"))
    after = _rows(sessions)
    assert after[:3] == before and len(after) == 4 and after[3][1:3] == ("r2", 1)
