"""The audit trail: append rows, read them back in order. There is deliberately no update or
delete function; the database refuses both with a trigger (migration 0006).

Rows never hold free text: callers pass identifiers and argument *shapes* (see
``bot.access.classify``); :func:`record` also clips every field to its column width.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from storage.models import AuditEvent, utcnow

COLUMNS = ("at", "request_id", "seq", "team_id", "user_id", "channel_id", "kind", "action", "target", "args",
           "decision", "reason")
WIDTH = {"request_id": 128, "team_id": 32, "user_id": 32, "channel_id": 32, "kind": 24, "action": 80,
         "target": 120, "args": 200, "decision": 16, "reason": 120}


@dataclass(frozen=True)
class AuditEntry:
    """One audit row. ``decision``: allowed | refused | rejected | applied (a change row)."""

    request_id: str
    kind: str
    action: str
    decision: str
    seq: int = 0
    team_id: str | None = None
    user_id: str | None = None
    channel_id: str | None = None
    target: str | None = None
    args: str | None = None
    reason: str | None = None
    at: datetime | None = None

    def values(self) -> dict[str, object]:
        out = asdict(self)
        out["at"] = self.at or utcnow()
        for key, width in WIDTH.items():
            if isinstance(out[key], str):
                out[key] = out[key][:width]
        return out


def record(session: Session, entry: AuditEntry) -> None:
    """Append ``entry`` in ``session``'s transaction (committed or rolled back with it).

    Uses a Core insert on the session's connection, so it is safe inside flush events too.
    Raises ``IntegrityError`` if (request_id, seq) was already recorded.
    """
    session.connection().execute(_INSERT, entry.values())  # parameters, not .values(): no per-call build


_INSERT = insert(cast(Table, AuditEvent.__table__))  # Core insert (executemany), not the ORM bulk path


def rows(session: Session, since: datetime | None = None, until: datetime | None = None) -> Iterator[AuditEvent]:
    """Audit rows with ``since <= at < until`` (naive UTC), in the order they were written."""
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.at < until)
    yield from session.scalars(stmt)
