"""Job ``retention``: delete raw rows older than the horizon (``OPSBOT_RETENTION_DAYS``, default
730), daily. Aggregates are kept: the appointment roll-ups of the affected dates are rebuilt from
the raw rows *before* those rows go, and roll-up tables, alert incidents, ideas/PDSA records,
feed-load summaries and the audit log are never touched.

Deleted (each by its own date column, cutoff = the run's UTC date minus the horizon):

* ``appointments`` with ``appointment_date`` before the cutoff (patient pseudonyms go with them);
* ``import_issues`` of feed loads finished before the cutoff (line-level rejects/warnings);
* ``deliveries`` sent or dead and created before the cutoff, except those another row still
  points at (an incident's root message, a thread parent) — their payloads hold message text;
* expired ``slack_oauth_states``;
* rejects files (raw rows with patient ids, named by ``feed_loads.rejects_path``) of feed loads
  finished more than the organisation's ``rejects_retention_days`` (default 30) ago, unless a
  later import rewrote the file since (its modification time is newer).

Known limit: the KPI engine falls back to raw rows for a period once a newer feed load exists
(``storage.rollups``); a period entirely before the horizon then reads no raw rows. Keep the
horizon longer than the longest look-back anyone asks for (default two years).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from jobs.context import JobContext, JobSpec
from storage.db import session_scope
from storage.models import AlertIncident, Appointment, Delivery, DeliveryState, FeedLoad, ImportIssue, OAuthState

log = logging.getLogger(__name__)
JOB_ID = "retention"
DEFAULT_DAYS = 730


def cutoff_date(now: datetime, days: int) -> date:
    """First date kept: ``now``'s date minus ``days``."""
    return now.date() - timedelta(days=days)


def purge(session: Session, now: datetime, days: int) -> dict[str, int]:
    """Delete what is past the horizon in ``session`` (the caller commits); counts by table."""
    cutoff = cutoff_date(now, days)
    cutoff_at = datetime(cutoff.year, cutoff.month, cutoff.day)
    counts: dict[str, int] = {}
    oldest = session.scalar(select(func.min(Appointment.appointment_date)))
    if oldest is not None and oldest < cutoff:
        from bot.kpi.rollup_refresh import refresh_appointment_rollups

        refresh_appointment_rollups(session, oldest, cutoff - timedelta(days=1))  # aggregates first
        counts["appointments"] = _rows(session.execute(delete(Appointment).where(Appointment.appointment_date < cutoff)))
    old_loads = select(FeedLoad.id).where(FeedLoad.finished_at < cutoff_at)
    counts["import_issues"] = _rows(session.execute(delete(ImportIssue).where(ImportIssue.feed_load_id.in_(old_loads))))
    keep_keys = set(session.scalars(select(AlertIncident.root_key).where(AlertIncident.root_key.is_not(None))))
    keep_keys |= set(session.scalars(select(Delivery.parent_key).where(Delivery.parent_key.is_not(None))))
    stale = select(Delivery.id, Delivery.key).where(Delivery.state.in_([DeliveryState.SENT, DeliveryState.DEAD]),
                                                    Delivery.created_at < cutoff_at)
    ids = [i for i, k in session.execute(stale) if k not in keep_keys]
    counts["deliveries"] = _rows(session.execute(delete(Delivery).where(Delivery.id.in_(ids)))) if ids else 0
    counts["oauth_states"] = _rows(session.execute(delete(OAuthState).where(OAuthState.expire_at < now)))
    return counts


def purge_rejects_files(session: Session, now: datetime, days: int) -> int:
    """Delete rejects files of feed loads finished before ``now - days``; returns how many went.
    A file already gone is skipped; one rewritten after the cutoff (a later import) is kept."""
    cutoff_at = now - timedelta(days=days)
    paths = set(session.scalars(select(FeedLoad.rejects_path).where(
        FeedLoad.rejects_path.is_not(None), FeedLoad.finished_at < cutoff_at)))
    removed = 0
    for name in sorted(p for p in paths if p):
        path = Path(name)
        try:
            if datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None) >= cutoff_at:
                continue
            path.unlink()
            removed += 1
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("retention: could not delete rejects file %s: %s", path, exc.strerror)
    return removed


def _rows(result: Any) -> int:
    return int(result.rowcount or 0)


def retention_job(ctx: JobContext, clinic: str | None, now: datetime) -> dict[str, Any]:
    """Adapter for ``jobs.runner``: horizon from ``ctx.extra["retention_days"]`` (set from
    ``OPSBOT_RETENTION_DAYS`` by ``opsbot scheduler`` / ``opsbot jobs run``)."""
    days = int(ctx.extra.get("retention_days") or DEFAULT_DAYS)
    rejects_days = ctx.org.rejects_retention_days
    with session_scope(ctx.sessions) as session:
        counts = purge(session, now, days)
        counts["rejects_files"] = purge_rejects_files(session, now, rejects_days)
    log.info("retention: horizon %d days (cutoff %s): deleted %s", days, cutoff_date(now, days), counts)
    return {"horizon_days": days, "cutoff": cutoff_date(now, days).isoformat(), "deleted": counts}


SPECS = (JobSpec(JOB_ID, retention_job, "Delete raw rows past the retention horizon (aggregates kept)",
                 every_minutes=24 * 60),)
