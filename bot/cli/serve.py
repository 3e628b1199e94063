"""``opsbot serve`` (HTTP, waitress) and ``opsbot socket`` (Socket Mode)."""

from __future__ import annotations

import logging

import typer

from bot.cli.common import (
    database_option,
    engine_for,
    pseudonym_key_or_exit,
    refuse_other_pseudonym_key,
    settings_or_exit,
    user_errors,
)
from bot.cli.root import cli
from bot.observability.quiet import service_logging
from bot.settings import require
from bot.slack.compat import check_compatible
from storage.db import make_session_factory

log = logging.getLogger(__name__)
DEV_KEY = typer.Option(False, "--dev-key", help="Allow the public development pseudonym key (demos and tests only)")


@cli.command("serve")
def serve_command(
    port: int = typer.Option(3000, "--port", help="TCP port to listen on"),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind (0.0.0.0 behind a proxy)"),
    threads: int = typer.Option(16, "--threads", min=1, max=512, help="waitress request threads"),
    database: str | None = database_option(),
    dev_key: bool = DEV_KEY,
) -> None:
    """Serve Slack's HTTP requests on POST /slack/events (signatures always verified)."""
    from bot.app import create_app
    from bot.observability import configure_logging
    from bot.slack.server import readiness, serve

    settings = settings_or_exit(DATABASE_URL=database)
    service_logging()
    key = pseudonym_key_or_exit(settings, dev_key)
    configure_logging(settings.log_level, settings.log_format)  # JSON lines with the request id
    with user_errors():
        check_compatible("slack_bolt", "slack_sdk", "waitress")  # the internals bot/slack/compat.py reaches into
        # OAuth mode (SLACK_CLIENT_ID + SLACK_CLIENT_SECRET) takes tokens from the installations
        require(settings, "slack_signing_secret", *(() if settings.oauth_enabled else ("slack_bot_token",)))
        engine = engine_for(settings, check_schema=False, serving=True)
        sessions = make_session_factory(engine)
        refuse_other_pseudonym_key(sessions, key, "opsbot serve")
        app = create_app(settings, engine, sessions, http_mode=True)
        check_compatible("slack_bolt", app=app)
    ready, details = readiness(engine)
    if not ready:
        log.warning("database not ready yet: %s", details)
    log.info("opsbot serving Slack on http://%s:%d/slack/events", host, port)  # waitress's own line is hidden without -v
    serve(app, engine, host=host, port=port, threads=threads)


@cli.command("socket")
def socket_command(database: str | None = database_option(), dev_key: bool = DEV_KEY) -> None:
    """Connect to Slack over Socket Mode (needs SLACK_APP_TOKEN, no public URL)."""
    from bot.app import create_app
    from bot.slack.socket_mode import make_socket_handler

    settings = settings_or_exit(DATABASE_URL=database)
    service_logging()
    key = pseudonym_key_or_exit(settings, dev_key)
    with user_errors():
        check_compatible("slack_bolt", "slack_sdk")  # the internals bot/slack/compat.py reaches into
        require(settings, "slack_app_token", "slack_bot_token")
        engine = engine_for(settings, check_schema=False, serving=True)
        sessions = make_session_factory(engine)
        refuse_other_pseudonym_key(sessions, key, "opsbot socket")
        app = create_app(settings, engine, sessions, http_mode=False)
        check_compatible("slack_bolt", app=app)
        handler = make_socket_handler(app, settings)
    from bot.replies.sweeper import Sweeper, client_for_app

    ctx = app._opsbot_ctx  # type: ignore[attr-defined]
    Sweeper(ctx.replies, ctx.workers, client_for_app(app)).start()  # issue 14: owed replies survive a crash
    log.info("opsbot connecting over Socket Mode via %s", settings.slack_api_url)
    handler.start()
