"""Block Kit for the plain-language reader (issue 18): the reading line shown with every answer,
one-click corrections, questions asked back with buttons, refusals, help drawn from the
organisation's own names, and the clinic scorecard. Pure functions; limits checked in one place."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.ids import Action
from bot.kpi.engine import KpiAnswer
from bot.kpi.periods import reading_text
from bot.kpi.reader.reading import Option
from bot.views.limits import BUTTON_VALUE, check_message, truncate

Rendered = tuple[list[dict], str]
MAX_BUTTONS = 5


def answer_line(a: KpiAnswer) -> str:
    """``No-show rate · Kingsport Primary Care · Nov 2026 (2026-11-01..2026-11-30)`` for what the
    engine computed (the period as :func:`bot.kpi.periods.reading_text` shows it)."""
    parts = [a.kpi.name, a.scope.label, reading_text(a.period.start, a.period.end)]
    if a.breakdown_dim:
        parts.append(f"by {a.breakdown_dim}")
    if a.comparison is not None:
        parts.append(f"vs {reading_text(a.comparison[0].start, a.comparison[0].end)}")
    return " · ".join(parts)


def pick_value(option: Option, question: str) -> str | None:
    """A button value carrying the whole reading; None when it would not fit Slack's limit."""
    value = json.dumps({"r": option.patch, "q": question[:300]}, separators=(",", ":"), default=str)
    return value if len(value) <= BUTTON_VALUE else None


def _buttons(options: list[Option], question: str) -> list[ButtonElement]:
    out = []
    for i, o in enumerate(options[:MAX_BUTTONS]):
        value = pick_value(o, question)
        if value is not None:
            out.append(ButtonElement(text=truncate(o.label, 75), action_id=f"{Action.KPI_PICK.value}:{i}", value=value))
    return out


def with_reading(rendered: Rendered, line: str, alternatives: list[Option], question: str) -> Rendered:
    """``rendered`` (an answer) with the reading line on top and corrections at the bottom."""
    blocks, text = rendered
    head: list[Any] = [ContextBlock(elements=[MarkdownTextObject(text=truncate(f"Read as: *{line}*", 2000))]).to_dict()]
    tail: list[Any] = []
    buttons = _buttons(alternatives, question)
    if buttons:
        tail = [ContextBlock(elements=[MarkdownTextObject(text="Not what you meant?")]).to_dict(),
                ActionsBlock(elements=buttons).to_dict()]
    return check_message(head + list(blocks) + tail, text), f"{line}\n{text}"


def render_clarify(message: str, options: list[Option], question: str) -> Rendered:
    """A question asked back; each button answers it."""
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=truncate(message, 3000)))]
    buttons = _buttons(options, question)
    if buttons:
        blocks.append(ActionsBlock(elements=buttons))
    return check_message(blocks, message), message


def render_text(message: str) -> Rendered:
    text = truncate(message, 3000)
    return check_message([SectionBlock(text=MarkdownTextObject(text=text))], text), text


def render_help(examples: list[str], kpi_count: int) -> Rendered:
    """Help with examples built from the organisation's own clinics, KPIs and data dates."""
    lines = ["Ask me about a KPI the way you'd say it — in `/kpi`, by mentioning me, or in a DM. For example:"]
    lines += [f"• {e}" for e in examples]
    lines.append("Reply in my answer's thread to change one thing: “and last month?”, “by provider”, another KPI.")
    lines.append(f"`/kpi` lists all {kpi_count} KPIs · `/kpi define <kpi>` explains one · "
                 "`/kpi <kpi> clinic <name> <period> by clinic|provider|payer vs last month` is the exact form.")
    text = "\n".join(lines)
    return check_message([SectionBlock(text=MarkdownTextObject(text=truncate(text, 3000)))], text), text


def render_scorecard(title: str, period: str, rows: list[tuple[str, str | None, str, bool | None]],
                     hidden: int) -> Rendered:
    """A clinic's KPIs against targets: rows ``(name, value as shown or None, target text, on target?)``."""
    lines = []
    for name, value, target, ok in rows:
        mark = "" if ok is None else (" ✅" if ok else " ⚠️")
        shown = "no data" if value is None else value
        lines.append(f"• *{name}*: {shown}{mark}" + (f" — {target}" if target else ""))
    blocks: list[Block] = [HeaderBlock(text=truncate(f"Scorecard · {title}", 150)),
                           ContextBlock(elements=[MarkdownTextObject(text=period)])]
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2900:
            blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(chunk))))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(chunk))))
    if hidden:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text=f"{hidden} revenue-cycle KPIs not shown: they need the finance or manager role.")]))
    text = f"Scorecard · {title} · {period}\n" + "\n".join(lines)
    return check_message(blocks, text), text
