"""Sending digests within Slack's rate limits (slack.md, Outbound: chat.postMessage about one
message per second per channel, several hundred per minute per workspace; HTTP 429 with
``Retry-After`` beyond that).

The delivery log sends each message (one attempt per call, exactly once per key); this module
decides *when*: messages go in waves — every channel's head first, then every channel's first
thread reply, … — each waiting for its channel's 1 s spacing and a workspace token bucket.
A 429 leaves the row ``failed`` with ``next_attempt_at = now + Retry-After`` (the delivery log's
rule); :func:`send_paced` waits for that instant and tries again, until ``max_wait_s``. Anything
still unsent is left to the next run or the delivery sweep. The limit is per process: two
schedulers would each keep to it (the 429 handling covers the excess).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery import DeliveryReport, deliver_pending
from storage.db import session_scope
from storage.models import Delivery, DeliveryState

DONE = (DeliveryState.SENT, DeliveryState.FALLBACK_SENT, DeliveryState.DEAD)


class Pacer:
    """Per-channel spacing plus a workspace token bucket (``per_minute`` refill, ``burst`` size).
    ``clock``/``sleep`` are injectable (seconds, monotonic)."""

    def __init__(self, per_channel_s: float = 1.0, per_minute: float = 300, burst: int = 20,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.per_channel_s, self.rate, self.burst = per_channel_s, per_minute / 60.0, float(burst)
        self.clock, self.sleep = clock, sleep
        self.tokens, self.stamp = float(burst), clock()
        self.last: dict[str, float] = {}
        self.waited = 0.0

    def wait(self, channel: str) -> None:
        """Block until a message may go to ``channel``; take its token."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        pause = max(0.0, (1.0 - self.tokens) / self.rate)
        last = self.last.get(channel)
        if last is not None:
            pause = max(pause, last + self.per_channel_s - now)
        if pause > 0:
            self.sleep(pause)
            self.waited += pause
            now = self.clock()
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
        self.tokens -= 1.0
        self.last[channel] = self.clock()

    def sent(self, channel: str) -> None:
        """Mark the end of a send: the next post to ``channel`` waits ``per_channel_s`` from here,
        so requests arrive spaced even when one took longer to reach Slack than the next."""
        self.last[channel] = self.clock()


@dataclass
class PacedReport:
    """Totals over the run: ``report`` of the delivery log, ``unsent`` keys left for later,
    ``attempts`` send attempts, ``waited_s`` time spent pacing."""

    report: DeliveryReport = field(default_factory=DeliveryReport)
    unsent: list[str] = field(default_factory=list)
    attempts: int = 0
    waited_s: float = 0.0


def _merge(total: DeliveryReport, part: DeliveryReport) -> None:
    for name in ("sent", "fallback_sent", "failed", "dead", "deferred"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    total.sent_keys += part.sent_keys


def waves(keys_by_channel: dict[str, list[str]]) -> list[tuple[str, str]]:
    """``(channel, key)`` in send order: each channel's first message, then each second, …"""
    out, depth = [], max((len(v) for v in keys_by_channel.values()), default=0)
    for i in range(depth):
        out += [(ch, keys[i]) for ch, keys in keys_by_channel.items() if i < len(keys)]
    return out


def _open(sessions: sessionmaker[Session], keys: list[str]) -> dict[str, tuple[str, datetime]]:
    with session_scope(sessions) as s:
        rows = s.execute(select(Delivery.key, Delivery.state, Delivery.next_attempt_at)
                         .where(Delivery.key.in_(keys))).all()
    return {k: (st, at) for k, st, at in rows if st not in DONE}


def send_paced(sessions: sessionmaker[Session], client: WebClient, keys_by_channel: dict[str, list[str]],
               now: datetime, pacer: Pacer, *, max_wait_s: float = 120.0) -> PacedReport:
    """Send the queued ``keys_by_channel`` (head first within each channel) paced by ``pacer``.

    ``now`` is the job's clock (naive UTC); it advances with real elapsed time, so Retry-After
    instants recorded by the delivery log are honoured in the same frame.
    """
    out = PacedReport()
    start = pacer.clock()
    clock = lambda: now + timedelta(seconds=pacer.clock() - start)  # noqa: E731
    order = waves(keys_by_channel)
    todo, left = order, {}
    while todo:
        for channel, key in todo:
            pacer.wait(channel)
            out.attempts += 1
            _merge(out.report, deliver_pending(sessions, client, clock(), keys=[key]))
            pacer.sent(channel)
        left = _open(sessions, [k for _, k in order])
        if not left:
            break
        pause = max(0.0, (min(at for _, at in left.values()) - clock()).total_seconds())
        if pacer.clock() - start + pause > max_wait_s:
            break
        pacer.sleep(pause)
        pacer.waited += pause
        due_at = clock()
        todo = [(c, k) for c, k in order if k in left and left[k][1] <= due_at]
    out.unsent = [k for _, k in order if k in left]
    out.waited_s = pacer.waited
    return out
