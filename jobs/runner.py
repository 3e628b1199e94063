"""Running jobs: the explicit list of jobs (:mod:`jobs.registry`), one error pipeline (CONVENTIONS §7).

Every run — from the scheduler, ``opsbot jobs run`` or a test — goes through :func:`run_job`,
which gives it a correlation id, logs start and end, and turns any exception into one log line
with that id (an ``OpsBotError`` as its user-safe message, anything else with its traceback).
Jobs open their own sessions (one per run) from ``JobContext.sessions``.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import datetime

from bot.errors import UsageError
from jobs.context import JobContext, JobFn, JobOutcome, JobSpec, report_job_error
from jobs.registry import JOBS
from storage.models import utcnow

log = logging.getLogger("opsbot.jobs")

__all__ = ["JOBS", "JobContext", "JobFn", "JobOutcome", "JobSpec", "report_job_error", "run_job"]


def run_job(ctx: JobContext, name: str, clinic: str | None = None, now: datetime | None = None) -> JobOutcome:
    """Run job ``name`` once for ``clinic`` (None: all) at ``now`` (naive UTC; default: now).
    Never raises: failures are in the outcome and in the log with the correlation id."""
    ref = uuid.uuid4().hex[:8]
    start = time.monotonic()
    spec = JOBS.get(name)
    if spec is None:
        msg = report_job_error(name, ref, UsageError(f"Unknown job {name!r}; jobs: {', '.join(sorted(JOBS))}"))
        return JobOutcome(name, ref, False, error=msg)
    log.debug("job %s ref=%s clinic=%s start", name, ref, clinic or "*")
    try:
        summary = spec.fn(ctx, clinic, now or utcnow())
    except Exception as exc:  # noqa: BLE001 - the one pipeline; the scheduler thread survives
        return JobOutcome(name, ref, False, error=report_job_error(name, ref, exc),
                          seconds=time.monotonic() - start)
    elapsed = time.monotonic() - start
    # a run that found nothing to do (every 30 s for the delivery sweep) is not news (issue 17)
    log.log(logging.DEBUG if _idle(summary) else logging.INFO, "job %s ref=%s done in %.2fs: %s",
            name, ref, elapsed, summary)
    return JobOutcome(name, ref, True, summary, seconds=elapsed)


def _idle(summary: object) -> bool:
    """True when a job's summary holds only zeros and empty collections (nothing was done)."""
    if isinstance(summary, dict):
        return all(_idle(v) for v in summary.values())
    if isinstance(summary, list | tuple | set):
        return all(_idle(v) for v in summary)
    if isinstance(summary, bool):
        return not summary
    if isinstance(summary, int | float):
        return summary == 0
    return summary is None
