"""Inserting occurrences (exactly once per key) and reading the log back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Delivery, DeliveryState, utcnow

KEY_MAX = 255


def enqueue(session: Session, key: str, channel: str | None, payload: dict[str, Any], *,
            method: str = "chat.postMessage", kind: str = "alert", parent_key: str | None = None,
            fallback_user: str | None = None, not_before: datetime | None = None,
            now: datetime | None = None) -> Delivery | None:
    """Insert the occurrence ``key`` unless it exists; return the new row, or None if another
    caller (this process earlier, another process, a repeat of a daylight-saving hour) already
    inserted it — then the caller must not send anything.

    Args:
        key: unique occurrence key, e.g. ``"rule/clinic/subject/period"`` (≤ 255 characters).
        channel: Slack channel id; None for a ``parent_key`` thread reply/update (the parent's).
        payload: Web API arguments besides channel/ts/thread_ts (``text``, ``blocks``…).
        method: ``chat.postMessage`` or ``chat.update`` (the update targets ``parent_key``'s message).
        fallback_user: Slack user to DM when the channel is gone (channel_not_found, …).
        not_before: naive UTC instant before which it is not sent (quiet hours).
        now: the run's clock (naive UTC; default the current time): ``created_at`` and, without
            ``not_before``, the first ``next_attempt_at``.

    Raises:
        ValueError: key too long or empty.
    """
    if not key or len(key) > KEY_MAX:
        raise ValueError(f"delivery key must be 1..{KEY_MAX} characters: {key!r}")
    now = now or utcnow()
    values = dict(key=key, kind=kind, method=method, channel=channel, payload=payload,
                  parent_key=parent_key, fallback_user=fallback_user, state=DeliveryState.PENDING,
                  attempts=0, failures=0, ambiguous=0, checks=0, next_attempt_at=not_before or now,
                  created_at=now)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(Delivery).values(**values).on_conflict_do_nothing(index_elements=["key"])
    new_id = session.execute(stmt.returning(Delivery.id)).scalar_one_or_none()
    if new_id is None:
        return None
    return session.get(Delivery, new_id)


def dead_letters(session: Session, since: datetime) -> Sequence[Delivery]:
    """Occurrences marked dead at or after ``since`` (naive UTC), oldest first — for the digest's
    "could not deliver" section and ``opsbot alerts log --state dead``."""
    stmt = (select(Delivery).where(Delivery.state == DeliveryState.DEAD, Delivery.dead_at >= since)
            .order_by(Delivery.dead_at, Delivery.id))
    return session.scalars(stmt).all()


def held_letters(session: Session) -> Sequence[Delivery]:
    """Occurrences held ``unconfirmed`` (an earlier attempt may have landed and the history
    search cannot answer yet), oldest first — for the digest's "could not deliver" section."""
    stmt = (select(Delivery).where(Delivery.state == DeliveryState.UNCONFIRMED)
            .order_by(Delivery.created_at, Delivery.id))
    return session.scalars(stmt).all()


def list_deliveries(session: Session, *, state: str | None = None, kind: str | None = None,
                    limit: int = 100) -> Sequence[Delivery]:
    """Most recent deliveries first, optionally filtered by state and kind."""
    stmt = select(Delivery).order_by(Delivery.id.desc()).limit(limit)
    if state:
        stmt = stmt.where(Delivery.state == state)
    if kind:
        stmt = stmt.where(Delivery.kind == kind)
    return session.scalars(stmt).all()
