"""Block Kit for alerts (pure functions): the incident message (updated in place as its state
changes), thread follow-ups, and the snooze modal. Limits are checked in ``bot.views.limits``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.alerts.model import MAX_SNOOZE_DAYS
from bot.ids import Action, Callback
from bot.views.limits import HEADER_TEXT, SECTION_TEXT, check_message, check_view, truncate

SEVERITY_ICON = {"info": ":information_source:", "warning": ":warning:", "critical": ":rotating_light:",
                 "no_data": ":grey_question:"}
SNOOZE_DURATION_BLOCK, SNOOZE_DURATION = "snooze_duration", "duration"
SNOOZE_DATE_BLOCK, SNOOZE_DATE = "snooze_date", "until"
SNOOZE_REASON_BLOCK, SNOOZE_REASON = "snooze_reason", "reason"
SNOOZE_CHOICES = {"1d": "1 day", "1w": "1 week", "date": "Until a date (pick below)"}
SNOOZE_HINT = (f"At most {MAX_SNOOZE_DAYS} days ahead. A snoozed alert comes back early, with a "
               "notification, if it gets worse (e.g. overdue, out of stock).")


@dataclass(frozen=True)
class IncidentCard:
    """What the message shows. Times are clinic-local, already formatted."""

    incident_id: int
    rule: str
    title: str
    severity: str
    state: str
    clinic_name: str
    lines: tuple[str, ...]
    owner_mention: str | None = None
    acknowledged: str | None = None  # "<@U1> at 2026-03-02 09:14"
    snoozed: str | None = None  # "until 2026-03-09 08:00 — reason"
    assigned_to: str | None = None
    resolved: str | None = None
    can_mark_done: bool = False
    improve_value: str | None = None  # issue 19: "Start an improvement" (an ImprovementStart as JSON)


def _status_line(card: IncidentCard) -> str:
    if card.resolved:
        return f":white_check_mark: Resolved {card.resolved}"
    parts = [f"Status: *{card.state}*"]
    if card.acknowledged:
        parts.append(f"acknowledged by {card.acknowledged}")
    if card.snoozed:
        parts.append(f"snoozed {card.snoozed}")
    if card.assigned_to:
        parts.append(f"assigned to <@{card.assigned_to}>")
    return " · ".join(parts)


def _actions(card: IncidentCard) -> ActionsBlock:
    value = str(card.incident_id)
    elements: list[Any] = [] if card.acknowledged else [  # once acknowledged the status line says by whom
        ButtonElement(text="Acknowledge", action_id=Action.ALERT_ACK, value=value, style="primary")]
    elements += [
        ButtonElement(text="Snooze…", action_id=Action.ALERT_SNOOZE, value=value),
        UserSelectElement(placeholder="Assign to…", action_id=Action.ALERT_ASSIGN,
                          initial_user=card.assigned_to),
    ]
    if card.can_mark_done:
        elements.append(ButtonElement(text="Mark done", action_id=Action.ALERT_MARK_DONE, value=value))
    elements.append(ButtonElement(text="Not useful", action_id=Action.ALERT_NOT_USEFUL, value=value))
    if card.improve_value:
        elements.append(ButtonElement(text="Start an improvement", action_id=Action.KPI_IMPROVE,
                                      value=card.improve_value))
    return ActionsBlock(block_id=f"alert:{card.incident_id}", elements=elements)


def incident_message(card: IncidentCard) -> dict[str, Any]:
    """``{"text", "blocks"}`` for chat.postMessage / chat.update. Resolved incidents lose their
    buttons. Raises ``SlackLimitError`` if Slack would reject it."""
    icon = SEVERITY_ICON.get(card.severity, "")
    title = card.title if not card.resolved else f"Resolved: {card.title}"
    body = "\n".join(card.lines)
    if card.owner_mention and not card.resolved:
        body = f"{card.owner_mention} — escalated to the clinic owner\n{body}"
    blocks: list[Any] = [
        HeaderBlock(text=truncate(f"{title}", HEADER_TEXT)),
        SectionBlock(text=MarkdownTextObject(text=truncate(f"{icon} *{card.clinic_name}*\n{body}", SECTION_TEXT))),
        ContextBlock(elements=[MarkdownTextObject(text=truncate(_status_line(card), 2000))]),
    ]
    if not card.resolved:
        blocks.append(_actions(card))
    text = f"{icon} {card.clinic_name}: {title}"
    return {"text": text, "blocks": check_message(blocks, text)}


def follow_up(title: str, line: str, mention: str | None = None) -> dict[str, Any]:
    """A thread reply under the incident message (reminder step, escalation, resolution)."""
    text = f"{mention + ' ' if mention else ''}{title}: {line}"
    blocks = [SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_TEXT)))]
    return {"text": text, "blocks": check_message(blocks, text)}


def snooze_modal(incident_id: int, title: str, today: date) -> dict[str, Any]:
    """The snooze modal: duration (1 day, 1 week, until a date at most
    :data:`~bot.alerts.model.MAX_SNOOZE_DAYS` ahead, said in the date's hint), a reason."""
    options = [Option(value=k, label=v) for k, v in SNOOZE_CHOICES.items()]
    view = View(
        type="modal", callback_id=Callback.ALERT_SNOOZE_MODAL, private_metadata=str(incident_id),
        title=PlainTextObject(text="Snooze alert"), submit=PlainTextObject(text="Snooze"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=truncate(f"*{title}*", SECTION_TEXT))),
            InputBlock(block_id=SNOOZE_DURATION_BLOCK, label="For how long",
                       element=StaticSelectElement(action_id=SNOOZE_DURATION, options=options,
                                                   initial_option=options[0])),
            InputBlock(block_id=SNOOZE_DATE_BLOCK, label="Until (if you chose a date)", optional=True,
                       element=DatePickerElement(action_id=SNOOZE_DATE, initial_date=today.isoformat()),
                       hint=SNOOZE_HINT),
            InputBlock(block_id=SNOOZE_REASON_BLOCK, label="Reason",
                       element=PlainTextInputElement(action_id=SNOOZE_REASON, max_length=500)),
        ],
    )
    return check_view(view)


def format_local(moment: datetime | None) -> str | None:
    """``2026-03-02 09:14 EST``: a clinic-local time with its zone's abbreviation (an aware
    ``moment``), so it is never read as UTC beside the UTC times of logs and tours."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%d %H:%M") + (f" {moment:%Z}" if moment.tzinfo is not None else "")
