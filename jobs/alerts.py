"""Alert jobs: ``alerts`` evaluates the rules for a clinic (or all) and sends what is due;
``deliver`` sends whatever the delivery log has due (retries, quiet-hours releases)."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from typing import Any

from bot.alerts.evaluate import run_alerts
from bot.delivery import deliver_pending
from jobs.context import JobContext, JobSpec
from storage.db import session_scope

log = logging.getLogger(__name__)


def _deliver(ctx: JobContext, now: datetime) -> dict[str, int] | str:
    if ctx.client_factory is None:
        return "not sent now (no Slack client configured); queued for the next delivery run"
    report = deliver_pending(ctx.sessions, ctx.client_factory(), now,
                             policy=ctx.extra.get("delivery_policy"))
    return {"sent": report.sent, "fallback_sent": report.fallback_sent, "failed": report.failed,
            "dead": report.dead, "deferred": report.deferred, "unconfirmed": report.unconfirmed,
            "claims_lost": report.claims_lost}


def alerts_job(ctx: JobContext, clinic: str | None, now: datetime) -> dict[str, Any]:
    """Evaluate and apply in one session (committed before any send), then deliver."""
    with session_scope(ctx.sessions) as session:
        run = run_alerts(session, ctx.org, ctx.alerts, now, clinic)
        findings = Counter(f"{f.rule}:{f.severity}" for r in run.results for f in r.findings)
        queued = len(run.queued)
    return {"clinics": run.clinics, "findings": dict(findings), "queued": queued,
            "delivery": _deliver(ctx, now)}


def deliver_job(ctx: JobContext, clinic: str | None, now: datetime) -> dict[str, Any]:
    return {"delivery": _deliver(ctx, now)}


SPECS = (JobSpec("alerts", alerts_job, "Evaluate alert rules for a clinic and send new alerts", per_clinic=True),
         JobSpec("deliver", deliver_job, "Send due deliveries (retries, quiet-hours releases)"))
