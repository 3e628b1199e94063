"""Ideas: submit, show, list, upvote, merge and move through the lifecycle (no Slack here).

Every function takes an open ``Session`` (the caller owns the transaction) and the naive-UTC
``now``; they return :class:`IdeaCard` snapshots that the views render.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.delivery import enqueue
from bot.errors import UsageError
from bot.ideas.clinics import local_date, resolve_clinic, week_start
from bot.ideas.permissions import ensure_can_manage
from bot.ideas.states import CATEGORIES, OPEN, IdeaState, check_transition, is_overdue
from bot.orgconfig import OrgConfig
from bot.phi_guard import GuardLike, ensure_clean
from core.text import fold
from storage.models import Clinic, Idea, IdeaComment, IdeaStateChange, IdeaVote

Patterns = GuardLike


class IdeaDraft(BaseModel):
    """What the idea form collects. Lengths match the modal's ``max_length``."""

    title: str = Field(min_length=1, max_length=150)
    problem: str = Field(default="", max_length=3000)
    proposed_change: str = Field(default="", max_length=3000)
    category: str = "other"
    clinic_key: str | None = None
    kpi_id: str | None = None
    anonymous: bool = False

    @field_validator("title")
    @classmethod
    def _strip(cls, v: str) -> str:
        v = " ".join(v.split())
        if not v:
            raise ValueError("a title is needed")
        return v

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        if v not in CATEGORIES:
            raise ValueError(f"unknown category {v!r}")
        return v


@dataclass(frozen=True)
class IdeaCard:
    """A read-only snapshot of an idea for rendering; ``overdue`` is as of the clinic's today."""

    id: int
    title: str
    problem: str
    proposed_change: str
    category: str
    clinic_key: str | None
    clinic_name: str | None
    kpi_id: str | None
    anonymous: bool
    submitter_user_id: str | None
    state: IdeaState
    owner_user_id: str | None
    due_date: date | None
    close_reason: str | None
    created_date: date
    votes: int
    overdue: bool
    channel_id: str | None = None
    message_ts: str | None = None


@dataclass(frozen=True)
class StateChanged:
    card: IdeaCard
    from_state: IdeaState
    to_state: IdeaState
    reason: str | None


def _card(session: Session, idea: Idea, now: datetime) -> IdeaCard:
    clinic = session.get(Clinic, idea.clinic_id) if idea.clinic_id else None
    votes = session.scalar(select(func.count()).select_from(IdeaVote).where(IdeaVote.idea_id == idea.id)) or 0
    today = local_date(now, clinic.timezone if clinic else None)
    return IdeaCard(
        id=idea.id, title=idea.title, problem=idea.problem, proposed_change=idea.proposed_change,
        category=idea.category, clinic_key=clinic.key if clinic else None,
        clinic_name=clinic.name if clinic else None, kpi_id=idea.kpi_id, anonymous=idea.anonymous,
        submitter_user_id=idea.submitter_user_id, state=IdeaState(idea.state),
        owner_user_id=idea.owner_user_id, due_date=idea.due_date, close_reason=idea.close_reason,
        created_date=idea.created_date, votes=int(votes),
        overdue=is_overdue(idea.state, idea.due_date, today),
        channel_id=idea.channel_id, message_ts=idea.message_ts,
    )


