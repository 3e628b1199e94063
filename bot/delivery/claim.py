"""Claiming due deliveries with a lease, so two workers never both send one row and a crashed
worker's row is picked up again once its lease runs out.

PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` picks rows no other worker is claiming, then
one UPDATE takes them. SQLite (one writer at a time): each candidate is taken by an atomic
conditional ``UPDATE … WHERE id = ? AND <still claimable>``; a row whose UPDATE matched nothing
was taken by someone else in between.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from storage.db import session_scope
from storage.models import Delivery, DeliveryState

S = DeliveryState


def _claimable(now: datetime):  # type: ignore[no-untyped-def]
    """Due pending/failed rows, and rows stuck in 'sending' whose lease has expired."""
    return or_(
        and_(Delivery.state.in_([S.PENDING, S.FAILED]), Delivery.next_attempt_at <= now),
        and_(Delivery.state == S.SENDING, Delivery.claimed_until < now),
    )


def _take_values(worker: str, now: datetime, lease: timedelta) -> dict:  # type: ignore[type-arg]
    # A row found in 'sending' was claimed by a worker that died or hung mid-send: the post
    # may have landed, so it is marked ambiguous and reconciled before any re-send.
    return dict(
        ambiguous=case((Delivery.state == S.SENDING, 1), else_=Delivery.ambiguous),
        state=S.SENDING, claimed_by=worker, claimed_until=now + lease,
        attempts=Delivery.attempts + 1,
    )


def claim_due(sessions: sessionmaker[Session], worker: str, now: datetime, *, lease: timedelta,
              limit: int = 50, keys: list[str] | None = None) -> list[int]:
    """Claim up to ``limit`` due deliveries for ``worker`` (lease until ``now + lease``), in id
    order; returns their ids. Commits before returning, so the claim is visible to others.
    ``keys`` restricts the claim to those occurrence keys (e.g. an update right after a click)."""
    cond = _claimable(now)
    if keys is not None:
        cond = and_(cond, Delivery.key.in_(keys))
    pick = select(Delivery.id).where(cond).order_by(Delivery.id).limit(limit)
    take = _take_values(worker, now, lease)
    with session_scope(sessions) as session:
        if session.get_bind().dialect.name == "postgresql":
            ids = list(session.scalars(pick.with_for_update(skip_locked=True)))
            if ids:
                session.execute(update(Delivery).where(Delivery.id.in_(ids), cond).values(**take)
                                .execution_options(synchronize_session=False))
            return ids
        candidates = list(session.scalars(pick))
    taken: list[int] = []
    for row_id in candidates:
        # one short write transaction per row: it starts with the write, so SQLite waits for
        # the lock (busy timeout) instead of failing on a stale read snapshot
        with session_scope(sessions) as session:
            result = session.execute(update(Delivery).where(Delivery.id == row_id, cond).values(**take)
                                     .execution_options(synchronize_session=False))
            if result.rowcount == 1:  # type: ignore[attr-defined]
                taken.append(row_id)
    return taken
