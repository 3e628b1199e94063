"""Slack's Block Kit limits, checked in one place before anything is sent.

Source: shared/spec/slack.md ("Block Kit limits"), from Slack's Block Kit reference: 50 blocks per
message, 100 per modal or Home tab; section text 3,000 characters; header 150; section fields
10 × 2,000; button text 75, value 2,000; select options 100 (or 100 option groups of 100); option text 75 / value 150; modal
title, submit and close 24; ``private_metadata`` 3,000; ``block_id``/``action_id`` 255; message
``text`` 40,000; and about 13,000 characters of blocks in total per message
(``msg_blocks_too_long``), which ``slack_sdk.models`` does not check.

``check_message`` / ``check_view`` raise :class:`SlackLimitError` listing every violation;
``truncate`` shortens user text to fit; ``split_blocks`` cuts a long message into a head and
overflow chunks (the overflow goes in a thread under the head).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

MESSAGE_BLOCKS = 50
SURFACE_BLOCKS = 100  # modal or Home tab
MESSAGE_TEXT = 40_000
MESSAGE_BLOCKS_CHARS = 12_000  # margin under the ~13,000 observed msg_blocks_too_long
SECTION_TEXT = 3_000
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
SECTION_FIELDS = 10
FIELD_TEXT = 2_000
BUTTON_TEXT = 75
BUTTON_VALUE = 2_000
OPTIONS = 100
OPTION_TEXT = 75
OPTION_VALUE = 150
VIEW_TITLE = 24
PRIVATE_METADATA = 3_000
ID_LENGTH = 255
INPUT_LABEL = 2_000
PLACEHOLDER = 150
INITIAL_VALUE = 3_000


class SlackLimitError(ValueError):
    """A message or view that Slack would reject; ``problems`` lists each violation."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def as_dicts(blocks: Iterable[Any]) -> list[dict[str, Any]]:
    """Blocks as plain dicts (``slack_sdk.models`` objects are converted with ``to_dict()``)."""
    return [b.to_dict() if hasattr(b, "to_dict") else dict(b) for b in blocks]


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``limit`` characters, ending with ``ellipsis`` when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ellipsis))] + ellipsis


def _text(obj: Any) -> str:
    if isinstance(obj, dict):
        return str(obj.get("text", ""))
    return "" if obj is None else str(obj)


def _check_element(el: dict[str, Any], where: str, problems: list[str]) -> None:
    for key in ("action_id", "block_id"):
        if len(str(el.get(key, ""))) > ID_LENGTH:
            problems.append(f"{where}: {key} over {ID_LENGTH} characters")
    kind = el.get("type")
    if kind == "button":
        if len(_text(el.get("text"))) > BUTTON_TEXT:
            problems.append(f"{where}: button text over {BUTTON_TEXT} characters")
        if len(str(el.get("value", ""))) > BUTTON_VALUE:
            problems.append(f"{where}: button value over {BUTTON_VALUE} characters")
    options = list(el.get("options") or [])
    if len(options) > OPTIONS:
        problems.append(f"{where}: {len(options)} options (max {OPTIONS})")
    groups = el.get("option_groups") or []
    if len(groups) > OPTIONS:  # Slack: up to 100 option groups, each of up to 100 options
        problems.append(f"{where}: {len(groups)} option groups (max {OPTIONS})")
    for group in groups:
        if len(group.get("options") or []) > OPTIONS:
            problems.append(f"{where}: an option group of {len(group.get('options') or [])} options (max {OPTIONS})")
        if len(_text(group.get("label"))) > OPTION_TEXT:
            problems.append(f"{where}: option group label over {OPTION_TEXT} characters")
        options.extend(group.get("options") or [])
    for opt in options:
        if len(_text(opt.get("text"))) > OPTION_TEXT:
            problems.append(f"{where}: option text over {OPTION_TEXT} characters")
        if len(str(opt.get("value", ""))) > OPTION_VALUE:
            problems.append(f"{where}: option value over {OPTION_VALUE} characters")
    if len(_text(el.get("placeholder"))) > PLACEHOLDER:
        problems.append(f"{where}: placeholder over {PLACEHOLDER} characters")
    if len(str(el.get("initial_value", ""))) > INITIAL_VALUE:
        problems.append(f"{where}: initial value over {INITIAL_VALUE} characters")


