"""PDSA cycles (IHI "PDSA Worksheet for Testing Change"): start, update (Do/Study/Act; an Act
decision closes the cycle), list, snooze, and the start/end marks a KPI chart draws. No Slack here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.errors import UsageError
from bot.ideas.clinics import local_date
from bot.ideas.permissions import ensure_can_manage
from bot.ideas.service import StateChanged, change_state, load
from bot.ideas.states import CLOSING, IdeaState
from bot.phi_guard import GuardLike, ensure_clean
from storage.models import Clinic, Idea, IdeaStateChange, PdsaCycle, PdsaUpdate

Patterns = GuardLike
Act = Literal["adopt", "adapt", "abandon"]
TEXT = 3000


class CycleDraft(BaseModel):
    """The Plan half of the worksheet. ``cycle_number`` None = next after the idea's last."""

    idea_id: int
    objective: str = Field(min_length=1, max_length=TEXT)
    questions: str = Field(default="", max_length=TEXT)
    predictions: str = Field(default="", max_length=TEXT)
    plan_who: str = Field(default="", max_length=TEXT)
    plan_what: str = Field(default="", max_length=TEXT)
    plan_when: str = Field(default="", max_length=TEXT)
    plan_where: str = Field(default="", max_length=TEXT)
    kpi_id: str | None = None
    data_plan: str = Field(default="", max_length=TEXT)
    cycle_number: int | None = Field(default=None, ge=1, le=999)

    def texts(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in ("objective", "questions", "predictions", "plan_who",
                                              "plan_what", "plan_when", "plan_where", "data_plan")}


class CycleUpdate(BaseModel):
    """Do (observations), Study (result vs prediction) and, optionally, the Act decision."""

    observations: str = Field(default="", max_length=TEXT)
    study: str = Field(default="", max_length=TEXT)
    act: Act | None = None


@dataclass(frozen=True)
class CycleCard:
    id: int
    idea_id: int
    idea_title: str
    clinic_key: str | None
    cycle_number: int
    parent_id: int | None
    owner_user_id: str
    objective: str
    predictions: str
    kpi_id: str | None
    status: str
    act: str | None
    started_date: date
    ended_date: date | None
    last_activity_at: datetime
    updates: int


@dataclass(frozen=True)
class UpdateResult:
    cycle: CycleCard
    next_cycle: CycleCard | None
    idea_change: StateChanged | None


def _card(session: Session, c: PdsaCycle) -> CycleCard:
    idea = session.get(Idea, c.idea_id)
    clinic = session.get(Clinic, c.clinic_id) if c.clinic_id else None
    n = session.scalar(select(func.count()).select_from(PdsaUpdate).where(PdsaUpdate.cycle_id == c.id))
    return CycleCard(c.id, c.idea_id, idea.title if idea else "", clinic.key if clinic else None,
                     c.cycle_number, c.parent_id, c.owner_user_id, c.objective, c.predictions, c.kpi_id,
                     c.status, c.act, c.started_date, c.ended_date, c.last_activity_at, int(n or 0))


def _today(session: Session, clinic_id: int | None, now: datetime) -> date:
    clinic = session.get(Clinic, clinic_id) if clinic_id else None
    return local_date(now, clinic.timezone if clinic else None)


def load_cycle(session: Session, cycle_id: int) -> PdsaCycle:
    """Raises:
        UsageError: no cycle has that id."""
    cycle = session.get(PdsaCycle, cycle_id)
    if cycle is None:
        raise UsageError(f"There is no PDSA cycle #{cycle_id}. Try `/pdsa list`.")
    return cycle


def get_cycle(session: Session, cycle_id: int) -> CycleCard:
    return _card(session, load_cycle(session, cycle_id))


def _to_testing(session: Session, idea: Idea, actor: str, now: datetime, number: int) -> None:
    """Starting a cycle puts an open idea into ``testing`` (audited like any other move)."""
    current = IdeaState(idea.state)
    if current in CLOSING:
        raise UsageError(f"Idea #{idea.id} is {current.label}; reopen it before testing it.")
    if current is IdeaState.TESTING:
        return
    idea.state = IdeaState.TESTING.value
    session.add(IdeaStateChange(idea_id=idea.id, from_state=current.value,
                                to_state=IdeaState.TESTING.value, actor_user_id=actor,
                                changed_at=now, changed_date=_today(session, idea.clinic_id, now),
                                reason=f"PDSA cycle {number} started"))


def start_cycle(session: Session, draft: CycleDraft, owner: str, now: datetime, *,
                parent_id: int | None = None, patterns: Patterns = ()) -> CycleCard:
    """Open a cycle on ``draft.idea_id`` owned by ``owner``; the idea moves to testing.

    Raises:
        IdentifiersFound: any worksheet text holds a likely patient identifier.
        UsageError: unknown or closed idea, or a cycle number already used for this idea.
        PermissionDenied: ``owner`` may not manage this idea.
    """
    ensure_clean(draft.texts(), patterns)
    idea = load(session, draft.idea_id)
    clinic = session.get(Clinic, idea.clinic_id) if idea.clinic_id else None
    ensure_can_manage(owner, clinic.key if clinic else None)
    last = session.scalar(select(func.max(PdsaCycle.cycle_number)).where(PdsaCycle.idea_id == idea.id)) or 0
    number = draft.cycle_number or last + 1
    if session.scalar(select(PdsaCycle.id).where(PdsaCycle.idea_id == idea.id,
                                                 PdsaCycle.cycle_number == number)):
        raise UsageError(f"Idea #{idea.id} already has cycle {number}; the next free number is {last + 1}.")
    _to_testing(session, idea, owner, now, number)
    cycle = PdsaCycle(idea_id=idea.id, clinic_id=idea.clinic_id, parent_id=parent_id,
                      cycle_number=number, owner_user_id=owner, kpi_id=draft.kpi_id or idea.kpi_id,
                      status="open", started_date=_today(session, idea.clinic_id, now),
                      created_at=now, last_activity_at=now, **draft.texts())
    session.add(cycle)
    session.flush()
    return _card(session, cycle)


