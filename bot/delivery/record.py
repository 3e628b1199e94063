"""Writing an attempt's outcome to its row, only under the claim that made the attempt."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from bot.delivery.attempt import FALLBACK_MARK, Row, Sending
from bot.delivery.channels import hold_channel
from bot.delivery.outcome import Outcome
from bot.delivery.selfalert import raise_unconfirmed_alert
from storage.db import session_scope
from storage.models import Delivery, DeliveryState

log = logging.getLogger("bot.delivery.sender")
S = DeliveryState


@dataclass(frozen=True)
class Backoff:
    """``base_s``·2^(n−1) capped at ``max_s``; ``unconfirmed_max_s`` caps the wait between
    history searches; ``alert_after_checks`` failed searches raise the alert about the bot."""

    base_s: float = 30.0
    max_s: float = 3600.0
    unconfirmed_max_s: float = 900.0
    alert_after_checks: int = 3

    def after(self, n: int, cap: float | None = None) -> float:
        return min(cap or self.max_s, self.base_s * 2 ** max(0, n - 1))


@dataclass
class DeliveryReport:
    """Counts of final states reached in one ``deliver_pending`` call, and the keys sent.
    ``unconfirmed``: rows left waiting because a history search could not answer;
    ``claims_lost``: rows another sender took over before this one posted (nothing posted)."""

    sent: int = 0
    fallback_sent: int = 0
    failed: int = 0
    dead: int = 0
    deferred: int = 0
    unconfirmed: int = 0
    claims_lost: int = 0
    sent_keys: list[str] = field(default_factory=list)


def record(ctx: Sending, row: Row, outcome: Outcome, backoff: Backoff, report: DeliveryReport) -> None:
    now = ctx.clock()
    kind = outcome.kind
    if kind == "claim_lost":
        report.claims_lost += 1
        log.info("delivery %s: another sender took it over before this one posted; nothing sent", row.key)
    elif kind in ("sent", "fallback_sent"):
        state = S.SENT if kind == "sent" else S.FALLBACK_SENT
        finish(ctx, row, report, state=state, ts=outcome.ts, channel=outcome.channel, sent_at=now,
               error=outcome.error if state == S.FALLBACK_SENT else None, checks=0)
    elif kind == "paced":
        finish(ctx, row, report, state=S.PENDING, attempts_back=True, error=outcome.error,
               next_at=now + timedelta(seconds=outcome.retry_after or 1.0))
        report.deferred += 1
    elif kind == "rate_limited":
        wait = max(1.0, outcome.retry_after or 1.0)
        if row.target and not (outcome.error or "").startswith(FALLBACK_MARK):
            hold_channel(ctx.sessions, row.target, now, wait, f"429 Retry-After {wait:g}s")
        finish(ctx, row, report, state=S.FAILED, error=outcome.error or "ratelimited",
               next_at=now + timedelta(seconds=wait))
    elif kind == "unconfirmed":
        _unconfirmed(ctx, row, outcome, backoff, report, now)
    elif kind in ("permanent", "channel_gone"):
        finish(ctx, row, report, state=S.DEAD, error=outcome.error, dead_at=now)
    else:
        _transient(ctx, row, outcome, backoff, report, now)


def _transient(ctx: Sending, row: Row, outcome: Outcome, backoff: Backoff, report: DeliveryReport,
               now: datetime) -> None:
    failures = row.failures + 1
    if failures >= ctx.max_failures and not outcome.ambiguous:
        finish(ctx, row, report, state=S.DEAD, failures=failures, dead_at=now,
               error=f"{outcome.error} (gave up after {failures} failures)")
        return
    # an ambiguous last failure is settled by one more history search before it is given up
    finish(ctx, row, report, state=S.FAILED, failures=failures, error=outcome.error,
           next_at=now + timedelta(seconds=backoff.after(failures)), ambiguous=outcome.ambiguous)


def _unconfirmed(ctx: Sending, row: Row, outcome: Outcome, backoff: Backoff, report: DeliveryReport,
                 now: datetime) -> None:
    checks = row.checks + 1
    wait = max(outcome.retry_after or 0.0, backoff.after(checks, backoff.unconfirmed_max_s))
    why = f"unconfirmed: {outcome.error}; held, not re-sent (search {checks})"
    if finish(ctx, row, report, state=S.UNCONFIRMED, error=why, checks=checks, ambiguous=True,
              next_at=now + timedelta(seconds=wait)) and checks == backoff.alert_after_checks:
        raise_unconfirmed_alert(ctx.sessions, row.key, row.target, row.fallback_user, why, now)


def finish(ctx: Sending, row: Row, report: DeliveryReport, *, state: str, error: str | None = None,
           next_at: datetime | None = None, ts: str | None = None, channel: str | None = None,
           sent_at: datetime | None = None, dead_at: datetime | None = None, failures: int | None = None,
           ambiguous: bool | None = None, attempts_back: bool = False, checks: int | None = None) -> bool:
    """Write the attempt's result, only while this claim still holds the row; True if written."""
    values: dict[str, Any] = dict(state=state, claimed_by=None, claimed_until=None)
    if error is not None or state in (S.SENT,):
        values["last_error"] = (error or None) and error[:300]
    if row.fallback and state == S.FAILED and not (error or "").startswith(FALLBACK_MARK):
        values["last_error"] = f"{FALLBACK_MARK}{error}"[:300]  # keep going to the DM next time
    for name, value in (("next_attempt_at", next_at), ("message_ts", ts), ("message_channel", channel),
                        ("sent_at", sent_at), ("dead_at", dead_at), ("failures", failures),
                        ("checks", checks)):
        if value is not None:
            values[name] = value
    if ambiguous is not None:
        values["ambiguous"] = int(ambiguous or row.ambiguous)
    if state in (S.SENT, S.FALLBACK_SENT):
        values["ambiguous"] = 0
    if attempts_back:
        values["attempts"] = Delivery.attempts - 1
    with session_scope(ctx.sessions) as s:
        done = s.execute(update(Delivery).where(Delivery.id == row.id, Delivery.claimed_by == ctx.owner)
                         .values(**values).execution_options(synchronize_session=False))
        if done.rowcount != 1:  # type: ignore[attr-defined]
            # the post (if any) went out under a renewed claim; only a pause longer than the
            # lease between the renewal and here gets this far — the next sender settles it
            log.warning("delivery %s: claim lost before recording %s; the next sender settles it",
                        row.key, state)
            report.claims_lost += 1
            return False
    _count(report, row.key, state, error)
    return True


def _count(report: DeliveryReport, key: str, state: str, error: str | None) -> None:
    if state == S.SENT:
        report.sent += 1
        report.sent_keys.append(key)
    elif state == S.FALLBACK_SENT:
        report.fallback_sent += 1
        report.sent_keys.append(key)
    elif state == S.FAILED:
        report.failed += 1
    elif state == S.UNCONFIRMED:
        report.unconfirmed += 1
    elif state == S.DEAD:
        report.dead += 1
        log.error("delivery %s is dead: %s", key, error)
