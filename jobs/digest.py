"""The digest job: every few minutes, queue each subscription's digest whose local time has
come (and that was not queued today), then send them paced within Slack's rate limits.

Registered as ``digest`` (``opsbot jobs run digest``, ``opsbot digest send-due``). The scheduler
runs it on an interval (``DIGEST_INTERVAL_S``, :func:`jobs.scheduler.build_scheduler`): a missed tick only delays
a digest by one interval; a digest found more than ``digest.misfire_minutes`` late is recorded
as missed and logged, never posted hours late. What is posted is decided by data (the unique
delivery key per channel and local date), not by the scheduler firing once.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.digest.config import digest_settings
from bot.digest.pacing import Pacer, send_paced
from bot.digest.run import queue_due
from jobs.context import JobContext, JobSpec, report_job_error

log = logging.getLogger(__name__)
JOB_ID = "digest"
DIGEST_INTERVAL_S = 300


def digest_job(ctx: JobContext, clinic: str | None, now: datetime) -> dict[str, Any]:
    """Queue (each digest committed before any send) and deliver the digests due at ``now``.
    ``ctx.extra["pacer"]`` may supply a :class:`Pacer` (tests, benchmarks)."""
    settings = digest_settings(ctx.org)
    report = queue_due(ctx.sessions, ctx.org, ctx.alerts, settings, now)  # committed before any send
    for channel, exc in report.errors:
        report_job_error(f"{JOB_ID}:{channel}", now.strftime("%Y%m%dT%H%M"), exc)
    summary: dict[str, Any] = {"due": report.due, "queued": report.queued, "empty": report.empty,
                               "holiday": report.holiday, "missed": report.missed,
                               "errors": len(report.errors), "render_s": round(report.render_s, 3)}
    if not report.keys_by_channel:
        return summary
    if ctx.client_factory is None:
        summary["delivery"] = "queued only (no Slack client configured); the delivery sweep sends them"
        return summary
    pacer = ctx.extra.get("pacer") or Pacer(settings.per_channel_seconds, settings.workspace_per_minute,
                                            settings.workspace_burst)
    paced = send_paced(ctx.sessions, ctx.client_factory(), report.keys_by_channel, now, pacer)
    summary["delivery"] = {"sent": paced.report.sent, "fallback_sent": paced.report.fallback_sent,
                           "dead": paced.report.dead, "unsent": len(paced.unsent),
                           "attempts": paced.attempts, "waited_s": round(paced.waited_s, 2)}
    return summary


SPECS = (JobSpec(JOB_ID, digest_job, "Post each subscribed channel's daily digest when its local time comes"),)
