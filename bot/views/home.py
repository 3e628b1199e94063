"""The App Home tab: my ideas, my cycles, the clinic's open ideas and recent adoptions.

At most 100 blocks (Slack's Home-tab limit): each section is one header plus one or more
sections of compact lines (≤ 2,800 characters each) and lists are capped, so the total is far
below the limit whatever is stored; ``check_view`` verifies it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.ideas.pdsa import CycleCard
from bot.ideas.service import IdeaCard
from bot.ids import Action
from bot.views.ideas import esc
from bot.views.limits import check_view, truncate
from bot.views.pdsa import cycle_line

PER_SECTION = 20


def _idea_line(c: IdeaCard) -> str:
    flag = " :warning: overdue" if c.overdue else ""
    return (f"*#{c.id}* {esc(truncate(c.title, 80))} — {c.state.label} · {c.votes} :+1:"
            f" · {esc(truncate(c.clinic_name or '—', 30))}{flag}")


def _section(title: str, lines: Sequence[str], empty: str) -> list[Any]:
    blocks: list[Any] = [HeaderBlock(text=title)]
    if not lines:
        return blocks + [ContextBlock(elements=[MarkdownTextObject(text=empty)])]
    chunk: list[str] = []
    for line in lines[:PER_SECTION]:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2800:
            blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(chunk))))
            chunk = []
        chunk.append(line)
    blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(chunk))))
    if len(lines) > PER_SECTION:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text="More with `/idea list` or `/pdsa list`.")]))
    return blocks


def home_view(mine: Sequence[IdeaCard], cycles: Sequence[CycleCard], open_ideas: Sequence[IdeaCard],
              adopted: Sequence[IdeaCard]) -> dict[str, Any]:
    """The Home tab for one person (anonymous ideas never appear under "My ideas": nothing
    links them to anyone)."""
    blocks: list[Any] = [
        SectionBlock(text=MarkdownTextObject(text="*Frontline improvement* — ideas and PDSA tests of change."),
                     accessory=ButtonElement(text="New idea", action_id=Action.HOME_NEW_IDEA, style="primary")),
        DividerBlock(),
    ]
    blocks += _section("My ideas", [_idea_line(c) for c in mine], "You have not submitted a named idea yet.")
    blocks += _section("My PDSA cycles", [cycle_line(c) for c in cycles], "No cycles owned by you.")
    blocks += _section("Open ideas", [_idea_line(c) for c in open_ideas], "No open ideas.")
    blocks += _section("Recently adopted", [_idea_line(c) for c in adopted], "Nothing adopted yet.")
    return check_view(View(type="home", blocks=blocks), surface="home")