def submit_idea(session: Session, org: OrgConfig, draft: IdeaDraft, user_id: str, now: datetime,
                patterns: Patterns = ()) -> IdeaCard:
    """Store a new idea (state ``new``) and its creation audit row.

    Anonymous ideas store no user id anywhere and only the Monday of the submission week
    (clinic-local); named ideas store the submitter, the exact instant and the local date.

    Raises:
        IdentifiersFound: title, problem or proposed change holds a likely patient identifier
            (checked before anything is written).
        UsageError: unknown clinic.
    """
    ensure_clean({"title": draft.title, "problem": draft.problem,
                  "proposed_change": draft.proposed_change}, patterns)
    clinic = resolve_clinic(session, org, draft.clinic_key)
    day = local_date(now, clinic.timezone if clinic else None)
    anon = draft.anonymous
    idea = Idea(
        clinic_id=clinic.id if clinic else None, title=draft.title,
        title_folded=fold(draft.title)[:150], problem=draft.problem,
        proposed_change=draft.proposed_change, category=draft.category, kpi_id=draft.kpi_id,
        anonymous=anon, submitter_user_id=None if anon else user_id, state=IdeaState.NEW.value,
        created_at=None if anon else now, created_date=week_start(day) if anon else day,
    )
    session.add(idea)
    session.flush()
    session.add(IdeaStateChange(
        idea_id=idea.id, from_state=None, to_state=IdeaState.NEW.value,
        actor_user_id=None if anon else user_id, changed_at=None if anon else now,
        changed_date=idea.created_date, reason=None,
    ))
    session.flush()
    return _card(session, idea, now)


def load(session: Session, idea_id: int) -> Idea:
    """Raises:
        UsageError: no idea has that id."""
    idea = session.get(Idea, idea_id)
    if idea is None:
        raise UsageError(f"There is no idea #{idea_id}. Try `/idea list`.")
    return idea


def get_card(session: Session, idea_id: int, now: datetime) -> IdeaCard:
    """The idea as a card. Raises ``UsageError`` when it does not exist."""
    return _card(session, load(session, idea_id), now)


def record_post(session: Session, idea_id: int, channel_id: str, message_ts: str) -> None:
    """Remember where a named idea's card was posted (anonymous ideas keep no message ts:
    it is the exact submission second)."""
    idea = load(session, idea_id)
    if not idea.anonymous:
        idea.channel_id, idea.message_ts = channel_id, message_ts


def upvote(session: Session, idea_id: int, user_id: str, now: datetime) -> tuple[bool, IdeaCard]:
    """Add ``user_id``'s vote (one per person: a unique constraint backs the check).

    Returns ``(added, card)``; ``added`` is False when the person had already voted.
    """
    load(session, idea_id)
    exists = session.scalar(select(IdeaVote.id).where(IdeaVote.idea_id == idea_id,
                                                      IdeaVote.user_id == user_id))
    added = False
    if exists is None:
        try:
            with session.begin_nested():
                session.add(IdeaVote(idea_id=idea_id, user_id=user_id))
            added = True
        except IntegrityError:  # a concurrent click by the same person won the race
            added = False
    return added, get_card(session, idea_id, now)


def merge_into(session: Session, target_id: int, draft: IdeaDraft, user_id: str, now: datetime,
               patterns: Patterns = ()) -> IdeaCard:
    """Fold a would-be duplicate into idea ``target_id``: its text becomes a comment, and a named
    author's vote is added. An anonymous author's comment has no author and adds no vote.

    Raises:
        IdentifiersFound: the draft holds a likely patient identifier.
        UsageError: no such idea.
    """
    ensure_clean({"title": draft.title, "problem": draft.problem,
                  "proposed_change": draft.proposed_change}, patterns)
    target = load(session, target_id)
    clinic = session.get(Clinic, target.clinic_id) if target.clinic_id else None
    day = local_date(now, clinic.timezone if clinic else None)
    body = "\n".join(p for p in (f"Merged duplicate: {draft.title}", draft.problem,
                                 draft.proposed_change) if p)
    session.add(IdeaComment(idea_id=target_id, author_user_id=None if draft.anonymous else user_id,
                            body=body, created_date=week_start(day) if draft.anonymous else day))
    session.flush()
    if draft.anonymous:
        return get_card(session, target_id, now)
    return upvote(session, target_id, user_id, now)[1]


