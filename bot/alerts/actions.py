"""What people do to an incident from Slack. Each action is recorded in ``alert_actions`` (who,
what, when), changes the incident, and queues an in-place update of its message.

Every function takes an open session (the caller commits), returns the delivery keys to send,
and raises ``UsageError`` with a user-safe message for an unknown or already resolved incident.
"""

from __future__ import annotations

import calendar
import json
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.alerts.incidents import push_update, resolve
from bot.alerts.model import MAX_SNOOZE_DAYS, NO_SUCH_ALERT
from bot.alerts.targets import Target
from bot.delivery import enqueue
from bot.errors import UsageError
from bot.phi_guard import GuardLike, ensure_clean
from storage.models import AlertAction, AlertIncident, ComplianceItem, IncidentState

I = IncidentState


def get_active(session: Session, incident_id: int) -> AlertIncident:
    inc = session.get(AlertIncident, incident_id)
    if inc is None:
        raise UsageError(NO_SUCH_ALERT)
    if inc.state == I.RESOLVED:
        raise UsageError("That alert is already resolved.")
    return inc


def _record(session: Session, inc: AlertIncident, user: str, action: str, now: datetime,
            **detail: Any) -> None:
    session.add(AlertAction(incident_id=inc.id, user_id=user, action=action, at=now,
                            detail=json.dumps(detail, default=str) if detail else None))


def acknowledge(session: Session, incident_id: int, user: str, now: datetime, target: Target) -> list[str]:
    """Open/snoozed → acknowledged, recording who and when."""
    inc = get_active(session, incident_id)
    inc.state, inc.acknowledged_by, inc.acknowledged_at = I.ACKNOWLEDGED, user, now
    inc.snoozed_until = None
    _record(session, inc, user, "acknowledge", now)
    return [k for k in [push_update(session, inc, target, now)] if k]


def snooze_until(choice: str, picked: date | None, now_local: datetime) -> datetime:
    """The clinic-local instant a snooze ends: "1d" (+1 day), "1w" (+7 days) or "date" (the
    start of ``picked``, which must be after today and at most :data:`MAX_SNOOZE_DAYS` ahead).

    Raises:
        UsageError: unknown choice, no date, or a date not in the future or too far ahead.
    """
    if choice == "1d":
        return now_local + timedelta(days=1)
    if choice == "1w":
        return now_local + timedelta(days=7)
    if choice == "date":
        if picked is None:
            raise UsageError("Pick the date the snooze should end.")
        if picked <= now_local.date():
            raise UsageError("The snooze date must be after today.")
        latest = now_local.date() + timedelta(days=MAX_SNOOZE_DAYS)
        if picked > latest:
            raise UsageError(f"A snooze lasts at most {MAX_SNOOZE_DAYS} days: pick a date up to "
                             f"{latest:%a} {latest.day} {latest:%b %Y}.")
        return datetime.combine(picked, datetime.min.time(), tzinfo=now_local.tzinfo)
    raise UsageError(f"Unknown snooze choice {choice!r}.")


def snooze(session: Session, incident_id: int, user: str, until: datetime, reason: str,
           now: datetime, target: Target, guard: GuardLike = ()) -> list[str]:
    """Snoozed until ``until`` (naive UTC): no follow-ups until then; it reopens afterwards if
    the condition still holds, and earlier if it worsens (``bot.alerts.incidents``).

    Raises:
        UsageError: empty reason, ``until`` not after ``now`` or more than
            :data:`MAX_SNOOZE_DAYS` (+1, the picked day's local midnight) ahead, or the alert is
            no longer active.
        IdentifiersFound: the reason holds a likely patient identifier (nothing is stored).
    """
    if not reason.strip():
        raise UsageError("Please give a reason for snoozing.")
    if not now < until <= now + timedelta(days=MAX_SNOOZE_DAYS + 1):
        raise UsageError(f"A snooze ends after now and lasts at most {MAX_SNOOZE_DAYS} days.")
    ensure_clean({"snooze reason": reason}, guard)
    inc = get_active(session, incident_id)
    inc.state, inc.snoozed_until, inc.snooze_reason = I.SNOOZED, until, reason.strip()[:500]
    _record(session, inc, user, "snooze", now, until=until.isoformat(), reason=reason.strip())
    return [k for k in [push_update(session, inc, target, now)] if k]


