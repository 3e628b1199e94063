"""Sending claimed deliveries: one attempt per claim, never sleeping out a ``Retry-After``.

Per row (claimed by :func:`bot.delivery.claim.claim_due` under a fresh claim token):

1. an *ambiguous* row (an earlier attempt may have landed: timeout, 5xx, 504 after landing, a
   sender that died or lost its lease mid-send) is settled by a paged history search for its
   delivery key (``history.py``): found → ``sent``; the search cannot answer → ``unconfirmed``
   (waits, searched again later, never re-sent blind; an alert about the bot after a few tries);
2. the channel's posting turn is taken (``channels.py``: ~1 message/s/channel across every
   sender; a 429 holds the whole channel for its ``Retry-After``);
3. the claim is re-checked and its lease restarted from the actual send time (``claim.renew``);
   a sender whose claim was taken over posts nothing;
4. the post (with the delivery key in its metadata) and its outcome, recorded under the claim:
   sent → ``sent``; 429 → ``failed`` until ``Retry-After`` (not a failure); a clear refusal
   → ``dead`` (or the fallback DM for ``channel_not_found`` / ``not_in_channel`` /
   ``is_archived``); anything ambiguous → ``failed`` with backoff, settled as in 1 next time;
   after ``max_failures`` → ``dead`` once a search confirms nothing landed.

The clock is taken fresh for every claim and every send: the run's ``now`` advanced by the real
time elapsed, so a long run never claims with a stale clock.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.attempt import FALLBACK_MARK, Sending, attempt, load
from bot.delivery.channels import channel_waits
from bot.delivery.claim import claim_due, new_claim_token
from bot.delivery.history import METADATA_TYPE
from bot.delivery.record import Backoff, DeliveryReport, finish, record
from storage.db import session_scope
from storage.models import Delivery, DeliveryState, utcnow

S = DeliveryState
__all__ = ["FALLBACK_MARK", "METADATA_TYPE", "DeliveryPolicy", "DeliveryReport", "deliver_pending",
           "make_delivery_client"]


@dataclass(frozen=True)
class DeliveryPolicy:
    """``max_failures`` before dead; backoff ``base_s``·2^(failures−1) capped at ``max_backoff_s``.
    ``lease_s``: a claim's lease, restarted at each send; at least three client timeouts plus
    ten seconds whatever is set. ``spacing_s``: the per-channel spacing (Slack: ~1/s);
    ``max_pace_wait_s``: longer waits for a channel put the row back instead of sleeping."""

    max_failures: int = 5
    base_s: float = 30.0
    max_backoff_s: float = 3600.0
    lease_s: float = 120.0
    batch: int = 50
    parent_wait_s: float = 15.0
    spacing_s: float = 1.1
    max_pace_wait_s: float = 2.5
    unconfirmed_max_backoff_s: float = 900.0
    alert_after_checks: int = 3


def make_delivery_client(token: str | None, base_url: str, timeout: int = 10) -> WebClient:
    """A ``WebClient`` with NO automatic retries: the delivery log decides when to retry, so no
    scheduler thread sleeps on a ``Retry-After`` and no timed-out post is silently re-posted."""
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[])


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def deliver_pending(sessions: sessionmaker[Session], client: WebClient, now: datetime | None = None, *,
                    worker: str | None = None, policy: DeliveryPolicy | None = None,
                    keys: list[str] | None = None, sleep: Callable[[float], None] = time.sleep) -> DeliveryReport:
    """Send every delivery due (naive UTC ``now``, default the current time, advanced by real
    elapsed time), one attempt each.

    Args:
        client: a Web API client without retry handlers (see :func:`make_delivery_client`).
        worker: claim owner id (default host:pid:thread); each claim adds a fresh token to it.
        keys: only these occurrence keys (e.g. the update a button click just queued).
    Returns:
        A :class:`DeliveryReport`. Never raises for Slack errors; those are recorded on the rows.
    """
    start, started = now or utcnow(), time.monotonic()
    policy = policy or DeliveryPolicy()
    worker = worker or default_worker_id()
    lease = timedelta(seconds=max(policy.lease_s, 3 * (client.timeout or 30) + 10))
    backoff = Backoff(policy.base_s, policy.max_backoff_s, policy.unconfirmed_max_backoff_s,
                      policy.alert_after_checks)
    report = DeliveryReport()

    def clock() -> datetime:
        return start + timedelta(seconds=time.monotonic() - started)

    while True:
        owner = new_claim_token(worker)
        ids = claim_due(sessions, owner, clock(), lease=lease, limit=policy.batch, keys=keys)
        if not ids:  # (a short batch may only mean another worker took some rows)
            return report
        ctx = Sending(sessions, client, owner, clock, lease, policy.spacing_s, policy.max_pace_wait_s,
                      policy.max_failures, sleep)
        _send_batch(ctx, _interleaved(sessions, ids), policy, backoff, report)


def _send_batch(ctx: Sending, order: list[tuple[int, str | None]], policy: DeliveryPolicy,
                backoff: Backoff, report: DeliveryReport) -> None:
    """Send the batch, taking first the rows whose channel is free: a row whose channel is
    paced goes to the back of the line; when every row left waits, sleep for the first turn."""
    line = deque(order)
    while line:
        waits = channel_waits(ctx.sessions, {ch for _, ch in line if ch}, ctx.clock(), ctx.spacing_s)
        ready = [(i, ch) for i, ch in line if not ch or ch not in waits]
        if not ready:
            ctx.sleep(min(min(waits.values()), ctx.max_pace_wait_s))
            ready = [line[0]]  # take_turn decides (waits briefly or puts the row back)
        busy: set[str] = set()
        for row_id, channel in ready:
            if channel and channel in busy:
                continue  # one post per channel per pass; the next pass re-checks its turn
            line.remove((row_id, channel))
            _process(ctx, row_id, policy, backoff, report)
            if channel:
                busy.add(channel)


def _interleaved(sessions: sessionmaker[Session], ids: list[int]) -> list[tuple[int, str | None]]:
    """(id, channel) with each channel's first row, then each channel's second, … (id order
    within a channel), so one busy channel's 1/s pacing does not hold up the others. A thread
    reply's or update's channel is its parent's (None here: not paced by the batch order)."""
    with session_scope(sessions) as s:
        rows = s.execute(select(Delivery.id, Delivery.channel, Delivery.parent_key)
                         .where(Delivery.id.in_(ids)).order_by(Delivery.id)).all()
    seen: dict[str, int] = {}
    ranked = []
    for row_id, channel, parent in rows:
        lane = channel or f"parent:{parent}"
        seen[lane] = seen.get(lane, -1) + 1
        ranked.append((seen[lane], row_id, channel))
    return [(row_id, channel) for _, row_id, channel in sorted(ranked)]


def _process(ctx: Sending, row_id: int, policy: DeliveryPolicy, backoff: Backoff,
             report: DeliveryReport) -> None:
    row = load(ctx.sessions, row_id)
    if row.parent_state is not None or row.method == "chat.update":
        waiting = _parent_problem(row.parent_state, row.parent_ts)
        if waiting == "wait":
            finish(ctx, row, report, state=S.PENDING, attempts_back=True, error="waiting for parent message",
                   next_at=ctx.clock() + timedelta(seconds=policy.parent_wait_s))
            report.deferred += 1
            return
        if waiting is not None:
            finish(ctx, row, report, state=S.DEAD, error=waiting, dead_at=ctx.clock())
            return
    record(ctx, row, attempt(ctx, row), backoff, report)


def _parent_problem(parent_state: str | None, parent_ts: str | None) -> str | None:
    """None when the parent message exists, "wait" while it is still on its way, else why not."""
    if parent_state in (S.SENT, S.FALLBACK_SENT) and parent_ts:
        return None
    if parent_state in (S.PENDING, S.SENDING, S.FAILED, S.UNCONFIRMED):
        return "wait"
    return f"parent message was never delivered ({parent_state or 'missing'})"
