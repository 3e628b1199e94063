"""What Slack refuses, checked by the stand-in on every payload it receives (issue 13).

The rules come from Slack, not from the product: each block and view is rebuilt with
python-slack-sdk's Block Kit models (``slack_sdk.models.blocks.Block.parse``,
``slack_sdk.models.views.View``) whose ``to_dict()`` runs the validators that encode Slack's
documented limits (``SlackObjectFormationError`` → ``invalid_blocks`` / ``invalid_arguments``),
and the limits slack_sdk does not check are taken from shared/spec/slack.md ("Block Kit limits"):
50 blocks per message, section field 2,000 characters, message ``text`` 40,000 (``msg_too_long``)
and about 13,000 characters of blocks in total (``msg_blocks_too_long``). An unknown block type is
refused as Slack refuses it (``Block.parse`` would silently skip it).

Each function returns None when Slack would accept the payload, else ``(error, messages)``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50
MESSAGE_TEXT = 40_000
MESSAGE_BLOCKS_CHARS = 13_000  # slack.md: rejected at about 13,000 characters of blocks
FIELD_TEXT = 2_000
TEXT_OBJECT = 3_000  # Slack's text object reference: "The maximum length is 3000 characters"

Problem = tuple[str, list[str]]

logging.getLogger("slack_sdk.models").setLevel(logging.ERROR)  # "Unknown block" warnings: we refuse those


def _loads(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def block_messages(blocks: Any) -> list[str]:
    """Every reason Slack would refuse ``blocks`` (a list of block dicts); empty when valid."""
    if not isinstance(blocks, list):
        return ["blocks must be a JSON array"]
    out: list[str] = []
    for i, raw in enumerate(blocks):
        if not isinstance(raw, dict):
            out.append(f"[{i}] a block must be an object")
            continue
        try:
            block = Block.parse(raw)
            if block is None:
                out.append(f"[{i}] unknown block type {raw.get('type')!r}")
                continue
            block.to_dict()
        except (SlackObjectFormationError, TypeError, ValueError, AttributeError, KeyError) as exc:
            out.append(f"[{i}] {raw.get('type')}: {exc}")
            continue
        for field in raw.get("fields") or []:
            if isinstance(field, dict) and len(str(field.get("text", ""))) > FIELD_TEXT:
                out.append(f"[{i}] section field over {FIELD_TEXT} characters")
        out += [f"[{i}] {raw.get('type')}: a text object is {n} characters (max {TEXT_OBJECT})"
                for n in _text_object_lengths(raw) if n > TEXT_OBJECT]
    return out


def _text_object_lengths(node: Any) -> list[int]:
    """Lengths of every text object (``{"type": "mrkdwn"|"plain_text", "text": …}``) under ``node``
    (slack_sdk checks section text, not context elements or option descriptions)."""
    if isinstance(node, list):
        return [n for item in node for n in _text_object_lengths(item)]
    if not isinstance(node, dict):
        return []
    own = [len(str(node["text"]))] if node.get("type") in ("mrkdwn", "plain_text") and "text" in node else []
    return own + [n for v in node.values() if isinstance(v, (dict, list)) for n in _text_object_lengths(v)]


def message_problem(params: dict[str, Any]) -> Problem | None:
    """chat.postMessage / chat.update / chat.postEphemeral / response_url body, as Slack judges it."""
    text = params.get("text")
    blocks = _loads(params.get("blocks"))
    if blocks in (None, "") and not text and not params.get("attachments"):
        return ("no_text", ["a message needs text or blocks"])
    if text is not None and len(str(text)) > MESSAGE_TEXT:
        return ("msg_too_long", [f"text is {len(str(text))} characters (max {MESSAGE_TEXT})"])
    if blocks in (None, ""):
        return None
    problems = block_messages(blocks)
    if isinstance(blocks, list) and len(blocks) > MESSAGE_BLOCKS:
        problems.insert(0, f"{len(blocks)} blocks (max {MESSAGE_BLOCKS})")
    if problems:
        return ("invalid_blocks", problems)
    size = len(json.dumps(blocks, ensure_ascii=False))
    if size > MESSAGE_BLOCKS_CHARS:
        return ("msg_blocks_too_long", [f"blocks total {size} characters"])
    return None


def view_problem(params: dict[str, Any]) -> Problem | None:
    """views.open / update / push / publish: Slack answers ``invalid_arguments`` with messages."""
    view = _loads(params.get("view"))
    if not isinstance(view, dict):
        return ("invalid_arguments", ["view must be a JSON object"])
    problems = block_messages(view.get("blocks") or [])
    try:
        View(**view).to_dict()
    except (SlackObjectFormationError, TypeError, ValueError, AttributeError, KeyError) as exc:
        problems.append(f"view: {exc}")
    return ("invalid_arguments", problems) if problems else None


MESSAGE_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral", "chat.scheduleMessage")
VIEW_METHODS = ("views.open", "views.update", "views.push", "views.publish")


def api_problem(method: str, params: dict[str, Any]) -> Problem | None:
    """The error Slack would answer ``method`` with for these ``params``, or None."""
    if method in MESSAGE_METHODS:
        return message_problem(params)
    if method in VIEW_METHODS:
        return view_problem(params)
    return None
