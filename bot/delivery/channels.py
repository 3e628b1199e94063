"""Per-channel pacing shared by every sender, through the ``delivery_channels`` table.

Slack accepts about one message per second per channel and answers HTTP 429 with
``Retry-After`` beyond that (slack.md, Outbound). A sender takes the channel's *turn* before each
post (one conditional UPDATE: ``not_before <= now`` → ``not_before = now + spacing``), so
threads, processes and hosts sending to one channel keep to the limit together; a 429 holds the
channel (every row bound for it, not only the one that met the 429) until its ``Retry-After``.

Instants are naive UTC in the sender's clock frame (``deliver_pending``'s ``now`` advanced by
real elapsed time). A spacing turn stored further ahead than one spacing belongs to another
frame (a test's simulated clock) and is not honoured; a 429 hold always is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from storage.db import session_scope
from storage.models import DeliveryChannel

SPACING = "spacing"


@dataclass(frozen=True)
class Turn:
    """``wait_s`` 0: the turn is ours, post now. Otherwise wait that many seconds (``reason``
    says why: ``spacing`` or the 429 that holds the channel)."""

    wait_s: float
    reason: str | None = None


def _ensure(session: Session, channel: str, now: datetime) -> None:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(DeliveryChannel).values(channel=channel, not_before=now - timedelta(seconds=1),
                                                   reason=SPACING)
                    .on_conflict_do_nothing(index_elements=["channel"]))


def take_turn(sessions: sessionmaker[Session], channel: str, now: datetime, spacing_s: float) -> Turn:
    """Take ``channel``'s next posting turn at ``now`` (naive UTC) if it is free; the next turn
    is then ``spacing_s`` seconds later."""
    C = DeliveryChannel
    with session_scope(sessions) as s:
        _ensure(s, channel, now)
        # free, or a spacing turn from another clock frame (more than one spacing ahead)
        free = (C.not_before <= now) | ((C.reason == SPACING)
                                        & (C.not_before > now + timedelta(seconds=spacing_s * 2)))
        done = s.execute(update(C).where(C.channel == channel, free)
                         .values(not_before=now + timedelta(seconds=spacing_s), reason=SPACING)
                         .execution_options(synchronize_session=False))
        if done.rowcount == 1:  # type: ignore[attr-defined]
            return Turn(0.0)
        row = s.execute(select(C.not_before, C.reason).where(C.channel == channel)).one()
        return Turn(max(0.001, (row[0] - now).total_seconds()), row[1])


def channel_waits(sessions: sessionmaker[Session], channels: set[str], now: datetime,
                  spacing_s: float) -> dict[str, float]:
    """Seconds until each of ``channels`` is free at ``now`` (only channels not free are listed).
    A peek for ordering work, not a turn: :func:`take_turn` still decides."""
    if not channels:
        return {}
    C = DeliveryChannel
    with session_scope(sessions) as s:
        rows = s.execute(select(C.channel, C.not_before, C.reason).where(C.channel.in_(channels))).all()
    far = now + timedelta(seconds=spacing_s * 2)
    return {ch: (nb - now).total_seconds() for ch, nb, reason in rows
            if nb > now and not (reason == SPACING and nb > far)}


def hold_channel(sessions: sessionmaker[Session], channel: str, now: datetime, seconds: float,
                 reason: str) -> None:
    """Hold every post to ``channel`` until ``now + seconds`` (a 429's ``Retry-After``); an
    existing later hold is kept."""
    C = DeliveryChannel
    until = now + timedelta(seconds=seconds)
    with session_scope(sessions) as s:
        _ensure(s, channel, now)
        s.execute(update(C).where(C.channel == channel, (C.not_before < until) | (C.reason == SPACING))
                  .values(not_before=until, reason=reason[:120]).execution_options(synchronize_session=False))


def channel_holds(session: Session, now: datetime) -> list[tuple[str, datetime, str | None]]:
    """Channels held by a 429 past ``now``: (channel, until, reason), for ``opsbot alerts log``."""
    C = DeliveryChannel
    rows = session.execute(select(C.channel, C.not_before, C.reason)
                           .where(C.not_before > now, C.reason != SPACING).order_by(C.not_before))
    return [(r[0], r[1], r[2]) for r in rows]
