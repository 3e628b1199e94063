"""What a job is and what it is given (``JobSpec``, ``JobContext``), and the one error pipeline
for jobs (:func:`report_job_error`). The job modules import this, never the runner: the runner
runs the jobs of the explicit list in :mod:`jobs.registry`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.alerts.config import AlertSettings
from bot.errors import OpsBotError
from bot.orgconfig import OrgConfig

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
