"""One pass of the digest job: find the subscriptions whose local time has come, assemble and
render each due digest, and queue it in the exactly-once delivery log (one short transaction per digest).

Exactly once per channel and local date, whatever fires when: the head message's delivery key is
``digest/<channel>/<local date>`` (inserted ``ON CONFLICT DO NOTHING`` before anything is sent,
so a second scheduler, a re-run or a repeated daylight-saving hour queues nothing), the thread
parts are ``…/<n>`` under it, and ``digest_runs`` has one row per (channel, local date) — also
for digests skipped as empty, on holidays, or missed (found more than ``misfire`` late; logged).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.alerts.config import AlertSettings
from bot.delivery import enqueue
from bot.digest.config import DigestSettings
from bot.digest.content import DigestContent
from bot.digest.gather import Previous, gather
from bot.digest.schedule import Due, due_occurrences, parse_local_time
from bot.digest.subscriptions import holiday_conf
from bot.orgconfig import OrgConfig
from bot.views.digest import DigestMessage, digest_message
from storage.db import session_scope
from storage.models import DigestRun, DigestSubscription

log = logging.getLogger(__name__)


def head_key(channel: str, day: date) -> str:
    return f"digest/{channel}/{day.isoformat()}"


@dataclass
class QueueReport:
    """What one pass did. ``keys_by_channel``: delivery keys queued, head first, per channel."""

    due: int = 0
    queued: int = 0
    empty: int = 0
    holiday: int = 0
    missed: int = 0
    errors: list[tuple[str, BaseException]] = field(default_factory=list)
    keys_by_channel: dict[str, list[str]] = field(default_factory=dict)
    render_s: float = 0.0


def previous_run(session: Session, channel: str, before: date) -> Previous | None:
    run = session.scalars(select(DigestRun).where(DigestRun.channel_id == channel, DigestRun.status == "sent",
                                                  DigestRun.local_date < before)
                          .order_by(DigestRun.local_date.desc()).limit(1)).first()
    if run is None:
        return None
    return Previous(run.local_date, run.created_at, dict(run.kpi_values or {}), run.last_idea_id)


def _record(session: Session, sub: DigestSubscription, occ: Due, status: str, now: datetime,
            **values: Any) -> bool:
    """Insert the run row unless one exists for (channel, date); True when this call inserted it."""
    row = dict(subscription_id=sub.id, channel_id=sub.channel_id, local_date=occ.local_date, status=status,
               scheduled_at=occ.scheduled_at, created_at=now, parts=0, kpi_values={}, last_idea_id=0)
    row.update(values)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(DigestRun).values(**row).on_conflict_do_nothing(index_elements=["channel_id", "local_date"])
    return session.execute(stmt.returning(DigestRun.id)).scalar_one_or_none() is not None


def build(session: Session, org: OrgConfig, alerts: AlertSettings, settings: DigestSettings,
          sub: DigestSubscription, now: datetime, *, preview: bool = False,
          day: date | None = None) -> tuple[DigestContent, DigestMessage]:
    """The content and rendered message of ``sub``'s digest at ``now`` (also for previews)."""
    from bot.digest.schedule import local_date

    today = day or local_date(now, sub.timezone)
    content = gather(session, org, alerts, settings, sub.channel_id, list(sub.clinic_keys), sub.timezone, now,
                     previous_run(session, sub.channel_id, today + timedelta(days=1) if preview else today))
    message = digest_message(content, templates=settings.templates, max_items=settings.max_items,
                             deadline_days=settings.deadline_days, preview=preview)
    return content, message


def _owner(org: OrgConfig, sub: DigestSubscription) -> str | None:
    cfg = org.clinic(sub.clinic_keys[0]) if sub.clinic_keys else None
    return cfg.owner if cfg else None


def _queue_one(session: Session, org: OrgConfig, alerts: AlertSettings, settings: DigestSettings,
               sub: DigestSubscription, occ: Due, now: datetime, report: QueueReport) -> None:
    import time

    if occ.holiday:
        if _record(session, sub, occ, "holiday", now):
            report.holiday += 1
            log.info("digest %s %s skipped: holiday (%s)", sub.channel_id, occ.local_date, occ.holiday)
        return
    if occ.late:
        if _record(session, sub, occ, "missed", now):
            report.missed += 1
            log.warning("digest %s %s missed: found %s after its time %s UTC (misfire limit %s); not sent",
                        sub.channel_id, occ.local_date, now - occ.scheduled_at, occ.scheduled_at, settings.misfire)
        return
    report.due += 1
    started = time.perf_counter()
    content, message = build(session, org, alerts, settings, sub, now, day=occ.local_date)
    report.render_s += time.perf_counter() - started
    if content.is_empty and sub.skip_when_empty:
        if _record(session, sub, occ, "empty", now):
            report.empty += 1
        return
    head = head_key(sub.channel_id, occ.local_date)
    owner = _owner(org, sub)
    if enqueue(session, head, sub.channel_id, {"text": message.texts[0], "blocks": message.parts[0]},
               kind="digest", fallback_user=owner, now=now) is None:
        return  # another run queued this digest already
    keys = [head]
    for i, (blocks, text) in enumerate(zip(message.parts[1:], message.texts[1:], strict=True), start=1):
        key = f"{head}/{i}"
        enqueue(session, key, sub.channel_id, {"text": text, "blocks": blocks}, kind="digest",
                parent_key=head, now=now)
        keys.append(key)
    _record(session, sub, occ, "sent", now, delivery_key=head, parts=len(keys),
            kpi_values=content.kpi_values, last_idea_id=content.last_idea_id)
    report.queued += 1
    report.keys_by_channel[sub.channel_id] = keys


def queue_due(sessions: sessionmaker[Session], org: OrgConfig, alerts: AlertSettings, settings: DigestSettings,
              now: datetime) -> QueueReport:
    """Queue every digest due at ``now`` (naive UTC), each digest in its own short transaction
    (a network of hundreds of channels never holds the database's write lock for the whole run).
    A failing digest is rolled back and reported in ``errors``; the others go on."""
    report = QueueReport()
    due: list[tuple[int, str, Due]] = []
    with session_scope(sessions) as session:
        for sub in session.scalars(select(DigestSubscription).order_by(DigestSubscription.id)):
            try:
                due += [(sub.id, sub.channel_id, occ) for occ in due_occurrences(
                    now, parse_local_time(sub.local_time), sub.timezone, sub.days, settings.misfire,
                    holiday_conf(org, next(iter(sub.clinic_keys or ()), None))) if occ.scheduled_at >= sub.created_at]
            except Exception as exc:  # noqa: BLE001 - e.g. an unknown holiday country: report, go on
                report.errors.append((sub.channel_id, exc))
        if not due:
            return report  # the common case: most runs of the day have nothing to do
        done = set(session.execute(select(DigestRun.channel_id, DigestRun.local_date)
                                   .where(DigestRun.local_date >= (now - timedelta(days=2)).date())).all())
    for sub_id, channel, occ in due:
        if (channel, occ.local_date) in done:
            continue
        try:
            with session_scope(sessions) as session:
                current = session.get(DigestSubscription, sub_id)
                if current is not None:  # unsubscribed meanwhile
                    _queue_one(session, org, alerts, settings, current, occ, now, report)
        except Exception as exc:  # noqa: BLE001 - one broken digest must not stop the others
            report.errors.append((channel, exc))
    return report
