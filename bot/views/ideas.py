"""Block Kit for ideas: the idea form, the channel card, show/list/help replies, DMs.

Pure functions from service snapshots (``IdeaCard``) to ``slack_sdk.models`` blocks, every
surface passed through ``bot.views.limits`` before it is returned. User text is escaped for
mrkdwn (``& < >``) and truncated to the block limits.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.ideas.kpis import kpi_name
from bot.ideas.service import IdeaCard
from bot.ideas.similar import Similar
from bot.ideas.states import CATEGORIES, CLOSING, TRANSITIONS, IdeaState
from bot.ids import Action, Callback
from bot.slack import payload
from bot.views.bounded import option_groups, pack_lines
from bot.views.limits import (
    HEADER_TEXT,
    OPTION_TEXT,
    OPTIONS,
    SECTION_TEXT,
    check_message,
    check_view,
    split_blocks,
    truncate,
)

PHI_NOTE = ":lock: Do not include patient names, record numbers, dates of birth or contact details."
VALUE = "value"  # the action_id of every form input


class IdeaField(StrEnum):
    """Block ids of the idea form's inputs (used by ``response_action="errors"``)."""

    TITLE = "idea_title"
    PROBLEM = "idea_problem"
    CHANGE = "idea_change"
    CATEGORY = "idea_category"
    CLINIC = "idea_clinic"
    KPI = "idea_kpi"
    ANONYMOUS = "idea_anonymous"
    REASON = "status_reason"
    OWNER = "status_owner"
    DUE = "status_due"


FIELD_OF = {"title": IdeaField.TITLE, "problem": IdeaField.PROBLEM,
            "proposed_change": IdeaField.CHANGE, "reason": IdeaField.REASON}


def esc(text: str | None) -> str:
    """Escape user text for mrkdwn (Slack's three control characters)."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def opt(value: str, label: str) -> Option:
    return Option(value=value[:150], label=truncate(label, OPTION_TEXT))


def text_input(block: str, label: str, *, initial: str | None = None, multiline: bool = False,
               max_length: int = 3000, optional: bool = False, placeholder: str | None = None) -> InputBlock:
    return InputBlock(block_id=block, label=label, optional=optional, element=PlainTextInputElement(
        action_id=VALUE, multiline=multiline, max_length=max_length, placeholder=placeholder,
        initial_value=truncate(initial, max_length) if initial else None))


def select_input(block: str, label: str, options: Sequence[tuple[str, str]], *,
                 initial: str | None = None, optional: bool = False) -> InputBlock:
    """A static select; over 100 choices (a 300-clinic network) they come in option groups."""
    opts = [opt(v, t) for v, t in options]
    first = next((o for o in opts if o.value == initial), None)
    if len(opts) <= OPTIONS:
        element = StaticSelectElement(action_id=VALUE, placeholder="Choose…", options=opts, initial_option=first)
    else:
        element = StaticSelectElement(action_id=VALUE, placeholder="Type to search or choose…",
                                      option_groups=option_groups(opts), initial_option=first)
    return InputBlock(block_id=block, label=label, optional=optional, element=element)


def state_value(view: dict[str, Any], block: str) -> Any:
    """The submitted value of input ``block`` (text, selected option value, date, user, or the
    list of checked option values), None when empty: :func:`bot.slack.payload.state_value`."""
    return payload.state_value(view, block, VALUE)


def idea_form(clinics: Sequence[tuple[str, str]], kpis: Sequence[tuple[str, str]], *,
              values: dict[str, Any] | None = None, similar: Sequence[Similar] = (),
              metadata: dict[str, Any] | None = None, notice: str | None = None) -> dict[str, Any]:
    """The ``/idea`` modal. ``values`` prefills (keys: title, problem, proposed_change,
    category, clinic_key, kpi_id, anonymous); ``similar`` adds "already suggested?" choices;
    ``notice`` (user-safe text) is shown first, e.g. why typed text was not copied in."""
    v = values or {}
    blocks: list[Any] = []
    if notice:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(f":warning: {esc(notice)}", SECTION_TEXT))))
    if similar:
        blocks.append(SectionBlock(text=MarkdownTextObject(
            text="*Similar ideas already exist.* Upvote or merge into one of them, or submit yours anyway.")))
        for s in similar:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(
                f"*#{s.id}* {esc(s.title)} _({s.state.label})_", SECTION_TEXT))))
            blocks.append(ActionsBlock(block_id=f"similar_{s.id}", elements=[
                ButtonElement(text=f"Upvote #{s.id} instead", action_id=Action.IDEA_UPVOTE_INSTEAD, value=str(s.id)),
                ButtonElement(text=f"Merge mine into #{s.id}", action_id=Action.IDEA_MERGE_INTO, value=str(s.id)),
            ]))
    blocks += [
        text_input(IdeaField.TITLE, "Title", initial=v.get("title"), max_length=150),
        text_input(IdeaField.PROBLEM, "The problem you see", initial=v.get("problem"), multiline=True),
        text_input(IdeaField.CHANGE, "The change you propose", initial=v.get("proposed_change"),
                   multiline=True),
        select_input(IdeaField.CATEGORY, "Category", list(CATEGORIES.items()),
                     initial=v.get("category") or "other"),
    ]
    if clinics:
        blocks.append(select_input(IdeaField.CLINIC, "Clinic", clinics, initial=v.get("clinic_key")))
    blocks.append(select_input(IdeaField.KPI, "KPI it should move", kpis, initial=v.get("kpi_id"),
                               optional=True))
    anon = opt("yes", "Submit anonymously (your name is not stored)")
    blocks.append(InputBlock(block_id=IdeaField.ANONYMOUS, label="Anonymous", optional=True,
                             element=CheckboxesElement(action_id=VALUE, options=[anon],
                                                       initial_options=[anon] if v.get("anonymous") else None)))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=PHI_NOTE)]))
    view = View(type="modal", callback_id=Callback.IDEA_SUBMIT, title="New improvement idea",
                submit="Submit idea", close="Cancel", blocks=blocks,
                private_metadata=json.dumps(metadata or {})[:3000])
    return check_view(view)


def read_idea_form(view: dict[str, Any]) -> dict[str, Any]:
    """The form's values as IdeaDraft keyword arguments (None/empty where not given)."""
    return {
        "title": state_value(view, IdeaField.TITLE) or "",
        "problem": state_value(view, IdeaField.PROBLEM) or "",
        "proposed_change": state_value(view, IdeaField.CHANGE) or "",
        "category": state_value(view, IdeaField.CATEGORY) or "other",
        "clinic_key": state_value(view, IdeaField.CLINIC),
        "kpi_id": state_value(view, IdeaField.KPI),
        "anonymous": "yes" in (state_value(view, IdeaField.ANONYMOUS) or []),
    }


