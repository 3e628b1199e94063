"""The APScheduler 3.x scheduler: per-clinic cron jobs in each clinic's IANA time zone, plus the
delivery sweep. ``opsbot scheduler`` runs it as its own process (the supported production setup).

Choices (CONVENTIONS §7): explicit job ids (``alerts:<clinic>``, ``deliver``); ``coalesce=True``
(several missed runs become one); ``max_instances=1`` (a slow run is never overlapped by the
next); ``misfire_grace_time`` 1 hour for the daily evaluation (a scheduler restarted at 07:40
still runs the 07:00 job; a day-old run is skipped, the next one catches up) and one interval
for the delivery sweep. Nothing relies on firing exactly once: what is posted is decided by the
delivery log's unique keys, so a daylight-saving repeat or a second scheduler posts nothing twice.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from jobs.context import JobContext, report_job_error
from jobs.digest import DIGEST_INTERVAL_S
from jobs.registry import JOBS
from jobs.runner import run_job
from storage.db import session_scope
from storage.models import Clinic

log = logging.getLogger("opsbot.scheduler")
ALERTS_MISFIRE_S = 3600


def clinic_zones(ctx: JobContext) -> dict[str, str]:
    """Clinic key → IANA zone: the org config's, else the database's."""
    with session_scope(ctx.sessions) as s:
        zones = {key: tz or "UTC" for key, tz in s.execute(select(Clinic.key, Clinic.timezone))}
    for c in ctx.org.clinics:
        zones[c.key] = c.timezone
    return zones


def _on_event(event: JobExecutionEvent) -> None:
    if event.code == EVENT_JOB_MISSED:
        log.warning("job %s missed its run at %s (beyond misfire_grace_time)", event.job_id,
                    event.scheduled_run_time)
    elif event.exception is not None:  # run_job never raises; this is the scheduler's own failure
        report_job_error(event.job_id, "scheduler", event.exception)


def schedule_clinics(sched: BaseScheduler, ctx: JobContext) -> int:
    """(Re)schedule every per-clinic job for every clinic in ``ctx.org`` and the database (after
    an organisation-file reload too: new clinics get their jobs, changed zones or crons are
    replaced). Returns how many jobs were scheduled."""
    run = sched.opsbot_run
    count = 0
    for key, tz in sorted(clinic_zones(ctx).items()):
        for spec in JOBS.values():
            if not spec.per_clinic:
                continue
            cron = ctx.alerts.for_clinic(key).schedule
            trigger = cron.trigger(ZoneInfo(tz))
            sched.add_job(run, trigger, args=[ctx, spec.name], kwargs={"clinic": key},
                          id=f"{spec.name}:{key}", name=f"{spec.name} for {key}",
                          misfire_grace_time=ALERTS_MISFIRE_S, coalesce=True, max_instances=1,
                          replace_existing=True)
            count += 1
    return count


def build_scheduler(ctx: JobContext, *, blocking: bool = False, delivery_interval_s: int = 30,
                    lease: Any = None, metrics: Any = None) -> BaseScheduler:
    """A configured, not yet started scheduler. With ``lease`` (a ``jobs.lease.LeaseKeeper``)
    every run goes through ``jobs.lease.guarded``: it runs only while this process holds the
    lease (issue 9: a standby scheduler runs the same jobs and skips them)."""
    run = run_job
    if lease is not None:
        from jobs.lease import guarded

        run = guarded(run_job, lease, metrics)
    kind = BlockingScheduler if blocking else BackgroundScheduler
    sched = kind(timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1})
    sched.opsbot_run = run  # schedule_clinics after an org-file reload
    schedule_clinics(sched, ctx)
    for spec in JOBS.values():
        if spec.per_clinic or not spec.every_minutes or spec.name == "deliver":
            continue
        sched.add_job(run, IntervalTrigger(minutes=spec.every_minutes), args=[ctx, spec.name],
                      id=spec.name, name=spec.description, misfire_grace_time=spec.every_minutes * 60,
                      coalesce=True, max_instances=1, replace_existing=True)
    sched.add_job(run, IntervalTrigger(seconds=delivery_interval_s), args=[ctx, "deliver"],
                  id="deliver", name="delivery sweep", misfire_grace_time=delivery_interval_s,
                  coalesce=True, max_instances=1, replace_existing=True)
    if "digest" in JOBS and sched.get_job("digest") is None:  # issue 9: the digest's interval job, leased
        sched.add_job(run, IntervalTrigger(seconds=DIGEST_INTERVAL_S), args=[ctx, "digest"], id="digest",
                      name="daily digest (due subscriptions)", misfire_grace_time=DIGEST_INTERVAL_S,
                      coalesce=True, max_instances=1, replace_existing=True)
    if ctx.extra.get("drop_dir"):  # issue 13: the practice's daily files, imported as they arrive
        every = int(ctx.extra.get("drop_interval_s") or 300)
        sched.add_job(run, IntervalTrigger(seconds=every), args=[ctx, "drop_folder"], id="drop_folder",
                      next_run_time=datetime.now(UTC),
                      name="drop folder import", misfire_grace_time=every, coalesce=True, max_instances=1,
                      replace_existing=True)
    sched.add_listener(_on_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    return sched
