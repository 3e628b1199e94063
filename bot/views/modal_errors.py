"""The answer to a modal submission that failed unexpectedly (issue 13): inside the modal.

Slack shows a generic "We had some trouble connecting" when a ``view_submission`` gets HTTP 500.
Instead the submission is answered with ``response_action: errors`` on the modal's first input
block (the person keeps what they typed and sees the reference), or, for a modal without inputs,
``response_action: update`` with a one-message view. Shapes: Slack's "Handling and responding
to interactions" (``response_action``), checked with ``bot.views.limits``.
"""

from __future__ import annotations

from typing import Any

from bot.views.limits import SECTION_TEXT, VIEW_TITLE, check_view, truncate

ERROR_TEXT = 1_000  # an inline error under an input: short enough to read there


def modal_error_payload(view: dict[str, Any], message: str) -> dict[str, Any]:
    """``{"response_action": "errors", "errors": {block_id: message}}`` for the first input block
    of ``view`` (the submitted view from the payload), else an ``update`` to a notice view."""
    for block in view.get("blocks") or []:
        if block.get("type") == "input" and block.get("block_id"):
            return {"response_action": "errors", "errors": {block["block_id"]: truncate(message, ERROR_TEXT)}}
    notice = check_view({
        "type": "modal", "title": {"type": "plain_text", "text": truncate("Not saved", VIEW_TITLE)},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": truncate(message, SECTION_TEXT)}}]})
    return {"response_action": "update", "view": notice}
