"""Block Kit for PDSA cycles (IHI worksheet): start and update modals, list, reminder DM."""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.ideas.kpis import kpi_name
from bot.ideas.pdsa import CycleCard
from bot.ideas.service import IdeaCard
from bot.ids import Action, Callback
from bot.views.ideas import PHI_NOTE, VALUE, esc, opt, select_input, state_value, text_input
from bot.views.limits import HEADER_TEXT, SECTION_TEXT, check_message, check_view, split_blocks, truncate

ACTS = (("adopt", "Adopt — keep the change"), ("adapt", "Adapt — change it and test again"),
        ("abandon", "Abandon — stop testing it"))

ACT_OPTIONAL = "Act (leave empty to keep the cycle running)"
ACT_TO_CLOSE = "Act: the decision that closes this cycle"


class PdsaField(StrEnum):
    OBJECTIVE = "pdsa_objective"
    QUESTIONS = "pdsa_questions"
    PREDICTIONS = "pdsa_predictions"
    WHO = "pdsa_who"
    WHAT = "pdsa_what"
    WHEN = "pdsa_when"
    WHERE = "pdsa_where"
    KPI = "pdsa_kpi"
    DATA_PLAN = "pdsa_data_plan"
    NUMBER = "pdsa_number"
    OBSERVATIONS = "pdsa_observations"
    STUDY = "pdsa_study"
    ACT = "pdsa_act"


DRAFT_FIELDS = {"objective": PdsaField.OBJECTIVE, "questions": PdsaField.QUESTIONS,
                "predictions": PdsaField.PREDICTIONS, "plan_who": PdsaField.WHO,
                "plan_what": PdsaField.WHAT, "plan_when": PdsaField.WHEN, "plan_where": PdsaField.WHERE,
                "data_plan": PdsaField.DATA_PLAN, "observations": PdsaField.OBSERVATIONS,
                "study": PdsaField.STUDY}


def start_form(idea: IdeaCard, kpis: Sequence[tuple[str, str]], next_number: int) -> dict[str, Any]:
    """``/pdsa start``: the Plan half of the worksheet for ``idea``."""
    blocks: list[Any] = [
        SectionBlock(text=MarkdownTextObject(text=truncate(
            f"PDSA cycle for idea *#{idea.id} {esc(idea.title)}*", SECTION_TEXT))),
        text_input(PdsaField.OBJECTIVE, "Objective of this cycle", multiline=True),
        text_input(PdsaField.QUESTIONS, "Questions", multiline=True, optional=True),
        text_input(PdsaField.PREDICTIONS, "Predictions (what you expect to happen)", multiline=True,
                   optional=True),
        text_input(PdsaField.WHO, "Plan: who", optional=True, max_length=500),
        text_input(PdsaField.WHAT, "Plan: what", multiline=True, optional=True),
        text_input(PdsaField.WHEN, "Plan: when", optional=True, max_length=500),
        text_input(PdsaField.WHERE, "Plan: where", optional=True, max_length=500),
        select_input(PdsaField.KPI, "Measure (KPI)", kpis, initial=idea.kpi_id, optional=True),
        text_input(PdsaField.DATA_PLAN, "Data plan (who collects what, how often)", multiline=True,
                   optional=True),
        text_input(PdsaField.NUMBER, "Cycle number", initial=str(next_number), max_length=3),
        ContextBlock(elements=[MarkdownTextObject(text=PHI_NOTE)]),
    ]
    view = View(type="modal", callback_id=Callback.PDSA_START, title="Start a PDSA cycle",
                submit="Start cycle", close="Cancel", blocks=blocks,
                private_metadata=json.dumps({"idea_id": idea.id}))
    return check_view(view)


def read_start_form(view: dict[str, Any]) -> dict[str, Any]:
    """CycleDraft keyword arguments (``cycle_number`` left as text for the caller to check)."""
    out: dict[str, Any] = {k: state_value(view, DRAFT_FIELDS[k]) or "" for k in (
        "objective", "questions", "predictions", "plan_who", "plan_what", "plan_when",
        "plan_where", "data_plan")}
    out["kpi_id"] = state_value(view, PdsaField.KPI)
    out["cycle_number"] = (state_value(view, PdsaField.NUMBER) or "").strip()
    return out


