"""The decision for one request: dedup/replay, bounds, permission, audit row — on receipt.

:func:`check` runs in the Bolt global middleware before any listener, in ONE transaction: it
claims the receipt, resolves the requester's grants and the clinic the request concerns, decides,
and appends the request's audit row (``seq`` 0). Returns a :class:`Verdict`; the middleware
turns a refusal into a polite ephemeral reply and never calls the listener.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from bot.access import kpis
from bot.access.classify import Need, classify, safe_id
from bot.access.current import RequestScope
from bot.access.locate import clinic_of, cycle_owner
from bot.access.policy import Decision, decide
from bot.access.resolver import RoleResolver
from bot.audit.service import AuditEntry, record
from bot.middleware import bounds, receipts
from storage.db import session_scope
from storage.models import utcnow

if TYPE_CHECKING:
    from bot.app import AppContext

log = logging.getLogger(__name__)
PRUNE_EVERY = 1000  # requests between deletions of receipts too old to match a valid replay
_requests = itertools.count(1)


@dataclass
class Verdict:
    status: str  # allowed | refused | rejected | duplicate
    need: Need | None = None
    message: str | None = None
    scope: RequestScope | None = None


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


def check(ctx: "AppContext", resolver: RoleResolver, body: dict[str, Any], raw_body: str) -> Verdict:
    """Decide one request (see module doc). Never raises for bad input."""
    now = utcnow()
    key = receipts.receipt_key(body, raw_body)
    is_event = body.get("type") == "event_callback"
    problem = bounds.body_problem(raw_body) or bounds.field_problem(body)
    team, user, channel = ids(body)
    try:
        with session_scope(ctx.sessions) as s:
            if receipts.seen(s, key):
                return Verdict("duplicate")
            receipts.claim(s, key, now)
            if next(_requests) % PRUNE_EVERY == 0:
                receipts.prune(s, now)
            if is_event and problem is None:
                return Verdict("allowed")
            if problem is not None:
                kind = "command" if body.get("command") else safe_id(body.get("type"), 24)
                record(s, AuditEntry(key, kind, "oversized", "rejected", 0, team, user, channel,
                                     reason="payload bounds"))
                return Verdict("rejected", Need(kind, "oversized"), problem)
            need = _classify(body)
            grants = resolver.grants_for(s, user)
            at = None
            if need.anonymous:
                # an anonymous idea's row keeps no user, channel or exact time (issue 5: nothing
                # that could re-identify the author); the day is enough for an audit
                user, at = None, now.replace(hour=0, minute=0, second=0, microsecond=0)
            decision = _decide(ctx, s, need, grants, user, channel)
            record(s, AuditEntry(key, need.kind, need.action, decision.word, 0, team, user,
                                 None if need.anonymous else channel, target=_target(need, decision),
                                 args=need.args, reason=decision.reason, at=at))
    except IntegrityError:  # a concurrent delivery of the same request claimed it first
        return Verdict("duplicate")
    if not decision.allowed:
        return Verdict("refused", need, decision.message)
    return Verdict("allowed", need, scope=RequestScope(key, need.kind, need.action, team, user, channel, grants,
                                                       anonymous=need.anonymous))


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


def _decide(ctx: "AppContext", session: Any, need: Need, grants: frozenset, user: str | None,
            channel: str | None) -> Decision:
    from bot.access.policy import NEEDS

    org = ctx.org
    if not NEEDS[need.permission] and not need.share_kpi:
        return decide(grants, need.permission)
    where = clinic_of(session, org, need.locate) if NEEDS[need.permission] else None
    clinics = where if isinstance(where, tuple) else (where,)
    decision = decide(grants, need.permission)
    for clinic in clinics:
        name = (org.clinic(clinic).name if clinic and org.clinic(clinic) else clinic)
        decision = decide(grants, need.permission, clinic, name)
        if not decision.allowed:
            break
    if not decision.allowed and need.owner_may and need.locate and cycle_owner(session, need.locate[1]) == user:
        decision = Decision(True, need.permission, clinics[0], "cycle owner")
    if decision.allowed and need.share_kpi and kpis.is_restricted(need.share_kpi):
        allowed_channels = set(getattr(org, "finance_channels", []) or [])
        if channel not in allowed_channels:
            where_ok = ", ".join(f"<#{c}>" for c in sorted(allowed_channels)) or "none is configured yet"
            decision = Decision(False, need.permission, decision.clinic, "restricted KPI outside finance channel",
                                "Revenue-cycle KPIs are only posted in finance channels "
                                f"({where_ok}); this channel is not one. Your own answer stays visible to you only.")
    return decision