def notice_view(title: str, text: str) -> dict[str, Any]:
    """A one-message modal (after submit / upvote-instead)."""
    view = View(type="modal", title=truncate(title, 24), close="Done",
                blocks=[SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_TEXT)))])
    return check_view(view)


def _meta_line(card: IdeaCard) -> str:
    who = "anonymous" if card.anonymous else (f"<@{card.submitter_user_id}>" if card.submitter_user_id else "—")
    bits = [esc(card.clinic_name or "no clinic"), CATEGORIES.get(card.category, card.category),
            f"*{card.state.label}*", f"by {who}"]
    if card.kpi_id:
        bits.append(f"KPI: {esc(kpi_name(card.kpi_id))}")
    if card.owner_user_id:
        bits.append(f"owner <@{card.owner_user_id}>")
    if card.due_date:
        bits.append(f"due {card.due_date.isoformat()}")
    if card.overdue:
        bits.append(":warning: *overdue*")
    return " · ".join(bits)


def idea_blocks(card: IdeaCard, *, buttons: bool = True, detail: int = 700) -> list[Any]:
    """The idea card: title, problem and change (each cut to ``detail`` characters), a context
    line, and Upvote (live count) plus one button per allowed next state."""
    body = f"*#{card.id} {esc(card.title)}*"
    if card.problem:
        body += f"\n*Problem:* {esc(truncate(card.problem, detail))}"
    if card.proposed_change:
        body += f"\n*Change:* {esc(truncate(card.proposed_change, detail))}"
    if card.close_reason and card.state in CLOSING:
        body += f"\n*Closed because:* {esc(truncate(card.close_reason, 300))}"
    blocks: list[Any] = [SectionBlock(text=MarkdownTextObject(text=truncate(body, SECTION_TEXT))),
                         ContextBlock(elements=[MarkdownTextObject(text=_meta_line(card))])]
    if buttons:
        elements = [ButtonElement(text=f":+1: Upvote ({card.votes})", action_id=Action.IDEA_UPVOTE,
                                  value=str(card.id))]
        for nxt in TRANSITIONS[card.state]:
            elements.append(ButtonElement(text=nxt.label.capitalize(), value=str(card.id),
                                          action_id=f"{Action.IDEA_STATUS}:{nxt.value}",
                                          style="danger" if nxt in (IdeaState.DECLINED, IdeaState.ABANDONED) else None))
        blocks.append(ActionsBlock(block_id=f"idea_{card.id}", elements=elements))
    return blocks


