"""One send attempt for a claimed row: settle an ambiguous earlier attempt, take the channel's
turn, re-check the claim, post (or DM the fallback user). Returns an :class:`Outcome`; the
caller records it under the claim (``record.py``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.channels import SPACING, take_turn
from bot.delivery.claim import renew
from bot.delivery.history import METADATA_TYPE, find_landed
from bot.delivery.outcome import Outcome, classify
from bot.views.notices import context_note
from storage.db import session_scope
from storage.models import Delivery

FALLBACK_MARK = "fallback: "


@dataclass(frozen=True)
class Row:
    id: int
    key: str
    method: str
    channel: str | None
    payload: dict[str, Any]
    fallback_user: str | None
    failures: int
    checks: int
    ambiguous: bool
    fallback: bool
    created_at: datetime
    parent_state: str | None
    parent_channel: str | None
    parent_ts: str | None

    @property
    def target(self) -> str | None:
        return self.channel or self.parent_channel


@dataclass
class Sending:
    """What an attempt needs besides the row: the claim token, the clock frame, the lease."""

    sessions: sessionmaker[Session]
    client: WebClient
    owner: str
    clock: Callable[[], datetime]
    lease: timedelta
    spacing_s: float
    max_pace_wait_s: float
    max_failures: int
    sleep: Callable[[float], None] = time.sleep


def load(sessions: sessionmaker[Session], row_id: int) -> Row:
    with session_scope(sessions) as s:
        d = s.get(Delivery, row_id)
        assert d is not None
        parent = (s.scalars(select(Delivery).where(Delivery.key == d.parent_key)).first()
                  if d.parent_key else None)
        return Row(d.id, d.key, d.method, d.channel, dict(d.payload), d.fallback_user, d.failures,
                   d.checks or 0, bool(d.ambiguous), (d.last_error or "").startswith(FALLBACK_MARK),
                   d.created_at, parent.state if parent else None,
                   parent.message_channel if parent else None, parent.message_ts if parent else None)


def attempt(ctx: Sending, row: Row) -> Outcome:
    """Never raises for Slack errors (they become outcomes)."""
    try:
        return _attempt(ctx, row)
    except _FallbackFailed as exc:
        inner = exc.outcome
        return Outcome(inner.kind, f"{FALLBACK_MARK}{inner.error}", inner.retry_after, inner.ambiguous)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row, none escapes
        return classify(exc)


def _settle(ctx: Sending, row: Row, channel: str | None, thread_ts: str | None, kind: str) -> Outcome | None:
    """For an ambiguous row: the outcome if the search settles it (landed, or cannot answer);
    None when it answered that nothing landed (then the caller may post)."""
    if not row.ambiguous:
        return None
    found = find_landed(ctx.client, channel, row.key, row.created_at, thread_ts=thread_ts)
    if not found.answered:
        return Outcome("unconfirmed", found.reason, retry_after=found.retry_after, ambiguous=True)
    if found.ts:
        return Outcome(kind, ts=found.ts, channel=channel)
    if row.failures >= ctx.max_failures:
        return Outcome("permanent", f"gave up after {row.failures} failures (confirmed not posted)")
    return None


def _turn(ctx: Sending, channel: str | None) -> Outcome | None:
    """Wait for the channel's posting turn (briefly) or say when to come back."""
    if not channel:
        return None
    while True:
        turn = take_turn(ctx.sessions, channel, ctx.clock(), ctx.spacing_s)
        if turn.wait_s <= 0:
            return None
        if turn.reason != SPACING or turn.wait_s > ctx.max_pace_wait_s:
            return Outcome("paced", f"channel paced: {turn.reason}", retry_after=turn.wait_s)
        ctx.sleep(turn.wait_s)


def _fenced_post(ctx: Sending, row: Row, args: dict[str, Any]) -> Any:
    if not renew(ctx.sessions, row.id, ctx.owner, ctx.clock(), ctx.lease):
        raise _ClaimLost()
    return ctx.client.api_call("chat.postMessage", json=args)


def _attempt(ctx: Sending, row: Row) -> Outcome:
    args = dict(row.payload)
    if row.method == "chat.update":  # idempotent: a repeat rewrites the same content
        args.update(channel=row.parent_channel, ts=row.parent_ts)
        if not renew(ctx.sessions, row.id, ctx.owner, ctx.clock(), ctx.lease):
            return Outcome("claim_lost")
        resp = ctx.client.api_call("chat.update", json=args)
        return Outcome("sent", ts=resp.get("ts"), channel=resp.get("channel"))
    channel = row.target
    if row.parent_ts:
        args["thread_ts"] = row.parent_ts
    args["metadata"] = {"event_type": METADATA_TYPE,
                        "event_payload": {"delivery_key": row.key, "claim": ctx.owner.rpartition("#")[2]}}
    try:
        if row.fallback:
            return _fallback(ctx, row, args, channel, "earlier attempt")
        settled = _settle(ctx, row, channel, row.parent_ts, "sent")
        if settled is not None:
            return settled
        paced = _turn(ctx, channel)
        if paced is not None:
            return paced
        try:
            resp = _fenced_post(ctx, row, {**args, "channel": channel})
        except SlackApiError as exc:
            outcome = classify(exc)
            if outcome.kind != "channel_gone":
                raise
            if not row.fallback_user:
                return Outcome("permanent", f"{outcome.error} and no fallback user")
            return _fallback(ctx, row, args, channel, outcome.error or "")
    except _ClaimLost:
        return Outcome("claim_lost")
    return Outcome("sent", ts=resp.get("ts"), channel=resp.get("channel"))


def _fallback(ctx: Sending, row: Row, args: dict[str, Any], channel: str | None, why: str) -> Outcome:
    """Direct message to the fallback user saying where the message should have gone."""
    if not row.fallback_user:
        return Outcome("permanent", f"{why} and no fallback user")
    try:
        im = ctx.client.api_call("conversations.open", json={"users": row.fallback_user})["channel"]["id"]
    except Exception as exc:  # noqa: BLE001
        raise _FallbackFailed(classify(exc)) from exc
    note = f":warning: I could not post this to <#{channel}> ({why}); sending it to you instead."
    blocks = [context_note(note)]
    dm = dict(args, channel=im, text=f"{note}\n{args.get('text', '')}",
              blocks=blocks + list(args.get("blocks") or []))
    dm.pop("thread_ts", None)
    if row.fallback:
        settled = _settle(ctx, row, im, None, "fallback_sent")
        if settled is not None:
            if settled.kind == "unconfirmed":
                raise _FallbackFailed(settled)
            return settled
    try:
        resp = _fenced_post(ctx, row, dm)
    except _ClaimLost:
        raise
    except Exception as exc:  # noqa: BLE001 - recorded as a fallback failure, retried as a DM
        raise _FallbackFailed(classify(exc)) from exc
    return Outcome("fallback_sent", error=f"{FALLBACK_MARK}{why}", ts=resp.get("ts"), channel=im)


class _ClaimLost(Exception):
    """Our lease ran out and another sender holds the row now: post nothing."""


class _FallbackFailed(Exception):
    def __init__(self, outcome: Outcome):
        super().__init__(outcome.error)
        self.outcome = outcome
