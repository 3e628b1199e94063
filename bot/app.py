"""Composition root (CONVENTIONS §1): build the Bolt ``App`` from ``Settings``.

Nothing here runs at import time. ``create_app`` wires the Web API client (pointed at
``SLACK_API_URL``, with deliberate retry handlers), the listener executor (sized so that
acknowledgements never queue behind slow work), the single error handler, and every handler
package's ``register(app, ctx)``.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, ServerErrorRetryHandler
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.access.current import ContextExecutor
from bot.context import AppContext
from bot.errors import ConfigurationError
from bot.failures import block_of, user_message, what_of
from bot.ingest.registry import feed_names
from bot.orgconfig import load_org_config
from bot.phi_names import word_lists
from bot.priority import ComputeGate
from bot.replies import Replies
from bot.settings import Settings, require
from bot.slack.listener_runner import install as install_ack_runner
from bot.slack.middleware import GUARDED
from bot.slack.middleware import install as install_guard
from bot.slack.retry import BoundedRateLimitRetryHandler
from bot.slack.verification import harden_request_verification
from bot.views.modal_errors import modal_error_payload, notice_view

log = logging.getLogger(__name__)


def make_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A ``WebClient`` on ``SLACK_API_URL`` that retries connection errors, 429 (honouring
    ``Retry-After`` up to 30 s; never for ``views.open``/``views.push``, whose trigger expires in
    3 s: ``bot.slack.retry``) and 5xx, each a bounded number of times (slack.md, Outbound)."""
    return WebClient(
        token=token if token is not None else settings.secret("slack_bot_token"),
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            BoundedRateLimitRetryHandler(max_retry_count=3, max_wait_s=30.0),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def create_app(settings: Settings, engine: Engine, sessions: sessionmaker[Session],
               *, http_mode: bool = True) -> App:
    """Build the Bolt app.

    Args:
        http_mode: True for HTTP (signature verification on; refuses to start without
            ``SLACK_SIGNING_SECRET``); False for Socket Mode (frames come over the app token's
            WebSocket, so there is nothing to sign).

    Raises:
        ConfigurationError: a needed setting is missing or the org config is invalid.
    """
    oauth_mode = http_mode and settings.oauth_enabled  # issue 9: OAuth install, else one bot token
    if not oauth_mode:
        require(settings, "slack_bot_token")
    if http_mode:
        require(settings, "slack_signing_secret")
    org = load_org_config(settings.opsbot_config)
    if problems := org.unknown_feed_references(feed_names()):  # the importers sit above the org file
        raise ConfigurationError(f"OPSBOT_CONFIG ({settings.opsbot_config}): {'; '.join(problems)}")
    client = make_web_client(settings, token="" if oauth_mode else None)
    if oauth_mode:
        from bot.slack.oauth import build_oauth_settings

        client.token = None  # each request gets its installation's token from the authorizer
    app = App(
        client=client,
        oauth_settings=build_oauth_settings(settings, sessions, client) if oauth_mode else None,
        signing_secret=settings.secret("slack_signing_secret") or "socket-mode-unsigned",
        request_verification_enabled=http_mode,
        token_verification_enabled=False,  # no auth.test round trip at start-up
        listener_executor=ContextExecutor(  # carries the requester (bot.access.current) to listeners
            max_workers=settings.listener_threads, thread_name_prefix="opsbot-listener"
        ),
        process_before_response=False,
    )
    install_ack_runner(app)  # answers the moment ack() is called (Bolt 1.30 polls every 10 ms)
    harden_request_verification(app)  # a malformed timestamp header is a 401, not a crash
    ctx = AppContext(
        settings=settings, org=org, engine=engine, sessions=sessions,
        workers=ContextExecutor(max_workers=settings.worker_threads, thread_name_prefix="opsbot-work"),
        compute=ComputeGate(settings.compute_threads),
        replies=Replies(sessions, timedelta(seconds=settings.reply_lease_seconds)),
    )
    app._opsbot_ctx = ctx  # type: ignore[attr-defined]  # reachable from tests and the server
    if settings.opsbot_config is not None:  # issue 13: edits to the organisation file apply without a restart
        from bot.orgwatch import OrgFileWatcher

        ctx.org_watcher = OrgFileWatcher(  # type: ignore[attr-defined]
            settings.opsbot_config, lambda new: setattr(ctx, "org", new)).start()
    ctx.workers.submit(word_lists)  # the identifier guard's name lists (≈1 s), loaded before a modal needs them
    register_error_handler(app)
    redact_bolt_request_logs()
    install_guard(app, ctx)  # issue 8: dedup/replay, payload bounds, roles, audit trail

    import handlers

    handlers.register_all(app, ctx)
    if oauth_mode:
        app.enable_token_revocation_listeners()  # app_uninstalled / tokens_revoked delete tokens
    else:
        from handlers import lifecycle

        lifecycle.register(app, ctx)  # one bot token: acknowledged and recorded (issue 13)
    return app


class _RedactRejectedBodies(logging.Filter):
    """slack_bolt logs the whole body of a request whose signature fails; that body can hold
    slash-command text typed by staff (and so a patient identifier). Keep the event, drop the body."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "Invalid request signature detected" in message:
            record.msg, record.args = "Invalid request signature detected (body not logged)", None
        return True


def redact_bolt_request_logs() -> None:
    """Install the redaction on slack_bolt's request-verification loggers (idempotent)."""
    for name in ("slack_bolt.RequestVerification", "slack_bolt.AsyncRequestVerification"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactRejectedBodies) for f in logger.filters):
            logger.addFilter(_RedactRejectedBodies())


