"""Bolt global middleware (issue 8): request safety, access control and the audit trail.

``install(app, ctx)`` adds ONE global middleware that, for every request after Bolt's signature
check and before any listener (see ``guard.check``): drops duplicates (event retries already
received, replayed interactions), rejects oversized payloads, decides the permission, appends
the audit row, and either refuses politely (ephemeral; the listener never runs) or lets the
request through with the requester bound to ``bot.access.current``. It also wraps
``app.dispatch`` so each request runs in its own ``contextvars`` context and counts as "being
acknowledged" for ``ctx.compute`` (``bot.priority``), and attaches the change-row hook
(``bot.audit.changes``) to the app's session factory.

Work before ``ack``: the role-grant and clinic look-ups, then two inserts (receipt, audit row) and,
for a request whose work is durable, a third (``pending_replies``, ``bot.replies``) in one
transaction, user-group members from a cache refreshed in the background (``bot.access.resolver``).
That work runs on a small pool and gets ``OPSBOT_ACK_DB_SECONDS`` (``bot.store_health.Deadline``):
a database that is down or hung makes the acknowledgement say so instead of waiting (issue 14).
"""

from __future__ import annotations

import contextvars
import functools
import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltResponse

from bot.access.current import bind
from bot.access.resolver import GroupCache, RoleResolver, slack_group_lister
from bot.access.roles import RolesConfig
from bot.audit import changes
from bot.errors import STORE_NOT_ANSWERING, StoreUnavailable
from bot.replies import OWED
from bot.slack.middleware.guard import check
from bot.slack.middleware.refuse import refusal
from bot.store_health import Deadline

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger(__name__)
GROUP_TTL_SECONDS = 60.0
GUARDED = "opsbot_guarded"  # context key: the request passed Bolt's verification and reached the guard


def make_resolver(app: App, ctx: AppContext) -> RoleResolver:
    """The role resolver: roles from the current organisation file (reloads apply at once), user
    groups listed through a client that does not sleep out 429s (the cache backs off instead),
    and the groups named in the roles listed now, in the background."""
    from slack_sdk import WebClient
    from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

    client = WebClient(token=app.client.token, base_url=app.client.base_url, timeout=5,
                       retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)])
    resolver = RoleResolver(lambda: getattr(ctx.org, "roles", None) or RolesConfig(),
                            GroupCache(slack_group_lister(client),
                                       ttl=getattr(ctx.settings, "group_ttl_seconds", GROUP_TTL_SECONDS)))
    resolver.groups.warm(resolver.group_ids(None))
    return resolver


@functools.cache
def _warn_no_roles() -> None:
    """Once per process (issue 17): every ``opsbot ask`` and every replica's app would repeat it."""
    log.warning("no roles configured (OPSBOT_CONFIG roles:): only everyone-level actions are allowed "
                "until an admin is configured")


def install(app: App, ctx: AppContext) -> RoleResolver:
    """Install the guard middleware on ``app``; returns the role resolver (also ``ctx.access``)."""
    resolver = make_resolver(app, ctx)
    ctx.access = resolver  # type: ignore[attr-defined]  # read by handlers.admin
    changes.install(ctx.sessions)
    if not getattr(ctx.org, "roles", None) or not ctx.org.roles.grants():
        _warn_no_roles()
    original = app.dispatch

    def dispatch(req: Any) -> BoltResponse:
        with ctx.compute.acknowledging():  # heavy work waits while requests are being acked (issue 4)
            return contextvars.copy_context().run(original, req)

    app.dispatch = dispatch  # type: ignore[method-assign]
    settings = getattr(ctx, "settings", None)
    # issue 14: the database gets ack_db_seconds before the ack goes with the data-store notice
    deadline = Deadline(getattr(settings, "ack_db_seconds", 1.5),
                        threads=max(16, getattr(settings, "listener_threads", 16) // 2), name="opsbot-guard")
    ctx.guard_deadline = deadline  # type: ignore[attr-defined]

    @app.middleware
    def opsbot_guard(req: Any, resp: BoltResponse, next: Any) -> BoltResponse:  # noqa: A002 - Bolt's name
        bind(None)
        req.context[GUARDED] = True
        body = req.body if isinstance(req.body, dict) else {}
        try:
            verdict = deadline.call(check, ctx, resolver, body, req.raw_body or "")
        except StoreUnavailable:  # issue 14: acknowledge in time, and say why nothing follows
            log.warning("data store not answering: %s acknowledged with the notice",
                        "event" if body.get("type") == "event_callback" else "request")
            return _unavailable(ctx, req, body)
        if verdict.status == "duplicate":
            log.info("duplicate delivery ignored (retry or replay)")
            return BoltResponse(status=200, body="")
        if verdict.status in ("refused", "rejected"):
            return refusal(ctx, req, body, verdict.message or "Sorry, you can't do that.",
                           rejected=verdict.status == "rejected")
        bind(verdict.scope)
        req.context[OWED] = verdict.owed
        next()
        return resp

    return resolver


def _unavailable(ctx: AppContext, req: Any, body: dict[str, Any]) -> BoltResponse:
    """An event is answered 503 (Slack retries it later); anything a person did gets the notice in
    the shape of its surface (``bot.slack.middleware.refuse``), with nothing recorded."""
    if body.get("type") == "event_callback" or not body:
        return BoltResponse(status=503, body="")
    return refusal(ctx, req, body, STORE_NOT_ANSWERING)
