"""The last listeners: a slash command this app does not handle gets a helpful ephemeral answer
instead of Bolt's 404 (which Slack shows as a generic failure); a message or @mention event that
no surface took (the manifest subscribes to them for questions asked in Slack) is acknowledged
and dropped, so Slack does not retry it. Registered after every surface."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from bot.ids import Command

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.context import AppContext


log = logging.getLogger(__name__)


def known_commands() -> str:
    return ", ".join(f"`{c.value}`" for c in Command)


def register(app: App, ctx: AppContext) -> None:  # noqa: ARG001 - the registration shape
    @app.command(re.compile(r"^/"))
    def on_unknown_command(ack: Any, command: dict[str, Any]) -> None:
        name = re.sub(r"[^\w/-]", "", str(command.get("command") or ""))[:40] or "that command"
        ack(response_type="ephemeral",
            text=f"I don't handle `{name}`. My commands: {known_commands()} — add `help` for usage.")

    @app.event("message")
    def on_other_message(ack: Any, event: dict[str, Any]) -> None:
        ack()
        log.debug("message event (%s) not handled", event.get("channel_type") or "?")

    @app.event("app_mention")
    def on_other_mention(ack: Any) -> None:
        ack()