def _check_block(block: dict[str, Any], i: int, problems: list[str]) -> None:
    where = f"block {i} ({block.get('type')})"
    if len(str(block.get("block_id", ""))) > ID_LENGTH:
        problems.append(f"{where}: block_id over {ID_LENGTH} characters")
    kind = block.get("type")
    if kind == "header" and len(_text(block.get("text"))) > HEADER_TEXT:
        problems.append(f"{where}: header over {HEADER_TEXT} characters")
    if kind == "section":
        if len(_text(block.get("text"))) > SECTION_TEXT:
            problems.append(f"{where}: text over {SECTION_TEXT} characters")
        fields = block.get("fields") or []
        if len(fields) > SECTION_FIELDS:
            problems.append(f"{where}: {len(fields)} fields (max {SECTION_FIELDS})")
        for f in fields:
            if len(_text(f)) > FIELD_TEXT:
                problems.append(f"{where}: a field over {FIELD_TEXT} characters")
    if kind == "context" and len(block.get("elements") or []) > CONTEXT_ELEMENTS:
        problems.append(f"{where}: over {CONTEXT_ELEMENTS} context elements")
    if kind == "input" and len(_text(block.get("label"))) > INPUT_LABEL:
        problems.append(f"{where}: label over {INPUT_LABEL} characters")
    elements = list(block.get("elements") or [])
    if block.get("accessory"):
        elements.append(block["accessory"])
    if block.get("element"):
        elements.append(block["element"])
    for el in elements:
        if isinstance(el, dict):
            _check_element(el, where, problems)


def block_problems(blocks: Sequence[dict[str, Any]], max_blocks: int) -> list[str]:
    problems: list[str] = []
    if len(blocks) > max_blocks:
        problems.append(f"{len(blocks)} blocks (max {max_blocks})")
    for i, block in enumerate(blocks):
        _check_block(block, i, problems)
    return problems


def check_message(blocks: Iterable[Any], text: str = "") -> list[dict[str, Any]]:
    """Validate a chat message; return its blocks as dicts.

    Raises:
        SlackLimitError: any limit exceeded (block count, per-block limits, total size, text).
    """
    dicts = as_dicts(blocks)
    problems = block_problems(dicts, MESSAGE_BLOCKS)
    total = len(json.dumps(dicts, ensure_ascii=False))
    if total > MESSAGE_BLOCKS_CHARS:
        problems.append(f"blocks total {total} characters (max {MESSAGE_BLOCKS_CHARS})")
    if len(text) > MESSAGE_TEXT:
        problems.append(f"text over {MESSAGE_TEXT} characters")
    if problems:
        raise SlackLimitError(problems)
    return dicts


def check_view(view: Any, surface: str = "modal") -> dict[str, Any]:
    """Validate a modal or Home-tab view (``surface`` "modal" or "home"); return it as a dict.

    Raises:
        SlackLimitError: any limit exceeded.
    """
    d = view.to_dict() if hasattr(view, "to_dict") else dict(view)
    problems = block_problems(as_dicts(d.get("blocks") or []), SURFACE_BLOCKS)
    for key in ("title", "submit", "close"):
        if len(_text(d.get(key))) > VIEW_TITLE:
            problems.append(f"view {key} over {VIEW_TITLE} characters")
    if len(str(d.get("private_metadata", ""))) > PRIVATE_METADATA:
        problems.append(f"private_metadata over {PRIVATE_METADATA} characters")
    if len(str(d.get("callback_id", ""))) > ID_LENGTH:
        problems.append(f"callback_id over {ID_LENGTH} characters")
    if problems:
        raise SlackLimitError(problems)
    return d


def split_blocks(blocks: Iterable[Any], max_blocks: int = MESSAGE_BLOCKS,
                 max_chars: int = MESSAGE_BLOCKS_CHARS) -> list[list[dict[str, Any]]]:
    """Cut ``blocks`` into consecutive messages each within the block-count and total-size limits.

    The first chunk is the message itself; later chunks are the overflow (post them as replies in
    its thread). A single block larger than ``max_chars`` is left alone in its own chunk (it is
    the caller's job to truncate it first).
    """
    chunks: list[list[dict[str, Any]]] = [[]]
    size = 2
    for block in as_dicts(blocks):
        cost = len(json.dumps(block, ensure_ascii=False)) + 1
        if chunks[-1] and (len(chunks[-1]) >= max_blocks or size + cost > max_chars):
            chunks.append([])
            size = 2
        chunks[-1].append(block)
        size += cost
    return [c for c in chunks if c]
