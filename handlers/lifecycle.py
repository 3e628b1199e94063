"""``app_uninstalled`` and ``tokens_revoked`` with a single bot token (``SLACK_BOT_TOKEN``).

In OAuth mode Bolt's own listeners delete the installation's tokens (``bot.app``). With one bot
token there is nothing to delete: the event is acknowledged (so Slack does not retry it, and in
Socket Mode the envelope is acknowledged) and recorded in ``slack_revocations``; ``opsbot status``
and ``/opsbot status`` show it, and the log line says what to do.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from storage.db import session_scope
from storage.models import SlackRevocation, utcnow

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.context import AppContext

log = logging.getLogger(__name__)


def record_revocation(ctx: AppContext, body: dict[str, Any], event: dict[str, Any]) -> None:
    """Append the revocation (event name, team, enterprise, revoked token kinds)."""
    kind = str(event.get("type") or "")[:32]
    found = event.get("tokens")
    tokens: dict[str, Any] = found if isinstance(found, dict) else {}
    detail = ", ".join(f"{k}: {len(v)}" for k, v in sorted(tokens.items()) if isinstance(v, list)) or None
    with session_scope(ctx.sessions) as s:
        s.add(SlackRevocation(event=kind, team_id=str(body.get("team_id") or "")[:32] or None,
                              enterprise_id=str(body.get("enterprise_id") or "")[:32] or None,
                              detail=detail, at=utcnow()))


def register(app: App, ctx: AppContext) -> None:
    def on_revoked(ack: Any, body: dict[str, Any], event: dict[str, Any]) -> None:
        ack()
        record_revocation(ctx, body, event)
        log.warning("Slack says %s: the bot token no longer works; reinstall the app and set the new "
                    "SLACK_BOT_TOKEN (nothing is posted until then; deliveries wait and retry)", event.get("type"))

    for name in ("app_uninstalled", "tokens_revoked"):
        app.event(name)(on_revoked)
