"""Long text made to fit Block Kit (issue 13): name lists, line packing and paged lists.

Every builder that puts a list of unknown length into Block Kit goes through here, so no text
object passes Slack's 3,000 characters (``bot.views.limits.SECTION_TEXT``) and no message its
50 blocks / ~12,000 characters, whatever the size of the network:

* :func:`name_list` — "North, South, … and 290 more" within a character budget;
* :func:`pack_lines` — lines into section blocks of at most ``limit`` characters each;
* :func:`option_groups` — more than 100 choices in one select, as option groups;
* :func:`page_of` — a long list as "page 2 of 3" with Previous / Next buttons whose ``value`` is
  the page number to show (the listener re-renders that page with ``replace_original``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import Option, OptionGroup

from bot.views.limits import BUTTON_VALUE, MESSAGE_BLOCKS, OPTION_TEXT, OPTIONS, SECTION_TEXT, truncate
from core.text import fold, name_list

__all__ = ["name_list", "option_groups", "pack_lines", "page_of", "paginate"]

SECTION_CHUNK = 2_000  # lines are packed into blocks of at most this many characters
PAGE_CHARS = 8_000  # characters of list text per page (under MESSAGE_BLOCKS_CHARS with the frame)
LINE_CHARS = 600  # one list line (a subscription, an idea) never takes more than this


def pack_lines(text: str, limit: int = SECTION_CHUNK) -> list[dict[str, Any]]:
    """Section blocks (mrkdwn) holding ``text``'s lines in order, each at most ``limit`` (≤ 3,000)
    characters; a single longer line is cut with "…"."""
    limit = min(limit, SECTION_TEXT)
    texts: list[str] = []
    current = ""
    for line in text.splitlines():
        line = truncate(line, limit)
        if current and len(current) + 1 + len(line) > limit:
            texts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        texts.append(current)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": t}} for t in texts]


def paginate(lines: Sequence[str], page_chars: int = PAGE_CHARS, line_chars: int = LINE_CHARS) -> list[list[str]]:
    """``lines`` (each cut to ``line_chars``) cut into pages of at most ``page_chars`` characters."""
    pages: list[list[str]] = [[]]
    size = 0
    for line in (truncate(str(x), line_chars) for x in lines):
        if pages[-1] and size + len(line) + 1 > page_chars:
            pages.append([])
            size = 0
        pages[-1].append(line)
        size += len(line) + 1
    return pages


def page_of(title: str, lines: Sequence[str], page: int, action_id: str, *, footer: str = "") -> list[dict[str, Any]]:
    """Blocks of page ``page`` (1-based, clamped) of ``lines`` under ``title``: the lines packed
    into sections, "page p of n" and Previous / Next buttons (``action_id`` = ``<action_id>:prev``
    and ``:next``, ``value`` = the page to show). One page: no page line, no buttons."""
    pages = paginate(lines)
    n = len(pages)
    page = min(max(1, page), n)
    blocks = pack_lines(title + "\n" + "\n".join(pages[page - 1]))
    notes = [f"Page {page} of {n} · {len(lines)} in all"] if n > 1 else []
    if footer:
        notes.append(footer)
    if notes:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(" · ".join(notes),
                                                                                           SECTION_TEXT)}]})
    buttons = []
    if page > 1:
        buttons.append({"type": "button", "action_id": f"{action_id}:prev", "value": str(page - 1)[:BUTTON_VALUE],
                        "text": {"type": "plain_text", "text": f"◀ Page {page - 1}"}})
    if page < n:
        buttons.append({"type": "button", "action_id": f"{action_id}:next", "value": str(page + 1),
                        "text": {"type": "plain_text", "text": f"Page {page + 1} ▶"}})
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    return blocks[:MESSAGE_BLOCKS]


def _option_label(option: Option) -> str:
    """The option's visible text (a text object at run time; slack_sdk types the attribute loosely)."""
    text = option.text
    return str(getattr(text, "text", text) if text else option.value)


def option_groups(options: Sequence[Option], size: int = OPTIONS) -> list[OptionGroup]:
    """More than 100 choices for one static select (Slack: 100 options, or up to 100 option
    groups of 100 options each; slack_sdk ``StaticSelectElement`` / ``OptionGroup``): the options
    sorted by their text and cut into groups of ``size``, each labelled with the span of initials
    it holds ("A – F"). Beyond 100 × 100 options the rest are dropped (use an external select)."""
    ordered = sorted(options, key=lambda o: fold(_option_label(o)))
    groups = []
    for start in range(0, min(len(ordered), OPTIONS * size), size):
        chunk = ordered[start:start + size]
        first, last = (_option_label(o) for o in (chunk[0], chunk[-1]))
        label = first[:1].upper() if first[:1].upper() == last[:1].upper() else f"{first[:1].upper()} – {last[:1].upper()}"
        groups.append(OptionGroup(label=truncate(f"{label} ({start + 1}–{start + len(chunk)})", OPTION_TEXT),
                                  options=chunk))
    return groups