def notify_owner(session: Session, idea: Idea, actor: str, state: IdeaState, now: datetime) -> None:
    """Queue a direct message to the idea's owner: what is asked (the idea, its new state) and
    by when (the due date, or none set). Sent by the delivery sweep (issue 16)."""
    by = f"by {idea.due_date:%A %d %B %Y}" if idea.due_date else "no due date set yet"
    text = (f"<@{actor}> made you the owner of idea #{idea.id} “{idea.title}” (now {state.value.replace('_', ' ')}). "
            f"You are asked to take it forward — plan and run the change, and post updates — {by}. "
            f"You will be reminded as the due date approaches.")
    enqueue(session, f"idea-owner-dm/{idea.id}/{idea.owner_user_id}/{now:%Y%m%dT%H%M%S}", idea.owner_user_id,
            {"text": text}, kind="idea", fallback_user=idea.owner_user_id, now=now)


def change_state(session: Session, idea_id: int, target: IdeaState, actor: str, now: datetime, *,
                 reason: str | None = None, owner: str | None = None, due: date | None = None,
                 patterns: Patterns = ()) -> StateChanged:
    """Move an idea, recording who/when/from/to/why; closing states need a reason.

    Raises:
        PermissionDenied: ``actor`` may not manage ideas (see ``permissions``).
        UsageError: unknown idea, disallowed move, or missing reason.
        IdentifiersFound: the reason holds a likely patient identifier.
    """
    idea = load(session, idea_id)
    clinic = session.get(Clinic, idea.clinic_id) if idea.clinic_id else None
    ensure_can_manage(actor, clinic.key if clinic else None)
    current = IdeaState(idea.state)
    check_transition(current, target, reason)
    ensure_clean({"reason": reason}, patterns)
    today = local_date(now, clinic.timezone if clinic else None)
    if due is not None and due < today:
        raise UsageError(f"The due date {due.isoformat()} is in the past (today is {today.isoformat()} at "
                         f"the clinic); pick today or a later day.")
    reason = (reason or "").strip() or None
    new_owner = bool(owner) and owner != idea.owner_user_id
    new_due = due is not None and due != idea.due_date
    idea.state = target.value
    if owner:
        idea.owner_user_id = owner
    if due:
        idea.due_date = due
    if idea.owner_user_id and (new_owner or new_due):
        notify_owner(session, idea, actor, target, now)
    if reason:
        idea.close_reason = reason if target not in OPEN else idea.close_reason
    session.add(IdeaStateChange(
        idea_id=idea.id, from_state=current.value, to_state=target.value, actor_user_id=actor,
        changed_at=now, changed_date=local_date(now, clinic.timezone if clinic else None),
        reason=reason,
    ))
    session.flush()
    return StateChanged(_card(session, idea, now), current, target, reason)


def list_cards(session: Session, now: datetime, *, clinic_key: str | None = None,
               states: Iterable[IdeaState] | None = None, submitter: str | None = None,
               owner: str | None = None, limit: int = 100) -> list[IdeaCard]:
    """Ideas newest first, filtered by clinic key, states, submitter or owner."""
    stmt = select(Idea).order_by(Idea.id.desc()).limit(limit)
    if clinic_key:
        stmt = stmt.join(Clinic, Clinic.id == Idea.clinic_id).where(Clinic.key == clinic_key)
    if states is not None:
        stmt = stmt.where(Idea.state.in_([s.value for s in states]))
    if submitter:
        stmt = stmt.where(Idea.submitter_user_id == submitter)
    if owner:
        stmt = stmt.where(Idea.owner_user_id == owner)
    return [_card(session, idea, now) for idea in session.scalars(stmt)]


@dataclass(frozen=True)
class HistoryEntry:
    from_state: str | None
    to_state: str
    actor_user_id: str | None
    changed_date: date
    reason: str | None


def history(session: Session, idea_id: int) -> list[HistoryEntry]:
    """The idea's state changes, oldest first (creation first, ``from_state`` None)."""
    rows = session.scalars(select(IdeaStateChange).where(IdeaStateChange.idea_id == idea_id)
                           .order_by(IdeaStateChange.id))
    return [HistoryEntry(r.from_state, r.to_state, r.actor_user_id, r.changed_date, r.reason) for r in rows]
