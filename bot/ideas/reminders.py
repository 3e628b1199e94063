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
