"""Sending claimed deliveries: one attempt per claim, never sleeping in the caller's thread.

Per attempt (the row was claimed by :func:`bot.delivery.claim.claim_due`):

* sent → ``sent`` (message ts and channel recorded, so updates and thread replies can find it);
* HTTP 429 → ``failed`` with ``next_attempt_at = now + Retry-After`` (not counted as a failure);
* 5xx, ``internal_error``, timeouts, connection errors → ``failed`` with exponential backoff;
  after ``max_failures`` failures → ``dead`` (``dead_letters`` lists it; nothing is lost silently);
* ``channel_not_found`` / ``not_in_channel`` / ``is_archived`` → a direct message to the
  fallback user (the clinic owner) → ``fallback_sent``; with no fallback user → ``dead``;
* other permanent errors (``invalid_blocks``, ``invalid_auth`` …) → ``dead`` at once.

A timeout is ambiguous (Slack may have posted before the answer was lost); so is a row whose
sender died mid-send (found in ``sending`` after its lease). Before re-posting such a row, the
channel's recent history is searched for the message's metadata key (``conversations.history`` /
``conversations.replies`` with ``include_all_metadata``, scope ``channels:history``); when that
look-up itself fails the post is re-sent (at-least-once is chosen over losing the alert) and a
warning is logged. ``chat.postMessage`` has no idempotency key (slack.md), so this is the check.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.claim import claim_due
from bot.delivery.outcome import Outcome, classify
from storage.db import session_scope
from storage.models import Delivery, DeliveryState, utcnow

log = logging.getLogger(__name__)
S = DeliveryState
METADATA_TYPE = "opsbot_delivery"
FALLBACK_MARK = "fallback: "


@dataclass(frozen=True)
class DeliveryPolicy:
    """``max_failures`` before dead; backoff ``base_s``·2^(failures−1) capped at ``max_backoff_s``;
    ``lease_s`` must exceed the client timeout by a margin (a live sender keeps its claim)."""

    max_failures: int = 5
    base_s: float = 30.0
    max_backoff_s: float = 3600.0
    lease_s: float = 120.0
    batch: int = 50
    parent_wait_s: float = 15.0


@dataclass
class DeliveryReport:
    """Counts of final states reached in one :func:`deliver_pending` call, and the keys sent."""

    sent: int = 0
    fallback_sent: int = 0
    failed: int = 0
    dead: int = 0
    deferred: int = 0
    sent_keys: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    id: int
    key: str
    method: str
    channel: str | None
    payload: dict[str, Any]
    fallback_user: str | None
    failures: int
    ambiguous: bool
    fallback: bool
    created_at: datetime
    parent_state: str | None
    parent_channel: str | None
    parent_ts: str | None


def make_delivery_client(token: str | None, base_url: str, timeout: int = 10) -> WebClient:
    """A ``WebClient`` with NO automatic retries: the delivery log decides when to retry, so no
    scheduler thread sleeps on a ``Retry-After`` and no timed-out post is silently re-posted."""
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[])


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def deliver_pending(sessions: sessionmaker[Session], client: WebClient, now: datetime | None = None, *,
                    worker: str | None = None, policy: DeliveryPolicy | None = None,
                    keys: list[str] | None = None) -> DeliveryReport:
    """Send every delivery due at ``now`` (naive UTC; default: the current time), one attempt each.

    Args:
        client: a Web API client without retry handlers (see :func:`make_delivery_client`).
        worker: claim owner id (default host:pid:thread).
        keys: only these occurrence keys (e.g. the update a button click just queued).
    Returns:
        A :class:`DeliveryReport`. Never raises for Slack errors; those are recorded on the rows.
    """
    now = now or utcnow()
    worker = worker or default_worker_id()
    policy = policy or DeliveryPolicy()
    report = DeliveryReport()
    while True:
        ids = claim_due(sessions, worker, now, lease=timedelta(seconds=policy.lease_s),
                        limit=policy.batch, keys=keys)
        for row_id in ids:
            _process(sessions, client, row_id, worker, now, policy, report)
        if not ids:  # (a short batch may only mean another worker took some rows)
            return report


def _load(sessions: sessionmaker[Session], row_id: int) -> _Row:
    with session_scope(sessions) as s:
        d = s.get(Delivery, row_id)
        assert d is not None
        parent = (s.scalars(select(Delivery).where(Delivery.key == d.parent_key)).first()
                  if d.parent_key else None)
        return _Row(d.id, d.key, d.method, d.channel, dict(d.payload), d.fallback_user, d.failures,
                    bool(d.ambiguous), (d.last_error or "").startswith(FALLBACK_MARK), d.created_at,
                    parent.state if parent else None, parent.message_channel if parent else None,
                    parent.message_ts if parent else None)


def _process(sessions: sessionmaker[Session], client: WebClient, row_id: int, worker: str,
             now: datetime, policy: DeliveryPolicy, report: DeliveryReport) -> None:
    row = _load(sessions, row_id)
    if row.parent_state is not None or row.method == "chat.update":
        waiting = _parent_problem(row)
        if waiting == "wait":
            _finish(sessions, row, worker, report, state=S.PENDING, attempts_back=True,
                    next_at=now + timedelta(seconds=policy.parent_wait_s), error="waiting for parent message")
            report.deferred += 1
            return
        if waiting is not None:
            _finish(sessions, row, worker, report, state=S.DEAD, error=waiting, dead_at=now)
            return
    try:
        outcome = _attempt(client, row)
    except _FallbackFailed as exc:
        inner = exc.outcome
        outcome = Outcome(inner.kind, f"{FALLBACK_MARK}{inner.error}", inner.retry_after, inner.ambiguous)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row, none escapes
        outcome = classify(exc)
        if not isinstance(exc, (SlackApiError, OSError)):
            log.warning("delivery %s: unexpected %s", row.key, outcome.error, exc_info=True)
    _record(sessions, row, worker, now, policy, outcome, report)


def _parent_problem(row: _Row) -> str | None:
    """None when the parent message exists, "wait" while it is still on its way, else why not."""
    if row.parent_state in (S.SENT, S.FALLBACK_SENT) and row.parent_ts:
        return None
    if row.parent_state in (S.PENDING, S.SENDING, S.FAILED):
        return "wait"
    return f"parent message was never delivered ({row.parent_state or 'missing'})"


def _attempt(client: WebClient, row: _Row) -> Outcome:
    args = dict(row.payload)
    if row.method == "chat.update":
        args.update(channel=row.parent_channel, ts=row.parent_ts)
        resp = client.api_call("chat.update", json=args)
        return Outcome("sent", ts=resp.get("ts"), channel=resp.get("channel"))
    channel = row.channel or row.parent_channel
    if row.parent_ts:
        args["thread_ts"] = row.parent_ts
    if row.fallback:
        return _fallback(client, row, args, channel, "earlier attempt")
    args["metadata"] = {"event_type": METADATA_TYPE, "event_payload": {"delivery_key": row.key}}
    if row.ambiguous:
        found = _find_landed(client, channel, row)
        if found:
            return Outcome("sent", ts=found, channel=channel)
    try:
        resp = client.api_call("chat.postMessage", json={**args, "channel": channel})
    except SlackApiError as exc:
        outcome = classify(exc)
        if outcome.kind != "channel_gone":
            raise
        if not row.fallback_user:
            return Outcome("permanent", f"{outcome.error} and no fallback user")
        return _fallback(client, row, args, channel, outcome.error or "")
    return Outcome("sent", ts=resp.get("ts"), channel=resp.get("channel"))


def _fallback(client: WebClient, row: _Row, args: dict[str, Any], channel: str | None,
              why: str) -> Outcome:
    """Direct message to the fallback user saying where the message should have gone."""
    if not row.fallback_user:
        return Outcome("permanent", f"{why} and no fallback user")
    try:
        im = client.api_call("conversations.open", json={"users": row.fallback_user})["channel"]["id"]
    except Exception as exc:  # noqa: BLE001
        raise _FallbackFailed(classify(exc)) from exc
    note = f":warning: I could not post this to <#{channel}> ({why}); sending it to you instead."
    blocks = [{"type": "context", "elements": [{"type": "mrkdwn", "text": note}]}]
    dm = dict(args, channel=im, text=f"{note}\n{args.get('text', '')}",
              blocks=blocks + list(args.get("blocks") or []))
    dm.pop("thread_ts", None)
    dm["metadata"] = {"event_type": METADATA_TYPE, "event_payload": {"delivery_key": row.key}}
    if row.ambiguous and row.fallback:
        found = _find_landed(client, im, row)
        if found:
            return Outcome("fallback_sent", ts=found, channel=im)
    try:
        resp = client.api_call("chat.postMessage", json=dm)
    except Exception as exc:  # noqa: BLE001 - recorded as a fallback failure, retried as a DM
        raise _FallbackFailed(classify(exc)) from exc
    return Outcome("fallback_sent", error=f"{FALLBACK_MARK}{why}", ts=resp.get("ts"), channel=im)


class _FallbackFailed(Exception):
    def __init__(self, outcome: Outcome):
        super().__init__(outcome.error)
        self.outcome = outcome


def _find_landed(client: WebClient, channel: str | None, row: _Row) -> str | None:
    """The ts of a message in ``channel`` carrying this row's key, or None (also when the
    look-up itself fails: then the caller re-sends)."""
    oldest = f"{(row.created_at - datetime(1970, 1, 1)).total_seconds() - 120:.6f}"
    method, query = "conversations.history", {"channel": channel, "oldest": oldest}
    if row.parent_ts:
        method, query = "conversations.replies", {"channel": channel, "ts": row.parent_ts}
    try:
        resp = client.api_call(method, params={**query, "limit": 200, "include_all_metadata": "true"})
    except Exception as exc:  # noqa: BLE001
        log.warning("delivery %s: cannot check whether an earlier attempt landed (%s); re-sending",
                    row.key, getattr(getattr(exc, "response", None), "data", None) or type(exc).__name__)
        return None
    for msg in resp.get("messages") or []:
        payload = (msg.get("metadata") or {}).get("event_payload") or {}
        if payload.get("delivery_key") == row.key:
            return str(msg.get("ts"))
    return None


def _record(sessions: sessionmaker[Session], row: _Row, worker: str, now: datetime,
            policy: DeliveryPolicy, outcome: Outcome, report: DeliveryReport) -> None:
    if outcome.kind in ("sent", "fallback_sent"):
        state = S.SENT if outcome.kind == "sent" else S.FALLBACK_SENT
        _finish(sessions, row, worker, report, state=state, ts=outcome.ts, channel=outcome.channel,
                sent_at=now, error=outcome.error if state == S.FALLBACK_SENT else None)
        return
    if outcome.kind == "rate_limited":
        _finish(sessions, row, worker, report, state=S.FAILED, error=outcome.error or "ratelimited",
                next_at=now + timedelta(seconds=max(1.0, outcome.retry_after or 1.0)))
        return
    if outcome.kind in ("permanent", "channel_gone"):
        _finish(sessions, row, worker, report, state=S.DEAD, error=outcome.error, dead_at=now)
        return
    failures = row.failures + 1
    if failures >= policy.max_failures:
        _finish(sessions, row, worker, report, state=S.DEAD, failures=failures, dead_at=now,
                error=f"{outcome.error} (gave up after {failures} failures)", ambiguous=outcome.ambiguous)
        return
    backoff = min(policy.max_backoff_s, policy.base_s * 2 ** (failures - 1))
    _finish(sessions, row, worker, report, state=S.FAILED, failures=failures, error=outcome.error,
            next_at=now + timedelta(seconds=backoff), ambiguous=outcome.ambiguous)


def _finish(sessions: sessionmaker[Session], row: _Row, worker: str, report: DeliveryReport, *,
            state: str, error: str | None = None, next_at: datetime | None = None,
            ts: str | None = None, channel: str | None = None, sent_at: datetime | None = None,
            dead_at: datetime | None = None, failures: int | None = None,
            ambiguous: bool | None = None, attempts_back: bool = False) -> None:
    """Write the attempt's result, only while this worker still holds the claim."""
    values: dict[str, Any] = dict(state=state, claimed_by=None, claimed_until=None)
    if error is not None or state in (S.SENT,):
        values["last_error"] = (error or None) and error[:300]
    if row.fallback and state == S.FAILED and not (error or "").startswith(FALLBACK_MARK):
        values["last_error"] = f"{FALLBACK_MARK}{error}"[:300]  # keep going to the DM next time
    for name, value in (("next_attempt_at", next_at), ("message_ts", ts), ("message_channel", channel),
                        ("sent_at", sent_at), ("dead_at", dead_at), ("failures", failures)):
        if value is not None:
            values[name] = value
    if ambiguous is not None:
        values["ambiguous"] = int(ambiguous or row.ambiguous)
    if state in (S.SENT, S.FALLBACK_SENT):
        values["ambiguous"] = 0
    if attempts_back:
        values["attempts"] = Delivery.attempts - 1
    with session_scope(sessions) as s:
        done = s.execute(update(Delivery).where(Delivery.id == row.id, Delivery.claimed_by == worker)
                         .values(**values).execution_options(synchronize_session=False))
        if done.rowcount != 1:  # type: ignore[attr-defined]
            log.error("delivery %s: claim lost before recording %s (lease too short?)", row.key, state)
            return
    if state == S.SENT:
        report.sent += 1
        report.sent_keys.append(row.key)
    elif state == S.FALLBACK_SENT:
        report.fallback_sent += 1
        report.sent_keys.append(row.key)
    elif state == S.FAILED:
        report.failed += 1
    elif state == S.DEAD:
        report.dead += 1
        log.error("delivery %s is dead: %s", row.key, error)