def _in_modal(body: dict) -> bool:
    """A click on an element inside a modal (``container.type == "view"``) that can open a view."""
    container = body.get("container")
    return (body.get("type") == "block_actions" and isinstance(container, dict)
            and container.get("type") == "view" and isinstance(body.get("trigger_id"), str))


def register_error_handler(app: App) -> None:
    """One ``@app.error``: ``bot.failures.user_message`` decides the words and the log level (a
    typed error's message; anything else logged with a correlation id and answered with it, never
    a trace); this handler decides where they go: into the modal for a view submission not yet
    acknowledged (on the input a ``FieldError`` names), a notice pushed on top of the modal for a
    click inside one, else an ephemeral ``response_url`` reply."""

    @app.error
    def _on_error(error: Exception, body: dict, respond, client, context, logger, response) -> BoltResponse | None:  # type: ignore[no-untyped-def]
        message = user_message(error, what_of(body))  # bot.failures: the one classification and log level
        if body.get("type") == "view_submission" and response is not None and context.get(GUARDED):
            # not acknowledged yet: answer in the modal itself, not with a bare HTTP 500 (issue 13)
            payload = modal_error_payload(body.get("view") or {}, message, block_of(error))
            return BoltResponse(status=200, body=json.dumps(payload),
                                headers={"content-type": "application/json;charset=utf-8"})
        try:
            # only a request that passed verification and reached the guard may be answered: an
            # unverified body's response_url could point anywhere
            if body.get("response_url") and context.get(GUARDED):
                respond(text=message, response_type="ephemeral", replace_original=False)
            elif _in_modal(body) and context.get(GUARDED):
                # a button inside a modal has no response_url: the message goes on top of the modal
                # (views.push with the click's trigger_id), the person's draft stays underneath
                client.views_push(trigger_id=body["trigger_id"], view=notice_view(message, "Not done"))
        except Exception:  # noqa: BLE001 - reporting the error must not raise another
            log.warning("could not send the error reply")
        # (slack_bolt 1.30 then sets ``ack.response = None`` for a listener that had acked; the
        # request is still answered with that ack: bot.slack.listener_runner keeps the first response.)
        return None