def idea_message(card: IdeaCard) -> tuple[list[dict[str, Any]], str]:
    """``(blocks, fallback text)`` for the channel post and its ``chat.update``."""
    text = truncate(f"Idea #{card.id}: {card.title} ({card.votes} votes, {card.state.label})", 3000)
    return check_message(idea_blocks(card), text), text


def idea_detail(card: IdeaCard, history: Sequence[str]) -> tuple[list[dict[str, Any]], str]:
    """``/idea show``: the full card (3,000-character texts cut to fit) plus its audit trail."""
    blocks = idea_blocks(card, detail=1200)
    if history:
        blocks.append(SectionBlock(text=MarkdownTextObject(
            text=truncate("*History*\n" + "\n".join(history[-15:]), SECTION_TEXT))))
    return check_message(blocks, card.title), f"Idea #{card.id}: {card.title}"


def idea_list(cards: Sequence[IdeaCard], heading: str) -> list[list[dict[str, Any]]]:
    """``/idea list``: compact lines, several per section; returns one or more messages (the
    first is the reply, the rest follow it) each within the 50-block / size limits."""
    if not cards:
        return [check_message([SectionBlock(text=MarkdownTextObject(text=f"{esc(heading)}: no ideas."))])]
    blocks: list[Any] = [HeaderBlock(text=truncate(heading, HEADER_TEXT))]
    lines: list[str] = []
    for c in cards:
        flag = " :warning: overdue" if c.overdue else ""
        lines.append(f"*#{c.id}* {esc(truncate(c.title, 80))} — {c.state.label} · {c.votes} :+1:"
                     f" · {esc(truncate(c.clinic_name or '—', 30))}{flag}")
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2800:
            blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(chunk))))
            chunk = []
        chunk.append(line)
    blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(chunk))))
    messages = split_blocks(blocks)
    for m in messages:
        check_message(m)
    return messages


def help_blocks(text: str) -> list[dict[str, Any]]:
    """Help text of any length, as sections of at most 2,000 characters."""
    return check_message(pack_lines(text))


def status_dm(card: IdeaCard, from_state: IdeaState, to_state: IdeaState, actor: str,
              reason: str | None) -> str:
    """The direct message a (named) submitter gets on each move."""
    msg = (f"Your idea #{card.id} “{esc(truncate(card.title, 150))}” moved from *{from_state.label}* "
           f"to *{to_state.label}* (by <@{actor}>).")
    if reason:
        msg += f"\nReason: {esc(truncate(reason, 1000))}"
    return msg


def status_form(card: IdeaCard, target: IdeaState, metadata: dict[str, Any]) -> dict[str, Any]:
    """The modal for a move that needs details: reason (required when closing), owner, due date."""
    blocks: list[Any] = [SectionBlock(text=MarkdownTextObject(text=truncate(
        f"Move *#{card.id} {esc(card.title)}* from {card.state.label} to *{target.label}*.", SECTION_TEXT)))]
    blocks.append(text_input(IdeaField.REASON, "Reason", multiline=True, max_length=1000,
                             optional=target not in CLOSING))
    blocks.append(InputBlock(block_id=IdeaField.OWNER, label="Owner", optional=True,
                             element=UserSelectElement(action_id=VALUE, initial_user=card.owner_user_id)))
    blocks.append(InputBlock(block_id=IdeaField.DUE, label="Due date", optional=True,
                             element=DatePickerElement(action_id=VALUE, initial_date=(
                                 card.due_date.isoformat() if card.due_date else None))))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=PHI_NOTE)]))
    view = View(type="modal", callback_id=Callback.IDEA_STATUS_MODAL, title="Move idea",
                submit="Move", close="Cancel", blocks=blocks, private_metadata=json.dumps(metadata))
    return check_view(view)


def history_lines(entries: Sequence[Any]) -> list[str]:
    """Audit trail lines from ``service.HistoryEntry`` rows (an anonymous submission shows no one)."""
    out = []
    for e in entries:
        who = f"<@{e.actor_user_id}>" if e.actor_user_id else "anonymous"
        step = f"submitted ({e.to_state})" if e.from_state is None else f"{e.from_state} → {e.to_state}"
        why = f" — {esc(truncate(e.reason, 200))}" if e.reason else ""
        out.append(f"{e.changed_date.isoformat()} {step.replace('_', ' ')} by {who}{why}")
    return out
