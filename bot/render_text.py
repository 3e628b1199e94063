"""Block Kit → readable terminal text (for ``opsbot ask`` and the demo).

``render(obj)`` accepts a list of blocks, a message (``{"text", "blocks"}``, e.g. a response_url
post or chat.postMessage params) or a view (``{"type": "modal"|"home", "title", "blocks"}``).
Buttons show as ``[ Label ]``, images as ``[image: alt text]``, selects as ``[ Placeholder ▾ ]``;
mrkdwn is lightly cleaned (bold/italic/strike markers dropped, links and mentions made plain).
"""

from __future__ import annotations

import html
import re
from typing import Any

RULE = "─" * 40
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<(https?://[^|>]+)>")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]+))?>")
_CHANNEL = re.compile(r"<#(C[A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_SUBTEAM = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|([^>]+))?>")
_DATE = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]+)>")
_MARKS = [re.compile(rf"(?<![\w{m}]){re.escape(m)}(?=\S)([^{m}\n]+?)(?<=\S){re.escape(m)}(?![\w{m}])")
          for m in "*_~"]


def clean_mrkdwn(text: str) -> str:
    """Slack mrkdwn → plain text: ``*b*``→b, ``<url|label>``→``label (url)``, ``<@U1>``→``@U1``."""
    text = _LINK.sub(r"\2 (\1)", text)
    text = _BARE_LINK.sub(r"\1", text)
    text = _USER.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _SPECIAL.sub(r"@\1", text)
    text = _SUBTEAM.sub(lambda m: "@" + (m.group(2) or m.group(1)).lstrip("@"), text)
    text = _DATE.sub(r"\1", text)
    for pattern in _MARKS:
        text = pattern.sub(r"\1", text)
    return html.unescape(text)


def _text(obj: Any) -> str:
    if obj is None:
        return ""
    if isinstance(obj, str):
        return clean_mrkdwn(obj)
    raw = obj.get("text", "")
    return clean_mrkdwn(raw) if obj.get("type") == "mrkdwn" else html.unescape(raw)


def _element(el: dict[str, Any]) -> str:
    kind = el.get("type", "")
    if kind == "button":
        return f"[ {_text(el.get('text'))} ]"
    if kind == "image":
        return f"[image: {el.get('alt_text', '')}]"
    if kind in ("mrkdwn", "plain_text"):
        return _text(el)
    if kind == "overflow":
        return "[ ⋯ ]"
    if "select" in kind or kind in ("datepicker", "timepicker", "datetimepicker"):
        chosen = el.get("initial_option") or {}
        label = _text(chosen.get("text")) or _text(el.get("placeholder")) or kind.replace("_", " ")
        return f"[ {label} ▾ ]"
    if kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
        return f"[ {el.get('initial_value') or _text(el.get('placeholder')) or '…'} ]"
    if kind in ("checkboxes", "radio_buttons"):
        return "  ".join(f"( ) {_text(o.get('text'))}" for o in el.get("options", []))
    return f"[{kind}]"


def _rich_text(block: dict[str, Any]) -> str:
    out: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        kind = node.get("type")
        if kind == "text":
            out.append(node.get("text", ""))
        elif kind == "link":
            out.append(node.get("text") or node.get("url", ""))
        elif kind == "user":
            out.append("@" + node.get("user_id", ""))
        elif kind == "channel":
            out.append("#" + node.get("channel_id", ""))
        elif kind == "emoji":
            out.append(f":{node.get('name', '')}:")
        for child in node.get("elements", []):
            walk(child)
        if kind in ("rich_text_section", "rich_text_preformatted", "rich_text_quote"):
            out.append("\n")

    walk(block)
    return "".join(out).strip()


def _field(field: dict[str, Any]) -> str:
    lines = [ln.strip() for ln in _text(field).splitlines() if ln.strip()]
    if len(lines) > 1:
        return f"  {lines[0]}: {' '.join(lines[1:])}"
    return f"  {lines[0]}" if lines else ""


def render_block(block: dict[str, Any]) -> list[str]:
    """One block as text lines."""
    kind = block.get("type")
    if kind == "header":
        title = _text(block.get("text"))
        return [title.upper(), "═" * len(title)]
    if kind == "divider":
        return [RULE]
    if kind == "section":
        lines = _text(block.get("text")).splitlines() if block.get("text") else []
        lines += [_field(f) for f in block.get("fields", [])]
        if block.get("accessory"):
            lines.append("  " + _element(block["accessory"]))
        return lines
    if kind == "context":
        return ["  " + " · ".join(_element(e) for e in block.get("elements", []))]
    if kind == "actions":
        return ["  ".join(_element(e) for e in block.get("elements", []))]
    if kind == "image":
        title = _text(block.get("title"))
        return [f"[image: {block.get('alt_text', '')}]" + (f" {title}" if title else "")]
    if kind == "input":
        hint = _text(block.get("hint"))
        return [f"{_text(block.get('label'))}: {_element(block.get('element', {}))}"] + ([f"  ({hint})"] if hint else [])
    if kind == "rich_text":
        return _rich_text(block).splitlines()
    if kind == "markdown":
        return block.get("text", "").splitlines()
    return [f"[{kind} block]"]


def render_blocks(blocks: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    for block in blocks:
        lines.extend(render_block(block))
    return "\n".join(lines)


def render(obj: list[dict[str, Any]] | dict[str, Any]) -> str:
    """Blocks, a message or a view as readable text (see module docstring)."""
    if isinstance(obj, list):
        return render_blocks(obj)
    if obj.get("type") in ("modal", "home"):
        parts = [f"┌ {_text(obj.get('title')) or obj['type'].title()} ┐"] if obj.get("title") or obj["type"] == "home" else []
        parts.append(render_blocks(obj.get("blocks", [])))
        buttons = [f"[ {_text(obj[k])} ]" for k in ("close", "submit") if obj.get(k)]
        if buttons:
            parts.append("  ".join(buttons))
        return "\n".join(p for p in parts if p)
    if obj.get("blocks"):
        return render_blocks(obj["blocks"])
    return clean_mrkdwn(str(obj.get("text", "")))


def render_reply(reply: dict[str, Any]) -> str:
    """A reply captured by ``opsbot ask`` (``via`` = response_url or a Web API method)."""
    via = reply.get("via", "")
    if via.startswith("views."):
        view = reply.get("view") or {}
        return render(view) if isinstance(view, dict) else str(view)
    if via == "files.completeUploadExternal":
        titles = ", ".join(str(f.get("title") or f.get("id")) for f in reply.get("files") or [])
        comment = clean_mrkdwn(str(reply.get("initial_comment") or ""))
        return "\n".join(x for x in (comment, f"[file: {titles}]") if x)
    return render(reply)