def update_cycle(session: Session, cycle_id: int, update: CycleUpdate, author: str, now: datetime,
                 patterns: Patterns = ()) -> UpdateResult:
    """Record Do/Study notes; with an Act decision the cycle closes and:
    adopt → the idea is adopted; abandon → abandoned; adapt → cycle n+1 opens (parent = this).

    The one way a cycle closes (the update modal, and the reminder's "Close cycle", which opens
    the same modal with Act required): a cycle never closes without an Act decision, so an idea
    is never left "testing" with no open cycle and no history line.

    Raises:
        IdentifiersFound: notes hold a likely patient identifier (nothing is written).
        UsageError: unknown or closed cycle, an empty update, or an Act decision without a Study note.
    """
    ensure_clean({"observations": update.observations, "study": update.study}, patterns)
    cycle = load_cycle(session, cycle_id)
    if cycle.status != "open":
        raise UsageError(f"PDSA cycle #{cycle_id} is closed.")
    if not (update.observations.strip() or update.study.strip() or update.act):
        raise UsageError("Add an observation, a study note or an Act decision.")
    if update.act and not update.study.strip():  # a closed cycle always says what was learnt
        raise UsageError("Say what was learnt (Study) to close the cycle.")
    session.add(PdsaUpdate(cycle_id=cycle.id, author_user_id=author, created_at=now,
                           observations=update.observations, study=update.study, act=update.act))
    cycle.last_activity_at, cycle.snoozed_until = now, None
    next_card = change = None
    if update.act:
        cycle.act, cycle.status = update.act, "closed"
        cycle.ended_date = _today(session, cycle.clinic_id, now)
        idea = load(session, cycle.idea_id)
        reason = f"PDSA cycle {cycle.cycle_number}: {update.act}" + (
            f" — {update.study.strip()[:200]}" if update.study.strip() else "")
        if update.act == "adapt":
            next_card = _next_cycle(session, cycle, author, now)
        elif idea.state == IdeaState.TESTING.value:
            target = IdeaState.ADOPTED if update.act == "adopt" else IdeaState.ABANDONED
            change = change_state(session, idea.id, target, author, now, reason=reason)
    session.flush()
    return UpdateResult(_card(session, cycle), next_card, change)


def _next_cycle(session: Session, prev: PdsaCycle, owner: str, now: datetime) -> CycleCard:
    draft = CycleDraft(idea_id=prev.idea_id, objective=prev.objective, questions=prev.questions,
                       predictions=prev.predictions, plan_who=prev.plan_who, plan_what=prev.plan_what,
                       plan_when=prev.plan_when, plan_where=prev.plan_where, kpi_id=prev.kpi_id,
                       data_plan=prev.data_plan, cycle_number=prev.cycle_number + 1)
    return start_cycle(session, draft, prev.owner_user_id or owner, now, parent_id=prev.id)


def snooze(session: Session, cycle_id: int, now: datetime, days: int) -> CycleCard:
    """No reminders for ``days`` days from the clinic's today."""
    cycle = load_cycle(session, cycle_id)
    cycle.snoozed_until = _today(session, cycle.clinic_id, now) + timedelta(days=days)
    session.flush()
    return _card(session, cycle)


def list_cycles(session: Session, *, owner: str | None = None, clinic_key: str | None = None,
                open_only: bool = False, limit: int = 100) -> list[CycleCard]:
    """Cycles newest first, by owner and/or clinic key."""
    stmt = select(PdsaCycle).order_by(PdsaCycle.id.desc()).limit(limit)
    if owner:
        stmt = stmt.where(PdsaCycle.owner_user_id == owner)
    if clinic_key:
        stmt = stmt.join(Clinic, Clinic.id == PdsaCycle.clinic_id).where(Clinic.key == clinic_key)
    if open_only:
        stmt = stmt.where(PdsaCycle.status == "open")
    return [_card(session, c) for c in session.scalars(stmt)]


def cycle_marks(session: Session, kpi_id: str, clinic_id: int | None) -> list[tuple[date, str]]:
    """Chart annotations for the KPI chart: ``[(date, label)]`` sorted by date, one mark at each
    cycle's start and one at its end (when closed), for cycles measuring ``kpi_id`` in
    ``clinic_id`` (None = every clinic). Labels: "PDSA 3.1 start" = idea 3, cycle 1."""
    stmt = select(PdsaCycle).where(PdsaCycle.kpi_id == kpi_id)
    if clinic_id is not None:
        stmt = stmt.where(PdsaCycle.clinic_id == clinic_id)
    marks: list[tuple[date, str]] = []
    for c in session.scalars(stmt):
        tag = f"PDSA {c.idea_id}.{c.cycle_number}"
        marks.append((c.started_date, f"{tag} start"))
        if c.ended_date is not None:
            marks.append((c.ended_date, f"{tag} end" + (f" ({c.act})" if c.act else "")))
    return sorted(marks)
