"""Frontline improvement: ideas, votes, comments, state changes, PDSA cycles and their reminders.

Anonymity (issue 5): an anonymous idea stores no Slack user id anywhere (``submitter_user_id``
None, its creation ``IdeaStateChange`` has no actor, no vote is added for it) and no exact time:
``created_at`` stays None and ``created_date`` is coarsened to the Monday of the submission week.
Votes carry no time at all, so a vote cannot be lined up with a submission.

Reminders for stale cycles are de-duplicated by the generic delivery log (``deliveries``, key
``pdsa-reminder/<cycle>/<day>``), not by a table of their own.

PDSA: Institute for Healthcare Improvement "PDSA Worksheet for Testing Change" (objective,
questions and predictions, plan who/what/when/where, data plan, Do, Study, Act).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class Idea(Base):
    """One improvement idea. ``state`` is a ``bot.ideas.states.IdeaState`` value."""

    __tablename__ = "ideas"
    __table_args__ = (Index("ix_ideas_clinic_state", "clinic_id", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinics.id"), index=True)
    title: Mapped[str] = mapped_column(String(150))
    title_folded: Mapped[str] = mapped_column(String(150))  # core.text.fold, for fuzzy matching
    problem: Mapped[str] = mapped_column(Text)
    proposed_change: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    kpi_id: Mapped[str | None] = mapped_column(String(64))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    submitter_user_id: Mapped[str | None] = mapped_column(String(32), index=True)
    state: Mapped[str] = mapped_column(String(20), default="new")
    owner_user_id: Mapped[str | None] = mapped_column(String(32), index=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[str | None] = mapped_column(Text)
    # exact instant for named ideas only; anonymous ideas keep only the week (created_date)
    created_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_date: Mapped[date] = mapped_column(Date)
    # where the idea card was posted (named ideas only: a message ts is an exact time)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))


class IdeaVote(Base):
    """One upvote; one per person per idea (unique), deliberately without a timestamp."""

    __tablename__ = "idea_votes"
    __table_args__ = (UniqueConstraint("idea_id", "user_id", name="uq_idea_votes_idea_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(32))


class IdeaComment(Base):
    """A note on an idea (e.g. a merged duplicate). Anonymous authors leave ``author_user_id`` None."""

    __tablename__ = "idea_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    author_user_id: Mapped[str | None] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    created_date: Mapped[date] = mapped_column(Date)


class IdeaStateChange(Base):
    """Audit row for every state change (who, when, from, to, why). ``from_state`` None = creation."""

    __tablename__ = "idea_state_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor_user_id: Mapped[str | None] = mapped_column(String(32))
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    changed_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)


class PdsaCycle(Base):
    """One Plan-Do-Study-Act cycle testing an idea; ``parent_id`` links an adapted follow-up."""

    __tablename__ = "pdsa_cycles"
    __table_args__ = (
        UniqueConstraint("idea_id", "cycle_number", name="uq_pdsa_cycles_idea_number"),
        Index("ix_pdsa_cycles_kpi_clinic", "kpi_id", "clinic_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinics.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("pdsa_cycles.id"))
    cycle_number: Mapped[int] = mapped_column(Integer, default=1)
    owner_user_id: Mapped[str] = mapped_column(String(32), index=True)
    objective: Mapped[str] = mapped_column(Text)
    questions: Mapped[str] = mapped_column(Text, default="")
    predictions: Mapped[str] = mapped_column(Text, default="")
    plan_who: Mapped[str] = mapped_column(Text, default="")
    plan_what: Mapped[str] = mapped_column(Text, default="")
    plan_when: Mapped[str] = mapped_column(Text, default="")
    plan_where: Mapped[str] = mapped_column(Text, default="")
    kpi_id: Mapped[str | None] = mapped_column(String(64))
    data_plan: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    act: Mapped[str | None] = mapped_column(String(16))  # adopt | adapt | abandon
    started_date: Mapped[date] = mapped_column(Date)
    ended_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    snoozed_until: Mapped[date | None] = mapped_column(Date)


class PdsaUpdate(Base):
    """A Do / Study / Act entry on a cycle (the worksheet's lower half), newest last."""

    __tablename__ = "pdsa_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("pdsa_cycles.id", ondelete="CASCADE"), index=True)
    author_user_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    observations: Mapped[str] = mapped_column(Text, default="")
    study: Mapped[str] = mapped_column(Text, default="")
    act: Mapped[str | None] = mapped_column(String(16))

