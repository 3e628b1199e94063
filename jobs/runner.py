"""Running jobs: one registry of named jobs, one error pipeline (CONVENTIONS §7).

Every run — from the scheduler, ``opsbot jobs run`` or a test — goes through :func:`run_job`,
which gives it a correlation id, logs start and end, and turns any exception into one log line
with that id (an ``OpsBotError`` as its user-safe message, anything else with its traceback).
Jobs open their own sessions (one per run) from ``JobContext.sessions``.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.alerts.config import AlertSettings
from bot.errors import OpsBotError, UsageError
from bot.orgconfig import OrgConfig
from storage.models import utcnow

log = logging.getLogger("opsbot.jobs")


@dataclass
class JobContext:
    """What jobs need: org and alert settings, a session factory, and a factory for the Web API
    client used for delivery (None: queue only, deliver later)."""

    org: OrgConfig
    alerts: AlertSettings
    sessions: sessionmaker[Session]
    client_factory: Callable[[], WebClient] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


JobFn = Callable[[JobContext, str | None, datetime], dict[str, Any]]


@dataclass(frozen=True)
class JobSpec:
    """``per_clinic``: scheduled once per clinic on the clinic's cron in its time zone."""

    name: str
    fn: JobFn
    description: str
    per_clinic: bool = False
    # organisation-wide jobs: run every this many minutes (None: only on demand)
    every_minutes: int | None = None


JOBS: dict[str, JobSpec] = {}


def register_job(spec: JobSpec) -> JobSpec:
    """Add a job to the registry (the digest registers its own the same way)."""
    JOBS[spec.name] = spec
    return spec


@dataclass
class JobOutcome:
    job: str
    ref: str
    ok: bool
    summary: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0


def report_job_error(job: str, ref: str, exc: BaseException) -> str:
    """The single error pipeline for jobs: log with the correlation id; return the message."""
    if isinstance(exc, OpsBotError):
        log.error("job %s ref=%s failed: %s", job, ref, exc.user_message)
        return exc.user_message
    log.error("job %s ref=%s crashed: %s", job, ref, type(exc).__name__, exc_info=exc)
    return f"internal error (ref {ref})"


def run_job(ctx: JobContext, name: str, clinic: str | None = None, now: datetime | None = None) -> JobOutcome:
    """Run job ``name`` once for ``clinic`` (None: all) at ``now`` (naive UTC; default: now).
    Never raises: failures are in the outcome and in the log with the correlation id."""
    _load_builtin_jobs()
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


def _load_builtin_jobs() -> None:
    import jobs.alerts  # noqa: F401  (registers alerts, deliver)
    import jobs.drop_folder  # noqa: F401  (issue 13: registers drop_folder)
    import jobs.forecast  # noqa: F401  (registers forecast_train, issue 20)
    import jobs.pdsa_reminders  # noqa: F401  (registers pdsa_reminders)
    import jobs.retention  # noqa: F401  (registers retention)

    try:
        import jobs.digest  # noqa: F401  (optional: registered by the digest feature if present)
    except ModuleNotFoundError as exc:
        if exc.name != "jobs.digest":
            raise
