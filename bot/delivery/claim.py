"""Claiming due deliveries with a fenced lease, so two senders never both send one row and a
crashed sender's row is picked up again once its lease runs out.

Every claim writes a fresh claim token into ``claimed_by`` (``worker#token``): the token fences
the claim. A sender re-checks it right before posting (:func:`renew`, which also restarts the
lease from the actual send time) and records the outcome only under it, so a sender whose lease
ran out while it was busy (a slow Slack, a batch that outlived the lease, a pause) finds its
claim gone and posts nothing.

PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` picks rows no other worker is claiming, then
one UPDATE takes them. SQLite (one writer at a time): each candidate is taken by an atomic
conditional ``UPDATE … WHERE id = ? AND <still claimable>``; a row whose UPDATE matched nothing
was taken by someone else in between. :func:`renew` is one conditional UPDATE on both.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from storage.db import session_scope
from storage.models import Delivery, DeliveryState

S = DeliveryState
OWNER_MAX = 64


def new_claim_token(worker: str) -> str:
    """``worker#<12 hex>``, unique per claim, at most 64 characters (the ``claimed_by`` column)."""
    token = uuid.uuid4().hex[:12]
    return f"{worker[:OWNER_MAX - len(token) - 1]}#{token}"


def _claimable(now: datetime):  # type: ignore[no-untyped-def]
    """Due pending/failed/unconfirmed rows, and rows stuck in 'sending' whose lease has expired."""
    return or_(
        and_(Delivery.state.in_([S.PENDING, S.FAILED, S.UNCONFIRMED]), Delivery.next_attempt_at <= now),
        and_(Delivery.state == S.SENDING, Delivery.claimed_until < now),
    )


def _take_values(owner: str, now: datetime, lease: timedelta) -> dict:
    # A row found in 'sending' was claimed by a sender that died, hung or lost its lease
    # mid-send: the post may have landed, so it is marked ambiguous and settled by a history
    # search before any re-send.
    return dict(
        ambiguous=case((Delivery.state == S.SENDING, 1), else_=Delivery.ambiguous),
        state=S.SENDING, claimed_by=owner, claimed_until=now + lease,
        attempts=Delivery.attempts + 1,
    )


def claim_due(sessions: sessionmaker[Session], worker: str, now: datetime, *, lease: timedelta,
              limit: int = 50, keys: list[str] | None = None) -> list[int]:
    """Claim up to ``limit`` deliveries due at ``now`` (naive UTC: take it fresh for every
    claim) with a lease until ``now + lease``, in id order; returns their ids. ``claimed_by`` is
    set to ``worker`` as given (use :func:`new_claim_token` for a fenced claim). Commits before
    returning, so the claim is visible to others. ``keys`` restricts the claim to those
    occurrence keys (e.g. an update right after a click)."""
    cond = _claimable(now)
    if keys is not None:
        cond = and_(cond, Delivery.key.in_(keys))
    pick = select(Delivery.id).where(cond).order_by(Delivery.id).limit(limit)
    take = _take_values(worker[:OWNER_MAX], now, lease)
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


def renew(sessions: sessionmaker[Session], row_id: int, owner: str, now: datetime,
          lease: timedelta) -> bool:
    """Re-check the claim right before a post and restart its lease at ``now`` (naive UTC,
    fresh): True while ``owner`` (the claim token) still holds row ``row_id`` in ``sending``.
    False means another sender has taken it since (our lease ran out): post nothing."""
    with session_scope(sessions) as session:
        result = session.execute(
            update(Delivery).where(Delivery.id == row_id, Delivery.claimed_by == owner,
                                   Delivery.state == S.SENDING)
            .values(claimed_until=now + lease).execution_options(synchronize_session=False))
        return result.rowcount == 1  # type: ignore[attr-defined]
