"""Which open PDSA cycles are due a reminder, and the unique key that makes sending idempotent.

A cycle with no activity (start, update, snooze end) for ``every_days`` days is due; the
reminder's *day* is ``last activity + k × every_days`` for the largest k ≥ 1 not after today,
so a stale cycle is nudged once per period and never twice for the same day: the message goes
through the delivery log (``bot.delivery``) under the unique key :func:`reminder_key`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.ideas.clinics import local_date
from bot.ideas.pdsa import CycleCard, get_cycle
from storage.models import Clinic, PdsaCycle

DEFAULT_EVERY_DAYS = 7


def reminder_days(settings: Any = None, org: Any = None) -> int:
    """Days without an update before a reminder: ``pdsa_reminder_days`` from settings, then the
    org config, else 7. (Read with getattr: neither model declares it yet.)"""
    for source in (settings, org):
        value = getattr(source, "pdsa_reminder_days", None)
        if isinstance(value, int) and value > 0:
            return value
    return DEFAULT_EVERY_DAYS


def reminder_day(last_activity: date, today: date, every_days: int) -> date | None:
    """The reminder day now due, or None while the cycle is fresher than ``every_days``."""
    elapsed = (today - last_activity).days
    if every_days <= 0 or elapsed < every_days:
        return None
    return date.fromordinal(last_activity.toordinal() + (elapsed // every_days) * every_days)


def due(session: Session, now: datetime, every_days: int) -> list[tuple[CycleCard, date]]:
    """Open cycles due a reminder today (clinic-local), with the reminder day.

    A snooze until day S counts as activity on ``S - every_days``: the next reminder falls on S.
    """
    out = []
    for cycle in session.scalars(select(PdsaCycle).where(PdsaCycle.status == "open").order_by(PdsaCycle.id)):
        clinic = session.get(Clinic, cycle.clinic_id) if cycle.clinic_id else None
        tz = clinic.timezone if clinic else None
        anchor = local_date(cycle.last_activity_at, tz)
        if cycle.snoozed_until is not None:
            anchor = max(anchor, cycle.snoozed_until - timedelta(days=every_days))
        day = reminder_day(anchor, local_date(now, tz), every_days)
        if day is not None:
            out.append((get_cycle(session, cycle.id), day))
    return out


def reminder_key(cycle_id: int, day: date) -> str:
    """The delivery-log key of one reminder: unique per (cycle, reminder day)."""
    return f"pdsa-reminder/{cycle_id}/{day.isoformat()}"


#: days before an idea's due date its owner is reminded (and once when it is overdue)
IDEA_DUE_STEPS = (7, 1, 0)


def idea_due_step(due_date: date, today: date) -> str | None:
    """The reminder step reached: "7", "1", "0" (the smallest step ≥ days left), "overdue" after
    the due date; None while more than 7 days remain."""
    left = (due_date - today).days
    if left < 0:
        return "overdue"
    steps = [k for k in IDEA_DUE_STEPS if left <= k]
    return str(min(steps)) if steps else None


def ideas_due(session: Session, now: datetime) -> list[tuple[Any, str, str]]:
    """(idea, step, message text) for open ideas with an owner and a due date that reached a
    reminder step at their clinic's today. Sent once per (idea, due date, step): see
    :func:`idea_reminder_key`."""
    from bot.ideas.states import OPEN
    from storage.models import Idea

    out = []
    stmt = select(Idea).where(Idea.owner_user_id.is_not(None), Idea.due_date.is_not(None),
                              Idea.state.in_([s.value for s in OPEN])).order_by(Idea.id)
    for idea in session.scalars(stmt):
        if idea.due_date is None:  # excluded by the query; tells the type checker
            continue
        clinic = session.get(Clinic, idea.clinic_id) if idea.clinic_id else None
        today = local_date(now, clinic.timezone if clinic else None)
        step = idea_due_step(idea.due_date, today)
        if step is None:
            continue
        left = (idea.due_date - today).days
        when = (f"was due {idea.due_date:%A %d %B} ({-left} day{'s' if left != -1 else ''} ago)" if left < 0
                else "is due today" if left == 0 else f"is due {idea.due_date:%A %d %B} (in {left} day{'s' if left != 1 else ''})")
        out.append((idea, step, f"Reminder: idea #{idea.id} “{idea.title}”, which you own, {when}. "
                                f"Post an update or move it on with `/idea status {idea.id} …`."))
    return out


def idea_reminder_key(idea_id: int, due_date: date, step: str) -> str:
    return f"idea-due/{idea_id}/{due_date.isoformat()}/{step}"
