"""SQL for ``pending_replies`` (issue 14): add in the guard's transaction, renew, claim lapsed,
finish. Instants are naive UTC (``storage.models.utcnow``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session

from storage.db import rows_affected
from storage.models import PendingReply

_TABLE = cast(Table, PendingReply.__table__)
_ADD = insert(_TABLE).returning(_TABLE.c.id)


@dataclass(frozen=True)
class OwedReply:
    id: int
    kind: str
    payload: str  # JSON
    received_at: datetime
    attempts: int


def add(session: Session, kind: str, payload: str, holder: str, now: datetime, until: datetime) -> int:
    """Record one owed reply, claimed by ``holder`` until ``until``; returns its id (the caller
    commits, before acknowledging)."""
    return int(session.connection().execute(_ADD, {
        "kind": kind, "payload": payload, "received_at": now, "claimed_by": holder,
        "claimed_until": until, "attempts": 1}).scalar_one())


def renew(session: Session, holder: str, ids: list[int], until: datetime) -> int:
    """Extend ``holder``'s claims on rows ``ids`` (the work it is doing) to ``until``; returns how
    many rows. A row recorded but never started here (its acknowledgement went without the
    guard's answer) is not renewed, lapses, and is then done by whoever claims it."""
    if not ids:
        return 0
    stmt = (update(PendingReply).where(PendingReply.claimed_by == holder, PendingReply.id.in_(ids))
            .values(claimed_until=until))
    return rows_affected(session.execute(stmt))


def claim_lapsed(session: Session, holder: str, now: datetime, until: datetime, limit: int = 20) -> list[OwedReply]:
    """Take up to ``limit`` rows whose claim lapsed before ``now`` (their process died), oldest
    first. PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so two processes never take the same row;
    SQLite has one writer at a time."""
    lapsed = (select(PendingReply.id).where(PendingReply.claimed_until < now).order_by(PendingReply.id)
              .limit(limit).with_for_update(skip_locked=True))
    ids = list(session.scalars(lapsed))
    if not ids:
        return []
    stmt = (update(PendingReply).where(PendingReply.id.in_(ids), PendingReply.claimed_until < now)
            .values(claimed_by=holder, claimed_until=until, attempts=PendingReply.attempts + 1)
            .returning(PendingReply.id, PendingReply.kind, PendingReply.payload, PendingReply.received_at,
                       PendingReply.attempts))
    return [OwedReply(*row) for row in session.execute(stmt).all()]


def finish(session: Session, reply_id: int) -> None:
    """The reply has gone (or was given up): forget it."""
    session.execute(delete(PendingReply).where(PendingReply.id == reply_id))


def owed(session: Session) -> int:
    """How many replies are owed right now (all processes)."""
    return int(session.scalar(select(func.count()).select_from(PendingReply)) or 0)
