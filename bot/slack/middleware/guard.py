"""The decision for one request: dedup/replay, bounds, permission, audit row — on receipt.

:func:`check` runs in the Bolt global middleware before any listener, in ONE transaction: it
resolves the requester's grants and the clinic the request concerns, decides, then claims the
receipt and appends the request's audit row (``seq`` 0). Returns a :class:`Verdict`; the middleware
turns a refusal into a polite ephemeral reply and never calls the listener.
"""

from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from bot.access.audience import finance_channels, may_post, revenue_only_in
from bot.access.classify import Need, classify, safe_id
from bot.access.current import RequestScope
from bot.access.locate import audit_target, clinic_of, cycle_owner, incident_assignee, missing_record
from bot.access.policy import Decision, decide
from bot.access.resolver import RoleResolver
from bot.access.roles import home_clinic
from bot.audit.service import AuditEntry, record
from bot.slack.middleware import bounds, receipts
from bot.store_health import Abandoned
from storage.db import session_scope
from storage.models import utcnow

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger(__name__)
PRUNE_EVERY = 1000  # requests between deletions of receipts too old to match a valid replay
_requests = itertools.count(1)


@dataclass
class Verdict:
    status: str  # allowed | refused | rejected | duplicate
    need: Need | None = None
    message: str | None = None
    scope: RequestScope | None = None
    owed: int | None = None  # the pending_replies row of the work that follows the ack (bot.replies)


def _sub(body: dict[str, Any], key: str, field: str = "id") -> Any:
    value = body.get(key)
    return value.get(field) if isinstance(value, dict) else None