def update_form(cycle: CycleCard, study_proposal: str | None = None, *, closing: bool = False) -> dict[str, Any]:
    """``/pdsa update``: Do (observations), Study (result vs prediction), Act. ``study_proposal``
    (issue 19): the bot's before/after reading of the measure, pre-filled for the team to confirm.

    ``closing`` (the reminder's "Close cycle" button): the same form, titled "Close cycle", with the
    Act decision required — a cycle closes only with an Act decision, so the idea moves with it
    (adopt → adopted, abandon → abandoned, adapt → the next cycle opens)."""
    prediction = f"\n_Prediction:_ {esc(truncate(cycle.predictions, 1000))}" if cycle.predictions else ""
    blocks: list[Any] = [
        SectionBlock(text=MarkdownTextObject(text=truncate(
            f"*Cycle {cycle.cycle_number}* of idea #{cycle.idea_id} {esc(cycle.idea_title)}{prediction}",
            SECTION_TEXT))),
        text_input(PdsaField.OBSERVATIONS, "Do: what happened (observations)", multiline=True, optional=True),
        text_input(PdsaField.STUDY, "Study: result compared with the prediction", multiline=True,
                   optional=True, initial=study_proposal),
        InputBlock(block_id=PdsaField.ACT, label=ACT_TO_CLOSE if closing else ACT_OPTIONAL,
                   optional=not closing, element=RadioButtonsElement(
                       action_id=VALUE, options=[opt(v, t) for v, t in ACTS])),
        ContextBlock(elements=[MarkdownTextObject(text=PHI_NOTE)]),
    ]
    title = f"Close cycle #{cycle.id}" if closing else f"Update cycle #{cycle.id}"
    view = View(type="modal", callback_id=Callback.PDSA_UPDATE, title=title[:24],
                submit="Close cycle" if closing else "Save", close="Cancel", blocks=blocks,
                private_metadata=json.dumps({"cycle_id": cycle.id, **({"closing": True} if closing else {})}))
    return check_view(view)


def close_errors(values: dict[str, Any], closing: bool) -> dict[str, str]:
    """``response_action: "errors"`` entries (block id → message) for an update form that cannot
    close the cycle (Slack API docs, "Handling view_submission": errors keyed by block_id). The
    server judges the submission itself: ``optional: false`` is only enforced by Slack clients.

    ``values`` as :func:`read_update_form`; ``closing`` the form's private metadata flag (the
    reminder's "Close cycle"). A close needs the Act decision, and a Study note (what was learnt);
    both problems come back together."""
    errors = {}
    if closing and not values["act"]:
        errors[str(PdsaField.ACT)] = "Choose adopt, adapt or abandon to close the cycle."
    if (closing or values["act"]) and not values["study"].strip():
        errors[str(PdsaField.STUDY)] = "Say what was learnt (Study) to close the cycle."
    return errors


def read_update_form(view: dict[str, Any]) -> dict[str, Any]:
    return {"observations": state_value(view, PdsaField.OBSERVATIONS) or "",
            "study": state_value(view, PdsaField.STUDY) or "",
            "act": state_value(view, PdsaField.ACT)}


def cycle_line(c: CycleCard) -> str:
    kpi = f" · KPI {esc(kpi_name(c.kpi_id))}" if c.kpi_id else ""
    end = f"–{c.ended_date.isoformat()}" if c.ended_date else ""
    act = f" · act: {c.act}" if c.act else ""
    return (f"*#{c.id}* idea #{c.idea_id} {esc(truncate(c.idea_title, 60))} — cycle {c.cycle_number}, "
            f"{c.status}{act} · {c.started_date.isoformat()}{end}{kpi} · <@{c.owner_user_id}>")


def cycle_list(cycles: Sequence[CycleCard], heading: str) -> list[list[dict[str, Any]]]:
    """``/pdsa list``: one or more messages within limits."""
    if not cycles:
        return [check_message([SectionBlock(text=MarkdownTextObject(text=f"{esc(heading)}: no cycles."))])]
    blocks: list[Any] = [HeaderBlock(text=truncate(heading, HEADER_TEXT))]
    chunk: list[str] = []
    for line in map(cycle_line, cycles):
        if sum(len(x) + 1 for x in chunk) + len(line) > 2800:
            blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(chunk))))
            chunk = []
        chunk.append(line)
    blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(chunk))))
    return [check_message(m) for m in split_blocks(blocks)]


def cycle_summary(c: CycleCard, note: str = "") -> list[dict[str, Any]]:
    return check_message([SectionBlock(text=MarkdownTextObject(text=truncate(
        (note + "\n" if note else "") + cycle_line(c), SECTION_TEXT)))])


def reminder_message(c: CycleCard, every_days: int) -> tuple[list[dict[str, Any]], str]:
    """The owner's nudge for a cycle quiet for ``every_days`` days, with quick buttons."""
    text = (f"PDSA cycle #{c.id} (idea #{c.idea_id}, cycle {c.cycle_number}) has had no update "
            f"for {every_days}+ days.")
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=truncate(
            f":hourglass: {esc(text)}\n_{esc(truncate(c.objective, 300))}_", SECTION_TEXT))),
        ActionsBlock(block_id=f"pdsa_reminder_{c.id}", elements=[
            ButtonElement(text="Post update", action_id=Action.PDSA_POST_UPDATE, value=str(c.id), style="primary"),
            ButtonElement(text=f"Snooze {every_days} days", action_id=Action.PDSA_SNOOZE, value=str(c.id)),
            ButtonElement(text="Close cycle", action_id=Action.PDSA_CLOSE, value=str(c.id)),
        ]),
    ]
    return check_message(blocks, text), text
