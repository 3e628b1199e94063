"""Idea lifecycle: new → under review → planned → testing (PDSA) → adopted / adapted /
abandoned / declined. Closing states need a reason. Pure rules, no storage."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from bot.errors import UsageError


class IdeaState(StrEnum):
    NEW = "new"
    UNDER_REVIEW = "under_review"
    PLANNED = "planned"
    TESTING = "testing"
    ADOPTED = "adopted"
    ADAPTED = "adapted"
    ABANDONED = "abandoned"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


NO_SUCH_CYCLE = "That PDSA cycle no longer exists."  # an action on a cycle id with no row
CLOSING = frozenset({IdeaState.ADOPTED, IdeaState.ADAPTED, IdeaState.ABANDONED, IdeaState.DECLINED})
OPEN = frozenset(set(IdeaState) - CLOSING)

TRANSITIONS: dict[IdeaState, tuple[IdeaState, ...]] = {
    IdeaState.NEW: (IdeaState.UNDER_REVIEW, IdeaState.PLANNED, IdeaState.DECLINED),
    IdeaState.UNDER_REVIEW: (IdeaState.PLANNED, IdeaState.DECLINED),
    IdeaState.PLANNED: (IdeaState.TESTING, IdeaState.ABANDONED, IdeaState.DECLINED),
    IdeaState.TESTING: (IdeaState.ADOPTED, IdeaState.ADAPTED, IdeaState.ABANDONED),
    IdeaState.ADOPTED: (),
    IdeaState.ADAPTED: (),
    IdeaState.ABANDONED: (),
    IdeaState.DECLINED: (),
}

CATEGORIES: dict[str, str] = {
    "patient_flow": "Patient flow",
    "scheduling": "Scheduling",
    "staffing": "Staffing",
    "supplies": "Supplies",
    "billing": "Billing",
    "quality_safety": "Quality and safety",
    "compliance": "Compliance",
    "patient_experience": "Patient experience",
    "other": "Other",
}


def state_names() -> str:
    """Every state as typed in commands, in lifecycle order ("submitted, under_review, …")."""
    return ", ".join(s.value for s in IdeaState)


def parse_state(text: str) -> IdeaState:
    """A state from user text ("under review", "under-review", "Adopted").

    Raises:
        UsageError: unknown state, listing the valid ones.
    """
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return IdeaState(key)
    except ValueError:
        raise UsageError(f"Unknown state '{text}'. Use one of: {state_names()}.") from None


def check_transition(current: IdeaState, target: IdeaState, reason: str | None) -> None:
    """Raise unless ``current → target`` is allowed and a closing move carries a reason.

    Raises:
        UsageError: the move is not allowed (naming the allowed next states) or lacks a reason.
    """
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(s.label for s in TRANSITIONS[current]) or "none (it is closed)"
        raise UsageError(f"An idea that is {current.label} cannot move to {target.label}. "
                         f"Next states: {allowed}.")
    if target in CLOSING and not (reason or "").strip():
        raise UsageError(f"Moving an idea to {target.label} needs a reason.")


def is_overdue(state: str, due: date | None, today: date) -> bool:
    """An open idea whose due date has passed."""
    return due is not None and due < today and IdeaState(state) in OPEN