def due_for(inc: AlertIncident, target: Target, now: datetime) -> date:
    """By when the assignee is asked to act: a compliance item's due date (today when already
    overdue), else the clinic's next day (the next evaluation that re-checks the condition)."""
    today = target.local(now).date()
    due = ((inc.detail or {}).get("facts") or {}).get("due_date")
    if inc.rule == "compliance" and due:
        return max(date.fromisoformat(str(due)), today)
    return today + timedelta(days=1)


def assign(session: Session, incident_id: int, user: str, assignee: str, now: datetime,
           target: Target) -> list[str]:
    """Assign the incident and DM the assignee what is asked and by when (issue 16). The
    assignee may acknowledge, snooze and mark it done whatever their role (``bot.access``)."""
    inc = get_active(session, incident_id)
    inc.assigned_to = assignee
    _record(session, inc, user, "assign", now, assignee=assignee)
    keys = [k for k in [push_update(session, inc, target, now)] if k]
    by = due_for(inc, target, now)
    day = f"{by:%A} {by.day} {by:%B %Y}"
    asked = (f"Please complete the item and mark it done by {day}." if inc.rule == "compliance"
             else f"Please look into it and acknowledge it by {day}; the alert resolves itself once "
                  "the condition clears.")
    text = (f"<@{user}> assigned you an alert at {target.clinic_name}: *{inc.title}*. "
            f"{asked} You can use the buttons on the alert whatever your role.")
    row = enqueue(session, f"assign-dm/{inc.id}/{assignee}/{now:%Y%m%dT%H%M%S}", assignee,
                  {"text": text}, kind="alert", fallback_user=assignee, now=now)
    return keys + ([row.key] if row is not None else [])


def not_useful(session: Session, incident_id: int, user: str, now: datetime) -> list[str]:
    """Feedback only, recorded in ``alert_actions`` (who, which alert, which rule); the message
    does not change and nothing tunes thresholds from it automatically."""
    inc = session.get(AlertIncident, incident_id)
    if inc is None:
        raise UsageError(NO_SUCH_ALERT)
    _record(session, inc, user, "not_useful", now, rule=inc.rule)
    return []


def add_months(d: date, months: int) -> date:
    """``d`` plus ``months`` calendar months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def mark_done(session: Session, incident_id: int, user: str, today: date, now: datetime,
              target: Target) -> list[str]:
    """Compliance "Mark done": a recurring item rolls forward (due_date + recurrence_months), a
    one-off item becomes done; a corrective action is cleared. The incident resolves.

    Raises:
        UsageError: not a compliance alert, or the item is gone.
    """
    inc = get_active(session, incident_id)
    if inc.rule != "compliance":
        raise UsageError("Only compliance reminders can be marked done.")
    kind, _, key = inc.subject.partition(":")
    item = _item(session, inc.clinic_key, key)
    if item is None:
        raise UsageError("That compliance item no longer exists.")
    if kind == "corrective":
        item.corrective_action_due = None
        done = "corrective action closed"
    elif item.recurrence_months:
        item.completed_date = today
        item.due_date = add_months(item.due_date, item.recurrence_months)
        item.status = "open"
        done = f"done; next due {item.due_date.isoformat()}"
    else:
        item.status, item.completed_date = "done", today
        done = "done"
    _record(session, inc, user, "mark_done", now, result=done)
    return resolve(session, inc, target, now, f"marked done by <@{user}> ({done})")


def _item(session: Session, clinic_key: str, key: str) -> ComplianceItem | None:
    from storage.models import Clinic

    return session.scalars(select(ComplianceItem).join(Clinic, Clinic.id == ComplianceItem.clinic_id)
                           .where(Clinic.key == clinic_key, ComplianceItem.key == key)).first()
