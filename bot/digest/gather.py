"""Assembling a digest's content from the database (read-only; the caller owns the session).

Sections (in this order): KPIs against target with the change since the last digest; open and
new alerts; stale data feeds; new ideas since the last digest and ideas waiting for review; PDSA
cycles due an update; compliance deadlines within ``deadline_days``; dead deliveries (messages
that could not be delivered) since the last digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.access.audience import finance_channels, split_for
from bot.alerts.audience import is_copy
from bot.alerts.config import AlertSettings
from bot.alerts.data import clinic_feed_loads, last_feed_loads
from bot.alerts.registry import RULE_FEEDS
from bot.alerts.rules.stale import Late, overdue_feeds, stale_meaning
from bot.delivery import dead_letters, held_letters
from bot.digest.config import DigestSettings
from bot.digest.content import (
    AlertLine,
    DeadLine,
    DeadlineLine,
    DigestContent,
    FeedLine,
    IdeaLine,
    PdsaLine,
)
from bot.digest.kpis import digest_kpis, kpi_lines, with_data
from bot.digest.schedule import format_local, local_date
from bot.forecast.digest import lookahead_lines
from bot.ideas.reminders import due as pdsa_due
from bot.ideas.reminders import reminder_days
from bot.orgconfig import OrgConfig
from storage.models import AlertIncident, Clinic, ComplianceItem, Idea, IdeaVote, IncidentState

REVIEW_STATES = ("new", "under_review")


@dataclass(frozen=True)
class Previous:
    """The last digest sent to the channel: its local date, job instant (naive UTC), KPI values
    and the highest idea id it could have seen."""

    local_date: date
    at: datetime
    kpi_values: dict[str, float]
    last_idea_id: int


def _clinics(session: Session, keys: list[str]) -> list[Clinic]:
    rows = {c.key: c for c in session.scalars(select(Clinic).where(Clinic.key.in_(keys)))}
    return [rows[k] for k in keys if k in rows]


def gather(session: Session, org: OrgConfig, alerts: AlertSettings, settings: DigestSettings,
           channel: str, clinic_keys: list[str], tz: str, now: datetime,
           previous: Previous | None) -> DigestContent:
    """The digest for ``channel`` covering ``clinic_keys`` at ``now`` (naive UTC), local to ``tz``."""
    clinics = _clinics(session, clinic_keys)
    today = local_date(now, tz)
    since_at = previous.at if previous else now - timedelta(days=1)
    names = [c.name for c in clinics]
    title = names[0] if len(names) == 1 else f"{len(names)} clinics"
    content = DigestContent(title, names, today, tz, previous.local_date if previous else None)
    ids = [c.id for c in clinics]
    name_of = {c.id: c.name for c in clinics}
    withheld: dict[str, str] = {}
    for clinic in clinics:
        configured = digest_kpis(org, clinic.key, settings.kpis)
        shown, hidden = split_for([k.id for k in configured], channel, org)  # audience check
        # the clinic's own today, as /kpi and the scorecard use for it (the channel's may differ):
        # one window for the KPIs shown and for those withheld
        clinic_today = local_date(now, clinic.timezone or tz)
        # only KPIs this clinic has figures for: naming one without data would claim a gap that is not there
        hidden = with_data(session, clinic, clinic_today, settings.kpi_days, hidden)
        withheld.update((k.id, k.name) for k in configured if k.id in hidden)
        if not shown:
            continue
        lines, values = kpi_lines(session, org, clinic, clinic_today, settings.kpi_days, shown,
                                  previous.kpi_values if previous else {})
        content.kpis += lines
        content.kpi_values.update(values)
    content.kpis_withheld = list(withheld.values())
    content.kpis_shown_in = finance_channels(org) if withheld else []
    content.alerts = _alerts(session, clinics, tz, since_at)
    content.stale = _stale(session, alerts, clinics, now)
    content.stale_note = stale_meaning([f.feed for f in content.stale], RULE_FEEDS)
    max_id = session.scalar(select(func.max(Idea.id))) or 0
    content.last_idea_id = int(max_id)
    if ids:
        content.ideas_new, content.ideas_review = _ideas(session, ids, name_of, previous, today)
        content.deadlines = _deadlines(session, ids, name_of, today, settings.deadline_days)
    content.pdsa_due = _pdsa(session, set(ids), name_of, now, org)
    content.dead = _dead(session, org, channel, clinic_keys, since_at, tz)
    content.lookahead = lookahead_lines(session, [(c.id, c.name) for c in clinics], today + timedelta(days=1))
    return content


def _alerts(session: Session, clinics: list[Clinic], tz: str, since: datetime) -> list[AlertLine]:
    """Open and acknowledged alerts, and snoozed critical ones (listed as snoozed, with the
    snooze's end: a snooze must not hide a stock-out from the digest), newest first."""
    names = {c.key: c.name for c in clinics}
    if not names:
        return []
    snoozed_critical = (AlertIncident.state == IncidentState.SNOOZED) & (AlertIncident.severity == "critical")
    rows = session.scalars(select(AlertIncident).where(
        AlertIncident.clinic_key.in_(list(names)), AlertIncident.open_key.is_not(None),
        AlertIncident.state.in_([IncidentState.OPEN, IncidentState.ACKNOWLEDGED]) | snoozed_critical)
        .order_by(AlertIncident.opened_at.desc(), AlertIncident.id.desc()))
    return [AlertLine(names[i.clinic_key], i.title, i.severity, i.state, format_local(i.opened_at, tz),
                      i.opened_at > since, i.assigned_to,
                      format_local(i.snoozed_until, tz) if i.state == IncidentState.SNOOZED and i.snoozed_until else None)
            for i in rows if not is_copy(i.subject)]


def _stale(session: Session, alerts: AlertSettings, clinics: list[Clinic], now: datetime) -> list[FeedLine]:
    """The stale-data rule's overdue feeds (per clinic, each with its thresholds: a load carries
    only the clinics in its file) for the digest's clinics, each feed once, dated by the clinic
    that has waited longest; with no clinic, the feeds' latest loads."""
    if not clinics:
        return [FeedLine(feed, _when(last), float(hours))
                for feed, (last, hours) in overdue_feeds(now, last_feed_loads(session), alerts.stale_data).items()]
    loads = clinic_feed_loads(session, [c.id for c in clinics])
    late: dict[str, list[tuple[str, Late]]] = {}
    for c in clinics:
        overdue = overdue_feeds(now, loads[c.id], alerts.for_clinic(c.key).stale_data)
        for feed in overdue:
            late.setdefault(feed, []).append((c.name, overdue))
    out = []
    for feed in sorted(late):
        lasts = [o[feed][0] for _, o in late[feed]]
        oldest = None if None in lasts else min(x for x in lasts if x is not None)
        out.append(FeedLine(feed, _when(oldest), float(late[feed][0][1][feed][1]),
                            tuple(name for name, _ in late[feed]) if len(clinics) > 1 else ()))
    return out


def _when(last: datetime | None) -> str:
    return f"{last:%Y-%m-%d %H:%M} UTC" if last else "never"


def _ideas(session: Session, ids: list[int], name_of: dict[int, str], previous: Previous | None,
           today: date) -> tuple[list[IdeaLine], list[IdeaLine]]:
    votes = dict(session.execute(select(IdeaVote.idea_id, func.count()).group_by(IdeaVote.idea_id)).all())
    rows = session.scalars(select(Idea).where(Idea.clinic_id.in_(ids)).order_by(Idea.id))
    new, review = [], []
    for idea in rows:
        # ids only grow, so "new since the last digest" is exact even for anonymous ideas, whose
        # creation time is deliberately coarsened to the week
        fresh = idea.id > previous.last_idea_id if previous else idea.created_date >= today - timedelta(days=1)
        line = IdeaLine(idea.id, idea.title, name_of.get(idea.clinic_id or 0, ""), idea.state,
                        int(votes.get(idea.id, 0)))
        if fresh:
            new.append(line)
        elif idea.state in REVIEW_STATES:
            review.append(line)
    review.sort(key=lambda i: (-i.votes, i.idea_id))
    return new, review


def _pdsa(session: Session, ids: set[int], name_of: dict[int, str], now: datetime,
          org: OrgConfig) -> list[PdsaLine]:
    every = reminder_days(None, org)
    key_to_id = {k: i for i, k in session.execute(select(Clinic.id, Clinic.key).where(Clinic.id.in_(ids)))}
    out = []
    for card, _day in pdsa_due(session, now, every):
        clinic_id = key_to_id.get(card.clinic_key or "")
        if clinic_id is None:
            continue
        quiet = (now - card.last_activity_at).days
        out.append(PdsaLine(card.id, card.idea_title, name_of.get(clinic_id, ""), card.owner_user_id, quiet))
    return out


def _deadlines(session: Session, ids: list[int], name_of: dict[int, str], today: date,
               days: int) -> list[DeadlineLine]:
    horizon = today + timedelta(days=days)
    out = []
    items = session.scalars(select(ComplianceItem).where(ComplianceItem.clinic_id.in_(ids))
                            .order_by(ComplianceItem.due_date, ComplianceItem.id))
    for item in items:
        if item.status != "done" and item.due_date <= horizon:
            out.append(DeadlineLine(name_of[item.clinic_id], item.title, item.due_date,
                                    (item.due_date - today).days))
        if item.corrective_action_due is not None and item.corrective_action_due <= horizon:
            out.append(DeadlineLine(name_of[item.clinic_id], item.title, item.corrective_action_due,
                                    (item.corrective_action_due - today).days, corrective=True))
    out.sort(key=lambda d: (d.due, d.title))
    return out


def _dead(session: Session, org: OrgConfig, channel: str, clinic_keys: list[str], since: datetime,
          tz: str) -> list[DeadLine]:
    """Dead deliveries, and those held unconfirmed (issue 14), about these clinics (alert keys
    ``rule/<clinic>/…``), to their configured channels, or to this digest channel."""
    channels = {channel}
    for key in clinic_keys:
        cfg = org.clinic(key)
        if cfg is not None:
            channels |= {c for c in (cfg.channels.alerts, cfg.channels.improvement, cfg.channels.digest) if c}
    keys = set(clinic_keys)
    out = []
    for d in [*dead_letters(session, since), *held_letters(session)]:
        parts = d.key.split("/")
        if (len(parts) > 1 and parts[1] in keys) or d.channel in channels:
            out.append(DeadLine(f"{d.kind} {d.key}", d.last_error or "unknown error",
                                format_local(d.dead_at or d.created_at, tz)))
    return out