def ids(body: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(team, user, channel) ids of a request, each reduced to a safe identifier."""
    team = body.get("team_id") or _sub(body, "team")
    user = body.get("user_id") or _sub(body, "user")
    channel = body.get("channel_id") or _sub(body, "channel") or _sub(body, "container", "channel_id")

    def clean(v: Any) -> str | None:
        return safe_id(v, 32).upper() if v else None
    return clean(team), clean(user), clean(channel)


def check(ctx: AppContext, resolver: RoleResolver, body: dict[str, Any], raw_body: str,
          abandoned: threading.Event | None = None) -> Verdict:
    """Decide one request (see module doc). Never raises for bad input.

    An allowed request whose listener declared durable work (``bot.replies``) also gets its
    ``pending_replies`` row in this transaction. When ``abandoned`` is set (the caller stopped
    waiting: ``bot.store_health.Deadline``) the transaction rolls back instead of committing.

    The reads (grants, the clinic the request concerns) come first and the writes last (the
    receipt, one ``INSERT … ON CONFLICT DO NOTHING``, then the audit row), so SQLite's write
    lock is held for two inserts and the commit only. A duplicate is found by the receipt insert;
    its transaction then writes nothing, as before.
    """
    now = utcnow()
    key = receipts.receipt_key(body, raw_body)
    is_event = body.get("type") == "event_callback"
    problem = bounds.body_problem(raw_body) or bounds.field_problem(body)
    team, user, channel = ids(body)
    if next(_requests) % PRUNE_EVERY == 0:
        _prune_later(ctx, now)
    try:
        with session_scope(ctx.sessions) as s:
            _still_wanted(abandoned)
            if is_event and problem is None:
                claimed = receipts.claim_once(s, key, now)
                _still_wanted(abandoned)
                return Verdict("allowed" if claimed else "duplicate")
            if problem is not None:
                kind = "command" if body.get("command") else safe_id(body.get("type"), 24)
                entry = AuditEntry(key, kind, "oversized", "rejected", 0, team, user, channel, reason="payload bounds")
                verdict = Verdict("rejected", Need(kind, "oversized"), problem)
            else:
                entry, verdict = _judge(ctx, resolver, s, body, key, now, (team, user, channel))
            if not receipts.claim_once(s, key, now):
                return Verdict("duplicate")
            record(s, entry)
            replies = getattr(ctx, "replies", None)
            if verdict.status == "allowed" and replies is not None:
                verdict.owed = replies.owe(s, body, now)
            _still_wanted(abandoned)
    except IntegrityError:  # (request_id, 0) already audited: the same request, recorded first elsewhere
        return Verdict("duplicate")
    return verdict


def _still_wanted(abandoned: threading.Event | None) -> None:
    if abandoned is not None and abandoned.is_set():
        raise Abandoned("the acknowledgement went without this check; rolled back")


def _judge(ctx: AppContext, resolver: RoleResolver, s: Any, body: dict[str, Any], key: str, now: Any,
           who: tuple[str | None, str | None, str | None]) -> tuple[AuditEntry, Verdict]:
    """The permission decision (reads only) and its audit row."""
    team, user, channel = who
    need = _classify(body)
    grants = resolver.grants_for(s, user)
    at = None
    if need.anonymous:
        # an anonymous idea's row keeps no user, channel or exact time (issue 5: nothing
        # that could re-identify the author); the day is enough for an audit
        user, at = None, now.replace(hour=0, minute=0, second=0, microsecond=0)
    decision = _decide(ctx, s, need, grants, user, channel)
    entry = AuditEntry(key, need.kind, need.action, decision.word, 0, team, user,
                       None if need.anonymous else channel, target=audit_target(s, _target(need, decision)),
                       args=need.args, reason=decision.reason, at=at)
    if not decision.allowed:
        return entry, Verdict("refused", need, decision.message)
    return entry, Verdict("allowed", need, scope=RequestScope(key, need.kind, need.action, team, user, channel,
                                                              grants, anonymous=need.anonymous))


def _prune_later(ctx: AppContext, now: Any) -> None:
    """Delete old receipts on the worker pool (inline when there is none), off the ack path."""

    def prune() -> None:
        try:
            with session_scope(ctx.sessions) as s:
                receipts.prune(s, now)
        except Exception as exc:  # noqa: BLE001 - pruning is housekeeping; the next one retries
            log.warning("could not prune request receipts (%s)", type(exc).__name__)

    workers = getattr(ctx, "workers", None)
    try:
        workers.submit(prune) if workers is not None else prune()
    except RuntimeError:  # the pool is shutting down
        pass


def _classify(body: dict[str, Any]) -> Need:
    try:
        return classify(body)
    except Exception:  # noqa: BLE001 - an unexpected shape is audited, and gets no special rights
        log.warning("could not classify a %s request", safe_id(body.get("type"), 24))
        return Need("other", "unclassified")


def _target(need: Need, decision: Decision) -> str | None:
    if need.target:
        return need.target
    return f"clinic:{decision.clinic}" if decision.clinic else None


def _unscoped_kpi(need: Need) -> bool:
    """A KPI question naming no clinic, provider or clinic breakdown (``bot.services.understand``
    answers it for the asker's home clinic, when they have one)."""
    if not need.locate or need.locate[0] != "kpi_request" or need.locate[1] is None:
        return False
    request = need.locate[1]
    return not (request.clinic or request.provider or request.by == "clinic")


def _decide(ctx: AppContext, session: Any, need: Need, grants: frozenset, user: str | None,
            channel: str | None) -> Decision:
    from bot.access.policy import NEEDS

    org = ctx.org
    if need.in_finance_channel is not None and channel in finance_channels(org):
        need = replace(need, permission=need.in_finance_channel)
    if not NEEDS[need.permission] and not need.share_kpi:
        return decide(grants, need.permission)
    where = clinic_of(session, org, need.locate) if NEEDS[need.permission] else None
    if where is None and _unscoped_kpi(need):
        where = home_clinic(grants)  # the reader answers a one-clinic user for their clinic
    clinics = where if isinstance(where, tuple) else (where,)
    decision = decide(grants, need.permission)
    for clinic in clinics:
        known = org.clinic(clinic) if clinic else None
        name = known.name if known else clinic
        decision = decide(grants, need.permission, clinic, name)
        if not decision.allowed:
            break
    if not decision.allowed and need.owner_may and need.locate and cycle_owner(session, need.locate[1]) == user:
        decision = Decision(True, need.permission, clinics[0], "cycle owner")
    if (not decision.allowed and need.assignee_may and need.locate
            and incident_assignee(session, need.locate[1]) == user):
        decision = Decision(True, need.permission, clinics[0], "alert assignee")
    if not decision.allowed and need.locate and (gone := missing_record(session, need.locate)):
        decision = Decision(False, need.permission, None, "no such record", gone)
    # the same audience rule as digests and alerts (bot.access.audience)
    if decision.allowed and need.share_kpi and not may_post(need.share_kpi, channel, org):
        decision = Decision(False, need.permission, decision.clinic, "restricted KPI outside finance channel",
                            f"{revenue_only_in(finance_channels(org))}; this channel is not one. "
                            "Your own answer stays visible to you only.")
    return decision
