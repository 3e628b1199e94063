"""The alerts step of the guided tour (``opsbot demo``; the demo owner wires it in).

``alerts_demo_step(ctx)`` evaluates every rule for every clinic, sends what is due through the
delivery log, and returns printable lines. ``ctx`` needs ``sessions`` and ``org``; optional:
``now`` (naive UTC, default the current time; the tour passes its clock, never an instant before
the data was loaded, so evaluation, posting and acknowledgement stay in order),
``client`` (a WebClient, e.g. on the Slack stand-in; without it the alerts stay queued) and
``alert_settings`` (default: code defaults).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.alerts.config import AlertSettings
from bot.alerts.evaluate import run_alerts
from bot.delivery import deliver_pending
from storage.db import session_scope
from storage.models import utcnow


def alerts_demo_step(ctx: Any) -> list[str]:
    """Run the alert rules once and deliver; returns lines describing what happened."""
    now = getattr(ctx, "now", None) or utcnow()
    settings = getattr(ctx, "alert_settings", None) or AlertSettings()
    with session_scope(ctx.sessions) as s:
        run = run_alerts(s, ctx.org, settings, now)
        lines = [f"Alerts evaluated for {len(run.clinics)} clinics at {now:%Y-%m-%d %H:%M} UTC:"]
        for res in run.results:
            for f in res.findings:
                lines.append(f"  [{f.severity:8}] {res.clinic_key}: {f.title} — {f.lines[0] if f.lines else ''}")
        by_rule = Counter(f.rule for r in run.results for f in r.findings)
        counts = ", ".join(f"{rule.replace('_', ' ')} {n}" for rule, n in sorted(by_rule.items())) or "none"
        lines.append(f"Findings by rule: {counts}; {len(run.queued)} messages queued")
    client = getattr(ctx, "client", None)
    if client is not None:
        report = deliver_pending(ctx.sessions, client, now)
        lines.append(f"Delivered: {report.sent} sent, {report.fallback_sent} via owner DM, "
                     f"{report.failed} to retry, {report.dead} dead (see `opsbot alerts log`)")
    else:
        lines.append("Not sent (no Slack client): `opsbot jobs run deliver` sends them.")
    return lines
