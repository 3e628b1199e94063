"""Change rows: every row a Slack request inserts, updates or deletes gets an audit row
(``seq`` 1, 2, …) written in the SAME transaction as the change, by an ``after_flush`` hook on
the app's session factory. If the transaction rolls back, so do its change rows.

The hook acts only inside a Slack request (``bot.access.current``); CLI commands and jobs are
not Slack requests. Targets are ``<table>:<primary key>``; for updates ``args`` lists the
changed column *names* (never values).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from bot.access.current import current
from bot.audit.service import AuditEntry, record

log = logging.getLogger(__name__)

SKIP = frozenset({"audit_events", "request_receipts"})
MAX_ROWS_PER_FLUSH = 50


def _target(obj: Any) -> str:
    mapper = inspect(obj).mapper
    key = [k for k in mapper.primary_key_from_instance(obj) if k is not None]
    return f"{mapper.local_table.name}:{','.join(str(k) for k in key)}" if key else mapper.local_table.name


def _changed_columns(obj: Any) -> str:
    state = inspect(obj)
    names = [a.key for a in state.attrs if a.history.has_changes()]
    return ",".join(names)[:200]


def _after_flush(session: Session, _flush_context: Any) -> None:
    scope = current()
    if scope is None or scope.anonymous:  # anonymous ideas: "your name is not stored" holds here too
        return
    changes: list[tuple[str, Any]] = (
        [("insert", o) for o in session.new] + [("update", o) for o in session.dirty if session.is_modified(o)]
        + [("delete", o) for o in session.deleted])
    changes = [(op, o) for op, o in changes if inspect(o).mapper.local_table.name not in SKIP]
    for n, (op, obj) in enumerate(changes):
        if n == MAX_ROWS_PER_FLUSH:
            record(session, AuditEntry(scope.request_id, "change", "more changes", "applied", scope.next_seq(),
                                       scope.team_id, scope.user_id, scope.channel_id,
                                       args=f"{len(changes) - n} more rows"))
            break
        table = inspect(obj).mapper.local_table.name
        record(session, AuditEntry(scope.request_id, "change", f"{op} {table}", "applied", scope.next_seq(),
                                   scope.team_id, scope.user_id, scope.channel_id, target=_target(obj),
                                   args=_changed_columns(obj) if op == "update" else None))


def install(sessions: sessionmaker[Session]) -> None:
    """Attach the hook to ``sessions`` (idempotent).

    The mark lives on the factory itself: ``event.contains`` can answer True for a new factory that
    reuses the memory address of a collected one, and the hook would then silently be missing.
    """
    if not getattr(sessions, "_opsbot_audit_hook", False):
        event.listen(sessions, "after_flush", _after_flush)
        sessions._opsbot_audit_hook = True  # type: ignore[attr-defined]
