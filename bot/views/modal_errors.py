"""The answer to a modal submission that failed (issues 13, 17): inside the modal.

Slack shows a generic "We had some trouble connecting" when a ``view_submission`` gets HTTP 500.
Instead the submission is answered with ``response_action: errors`` on the input block the error
is about (a :class:`~bot.errors.FieldError`), else on the modal's first input block (the person
keeps what they typed and sees the message or reference), or, for a modal without inputs,
``response_action: update`` with a one-message view. Shapes: Slack's "Handling and responding
to interactions" (``response_action``), checked with ``bot.views.limits``.
"""

from __future__ import annotations

from typing import Any

from bot.views.limits import SECTION_TEXT, VIEW_TITLE, check_view, truncate

ERROR_TEXT = 1_000  # an inline error under an input: short enough to read there


def modal_error_payload(view: dict[str, Any], message: str, block_id: str | None = None) -> dict[str, Any]:
    """``{"response_action": "errors", "errors": {block_id: message}}`` for input ``block_id`` of
    ``view`` (the submitted view from the payload) when it has one, else its first input block,
    else an ``update`` to a notice view. Slack accepts ``errors`` only for input blocks the view
    holds, so a block id that is not one of them is not used."""
    blocks = view.get("blocks") if isinstance(view, dict) else None
    inputs = [str(b["block_id"]) for b in blocks or [] if isinstance(b, dict) and b.get("type") == "input"
              and b.get("block_id")]
    if inputs:
        target = block_id if block_id in inputs else inputs[0]
        return {"response_action": "errors", "errors": {target: truncate(message, ERROR_TEXT)}}
    return {"response_action": "update", "view": notice_view(message)}


def notice_view(message: str, title: str = "Not saved") -> dict[str, Any]:
    """A one-message modal: the answer to a refused submission without inputs, or pushed on top of
    a modal whose button was refused (its draft stays underneath)."""
    return check_view({
        "type": "modal", "title": {"type": "plain_text", "text": truncate(title, VIEW_TITLE)},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": truncate(message, SECTION_TEXT)}}]})
