"""Block Kit for the daily digest (pure): wording from the jinja2 templates
(:mod:`bot.digest.wording`), structure here with typed ``slack_sdk.models.blocks``.

Layout: header, context (date, clinics), then one divider + section blocks per non-empty section
in the fixed order (KPIs, alerts, stale data, ideas, PDSA, deadlines, dead deliveries), then a
footer. A message over Slack's limits (50 blocks, ~12,000 characters of blocks, 3,000 per
section; ``bot.views.limits``) is split: the head is posted in the channel, the rest as replies
in its thread, each part checked with ``check_message`` before it is queued.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slack_sdk.models.blocks import ContextBlock, DividerBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot.access.audience import revenue_only_in
from bot.digest.content import SECTIONS, DigestContent
from bot.digest.wording import render
from bot.views.limits import (
    HEADER_TEXT,
    MESSAGE_BLOCKS,
    MESSAGE_BLOCKS_CHARS,
    SECTION_TEXT,
    as_dicts,
    check_message,
    split_blocks,
    truncate,
)

SECTION_CHUNK = 1_500  # pack lines into blocks of at most this many characters (< 3,000)
FOOTER_RESERVE = 600  # characters kept free in the head for the footer


@dataclass(frozen=True)
class DigestMessage:
    """``parts[0]`` is the message posted in the channel; ``parts[1:]`` go in its thread.
    ``texts[i]`` is the notification/fallback text of part i."""

    parts: list[list[dict[str, Any]]]
    texts: list[str]

    @property
    def text(self) -> str:
        return self.texts[0]


def _capped(items: list[Any], cap: int) -> tuple[list[Any], int]:
    return items[:cap], max(0, len(items) - cap)


def section_text(content: DigestContent, section: str, templates: Path | None, max_items: int,
                 deadline_days: int) -> str:
    """The worded text of one section (its template rendered with the capped items)."""
    multi = len(content.clinics) > 1
    if section == "ideas":
        new, more_new = _capped(content.ideas_new, max_items)
        review, more_review = _capped(content.ideas_review, max_items)
        return render("ideas.j2", templates, new=new, review=review, more=more_new + more_review, multi=multi)
    by_section: dict[str, list[Any]] = {
        "kpis": content.kpis, "alerts": content.alerts, "stale": content.stale, "pdsa": content.pdsa_due,
        "deadlines": content.deadlines, "dead": content.dead, "lookahead": content.lookahead}
    items = by_section[section]
    shown, more = _capped(items, max_items)
    extra: dict[str, Any] = {}
    if section == "alerts":
        extra["new_count"] = sum(1 for a in content.alerts if a.is_new)
        extra["snoozed_count"] = sum(1 for a in shown if a.snoozed_until)
    if section == "deadlines":
        extra["days"] = deadline_days
    text = render(f"{section}.j2", templates, items=shown, more=more, multi=multi, c=content, **extra)
    if section == "kpis" and content.kpis_withheld:
        text = f"{text.rstrip()}\n{withheld_note(content.kpis_withheld, content.kpis_shown_in)}"
    return text


def withheld_note(names: list[str], channels: list[str]) -> str:
    """"_2 revenue KPIs are not shown in this channel (Clean claim rate, Denial rate). Revenue-cycle
    figures are shown only in finance channels (<#C0FIN>)._" — added after the KPI section whatever
    the organisation's templates say, so the gap is never silent (``names``: KPIs withheld that
    have data; wording of where: :func:`bot.access.audience.revenue_only_in`)."""
    n = len(names)
    kind = "revenue KPI is" if n == 1 else "revenue KPIs are"
    return f"_{n} {kind} not shown in this channel ({', '.join(names)}). {revenue_only_in(channels)}._"


def _pack(text: str, limit: int = SECTION_CHUNK) -> list[SectionBlock]:
    """Section blocks holding ``text``'s lines, each block at most ``limit`` characters."""
    blocks, current = [], ""
    for line in text.splitlines():
        line = truncate(line, limit)
        if current and len(current) + 1 + len(line) > limit:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=current)))
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=current)))
    return blocks


def digest_message(content: DigestContent, *, templates: Path | None = None, max_items: int = 100,
                   deadline_days: int = 14, preview: bool = False) -> DigestMessage:
    """The digest as one or more messages within Slack's limits.

    Raises:
        SlackLimitError: a part still breaks a limit (a bug: parts are sized to fit).
        ConfigurationError: a template is missing or broken.
    """
    body: list[Any] = [
        HeaderBlock(text=truncate(render("header.j2", templates, c=content, preview=preview), HEADER_TEXT)),
        ContextBlock(elements=[MarkdownTextObject(text=truncate(render("context.j2", templates, c=content),
                                                                SECTION_TEXT))]),
    ]
    for section in SECTIONS:
        if content.has(section):
            body.append(DividerBlock())
            body += _pack(section_text(content, section, templates, max_items, deadline_days))
    if content.is_empty:
        body.append(SectionBlock(text=MarkdownTextObject(text=render("empty.j2", templates, c=content))))
    parts = split_blocks(as_dicts(body), max_blocks=MESSAGE_BLOCKS - 1,
                         max_chars=MESSAGE_BLOCKS_CHARS - FOOTER_RESERVE)
    footer = ContextBlock(elements=[MarkdownTextObject(text=render("footer.j2", templates, parts=len(parts),
                                                                   c=content))])
    parts[0] = parts[0] + as_dicts([footer])
    texts = [render("fallback.j2", templates, c=content, part=(i + 1) if len(parts) > 1 else 0, parts=len(parts))
             for i in range(len(parts))]
    return DigestMessage([check_message(p, t) for p, t in zip(parts, texts, strict=True)], texts)
