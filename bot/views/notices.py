"""One-line notices as Block Kit: a text section, a context note, a modal holding one message.
Limits from ``bot.views.limits`` (Slack's Block Kit reference: section text 3,000 characters,
context text 2,000 — FIELD_TEXT —, modal title 24)."""

from __future__ import annotations

from typing import Any

from bot.views.limits import FIELD_TEXT, SECTION_TEXT, VIEW_TITLE, truncate


def text_section(text: str) -> dict[str, Any]:
    """A ``section`` block of mrkdwn ``text`` (cut to 3,000 characters)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_TEXT)}}


def context_note(text: str) -> dict[str, Any]:
    """A ``context`` block with one mrkdwn element (cut to 2,000 characters)."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(text, FIELD_TEXT)}]}


def notice_modal(title: str, message: str) -> dict[str, Any]:
    """A modal view that only shows ``message``, with a Close button."""
    return {"type": "modal", "title": {"type": "plain_text", "text": truncate(title, VIEW_TITLE)},
            "close": {"type": "plain_text", "text": "Close"}, "blocks": [text_section(message)]}
