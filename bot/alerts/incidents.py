"""One incident, one message: findings open, update and resolve incidents; every visible change
is a delivery (root post, in-place chat.update, or a reply in the incident's thread).

Delivery keys: root post ``rule/clinic/subject/period``; updates ``<root>#v<version>``; thread
follow-ups ``<root>/<milestone or severity>``; resolution ``<root>/resolved@<version>``. The
incident row itself is created with ``INSERT … ON CONFLICT DO NOTHING`` on ``open_key``, so two
evaluations running at once share one incident and one root post.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.alerts.model import WORSENING_MILESTONES, Finding, RuleResult
from bot.alerts.registry import rule_kpi
from bot.alerts.targets import Target
from bot.delivery import enqueue
from bot.ideas.improve import from_incident
from bot.views.alerts import IncidentCard, follow_up, format_local, incident_message
from storage.models import AlertIncident, IncidentState

RANK = {"info": 0, "no_data": 1, "warning": 1, "critical": 2}
I = IncidentState


def open_key(rule: str, clinic_key: str, subject: str) -> str:
    return f"{rule}|{clinic_key}|{subject}"


def card_for(inc: AlertIncident, target: Target) -> IncidentCard:
    detail = inc.detail or {}
    mention = f"<@{target.owner}>" if detail.get("mention_owner") and target.owner else None
    snoozed = None
    if inc.state == I.SNOOZED and inc.snoozed_until:
        snoozed = f"until {format_local(target.local(inc.snoozed_until))}"
        if inc.snooze_reason:
            snoozed += f" — {inc.snooze_reason}"
    ack = (f"<@{inc.acknowledged_by}> at {format_local(target.local(inc.acknowledged_at))}"
           if inc.acknowledged_by and inc.acknowledged_at else None)
    resolved = format_local(target.local(inc.resolved_at)) if inc.resolved_at else None
    return IncidentCard(inc.id, inc.rule, inc.title, inc.severity, inc.state, target.clinic_name,
                        tuple(detail.get("lines") or ()), mention, ack, snoozed, inc.assigned_to,
                        resolved, can_mark_done=inc.rule == "compliance",
                        improve_value=_improve_value(inc, target.clinic_name))


def _improve_value(inc: AlertIncident, clinic_name: str) -> str | None:
    start = from_incident(inc.rule, rule_kpi(inc.rule), inc.clinic_key, clinic_name, inc.detail or {})
    return start.to_value() if start else None


def push_update(session: Session, inc: AlertIncident, target: Target,
                now: datetime | None = None) -> str | None:
    """Bump the version and queue a chat.update of the incident's message; returns its key."""
    inc.version += 1
    if not inc.root_key:
        return None
    key = f"{inc.root_key}#v{inc.version}"
    queued = enqueue(session, key, None, incident_message(card_for(inc, target)), method="chat.update",
                     parent_key=inc.root_key, now=now)
    return key if queued else None


def _reply(session: Session, inc: AlertIncident, target: Target, suffix: str, line: str,
           now: datetime, who: str | None = None) -> str | None:
    """A follow-up in the incident's thread, mentioning ``who`` (a Slack user id) when given;
    its key ``<root>/<suffix>`` makes it exactly once however often the job runs."""
    key = f"{inc.root_key}/{suffix}"
    mention = f"<@{who}>" if who else None
    queued = enqueue(session, key, None, follow_up(inc.title, line, mention), parent_key=inc.root_key,
                     fallback_user=target.owner, not_before=target.not_before(now), now=now)
    return key if queued else None


def _insert(session: Session, f: Finding, target: Target, now: datetime) -> AlertIncident | None:
    detail = {"lines": list(f.lines), "facts": f.facts, "mention_owner": f.mention_owner,
              "milestones": [f.milestone] if f.milestone else []}
    values = dict(open_key=open_key(f.rule, target.clinic_key, f.subject), rule=f.rule,
                  clinic_key=target.clinic_key, subject=f.subject, state=I.OPEN, severity=f.severity,
                  title=f.title[:300], detail=detail, version=1, opened_at=now, last_seen_at=now,
                  period=f.period, root_key=f"{f.rule}/{target.clinic_key}/{f.subject}/{f.period}"[:255])
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    new_id = session.execute(insert(AlertIncident).values(**values)
                             .on_conflict_do_nothing(index_elements=["open_key"])
                             .returning(AlertIncident.id)).scalar_one_or_none()
    return session.get(AlertIncident, new_id) if new_id is not None else None


def _upsert(session: Session, f: Finding, target: Target, now: datetime) -> list[str]:
    key = open_key(f.rule, target.clinic_key, f.subject)
    inc = session.scalars(select(AlertIncident).where(AlertIncident.open_key == key)).first()
    if inc is None:
        created = _insert(session, f, target, now)
        if created is not None:
            assert created.root_key
            queued = enqueue(session, created.root_key, target.channel,
                             incident_message(card_for(created, target)), fallback_user=target.owner,
                             not_before=target.not_before(now), now=now)
            return [created.root_key] if queued else []
        inc = session.scalars(select(AlertIncident).where(AlertIncident.open_key == key)).one()
    return _refresh(session, inc, f, target, now)


