"""How a refusal reaches the person, privately, in the shape the surface expects:

- slash command: the acknowledgement itself carries the ephemeral text;
- modal submission: ``response_action: errors`` on the first input (the modal stays open);
- button/shortcut: an empty acknowledgement, then the ``response_url`` (ephemeral) or
  ``chat.postEphemeral`` — sent on the worker pool, never on the acknowledgement path.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltResponse

from bot.views.notices import notice_modal

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger(__name__)


def notice_view(message: str) -> dict[str, Any]:
    return notice_modal("Not allowed", message)


def refusal(ctx: AppContext, req: Any, body: dict[str, Any], message: str, *, rejected: bool = False) -> BoltResponse:
    if body.get("command"):
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": message})
    kind = body.get("type")
    if kind == "view_submission":
        values = (((body.get("view") or {}).get("state") or {}).get("values") or {})
        blocks = list(values) if isinstance(values, dict) else []
        if blocks:
            return BoltResponse(status=200, body={"response_action": "errors", "errors": {blocks[0]: message[:300]}})
        return BoltResponse(status=200, body={"response_action": "update", "view": notice_view(message)})
    if kind in ("block_actions", "shortcut", "message_action"):
        ctx.workers.submit(_tell, req.context, body, message)
        return BoltResponse(status=200, body="")
    return BoltResponse(status=413 if rejected else 403, body=message)


def _tell(context: Any, body: dict[str, Any], message: str) -> None:
    try:
        if body.get("response_url") and context.respond is not None:
            context.respond(text=message, response_type="ephemeral", replace_original=False)
            return
        user = (body.get("user") or {}).get("id")
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        if channel and user:
            context.client.chat_postEphemeral(channel=channel, user=user, text=message)
        elif user:
            context.client.chat_postMessage(channel=user, text=message)
    except Exception as exc:  # noqa: BLE001 - telling must not raise; the audit row is already written
        log.warning("could not send the refusal (%s)", type(exc).__name__)