def _refresh(session: Session, inc: AlertIncident, f: Finding, target: Target, now: datetime) -> list[str]:
    """Update the incident from this run's finding. A snooze holds reminders back, but a
    worsening (now critical, or a :data:`WORSENING_MILESTONES` step) lifts it, and its end
    re-notifies: both as a thread reply with a mention, never only as a silent edit (Slack does
    not notify on a mention added by ``chat.update``)."""
    keys: list[str] = []
    detail = dict(inc.detail or {})
    escalated = RANK.get(f.severity, 0) > RANK.get(inc.severity, 0)
    changed = (inc.severity != f.severity or inc.title != f.title[:300]
               or detail.get("lines") != list(f.lines))
    milestones = list(detail.get("milestones") or [])
    new_step = f.milestone is not None and f.milestone not in milestones
    if new_step:
        milestones.append(f.milestone)
    # nearer is not worse: a snooze covers a deadline approaching (info → warning); it does
    # not cover the condition turning critical or reaching a worsening milestone
    worse = (escalated and f.severity == "critical") or (new_step and f.milestone in WORSENING_MILESTONES)
    snooze_end = inc.snoozed_until if inc.state == I.SNOOZED else None
    ended = snooze_end is not None and snooze_end <= now
    if inc.state == I.SNOOZED and (ended or worse):
        inc.state, inc.snoozed_until, changed = I.OPEN, None, True
    inc.detail = {**detail, "lines": list(f.lines), "facts": f.facts,
                  "mention_owner": bool(detail.get("mention_owner")) or f.mention_owner,
                  "milestones": milestones}
    inc.severity, inc.title, inc.last_seen_at = f.severity, f.title[:300], now
    if changed:
        keys.append(push_update(session, inc, target, now) or "")
    first = f.lines[0] if f.lines else ""
    if inc.state != I.SNOOZED and (new_step or escalated):
        label = _reminder(f.milestone) if new_step and f.milestone not in WORSENING_MILESTONES else (
            str(f.milestone) if new_step else f"now {f.severity}")
        who = target.owner if f.mention_owner else None
        if snooze_end is not None:  # the snooze silenced everyone: someone is told
            label += ", snooze ended" if ended else ", snooze lifted"
            who = who or inc.assigned_to or target.owner
        suffix = f"step:{f.milestone}" if new_step else f"severity:{f.severity}"
        keys.append(_reply(session, inc, target, suffix, f"{label} — {first}", now, who) or "")
    elif ended and snooze_end is not None:
        keys.append(_reply(session, inc, target, f"snooze-end@{snooze_end:%Y%m%dT%H%M}",
                           f"snooze ended, still holds — {first}", now, inc.assigned_to or target.owner) or "")
    return [k for k in keys if k]


def _reminder(step: str | None) -> str:
    """The thread label of a compliance reminder step: "reminder (due today)", "reminder (1 day)",
    "reminder (7 days)"."""
    if step == "0":
        return "reminder (due today)"
    return f"reminder ({step} day{'' if step == '1' else 's'})"


def resolve(session: Session, inc: AlertIncident, target: Target, now: datetime, why: str) -> list[str]:
    """Resolve: free the open key, update the message in place, say why in the thread."""
    inc.state, inc.open_key, inc.resolved_at = I.RESOLVED, None, now
    keys = [push_update(session, inc, target, now)]
    keys.append(_reply(session, inc, target, f"resolved@{inc.version}", f"resolved — {why}", now))
    return [k for k in keys if k]


def apply_results(session: Session, results: list[RuleResult], target: Target, now: datetime) -> list[str]:
    """Open/update incidents for findings and resolve incidents whose subject was found fine.
    Returns the delivery keys queued (not sent: ``deliver_pending`` sends them)."""
    keys: list[str] = []
    for res in results:
        for finding in res.findings:
            keys += _upsert(session, finding, target, now)
        if res.clear:
            active = session.scalars(select(AlertIncident).where(
                AlertIncident.clinic_key == res.clinic_key, AlertIncident.rule == res.rule,
                AlertIncident.open_key.is_not(None), AlertIncident.subject.in_(sorted(res.clear)))).all()
            for inc in active:
                keys += resolve(session, inc, target, now, "the condition no longer holds")
    return keys


def active_incidents(session: Session, clinic_key: str | None = None) -> list[AlertIncident]:
    stmt = select(AlertIncident).where(AlertIncident.open_key.is_not(None)).order_by(AlertIncident.id)
    if clinic_key:
        stmt = stmt.where(AlertIncident.clinic_key == clinic_key)
    return list(session.scalars(stmt))


def detail_of(inc: AlertIncident) -> dict[str, Any]:
    return dict(inc.detail or {})
