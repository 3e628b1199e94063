"""The digest step that ends the guided tour (``opsbot demo``; the demo owner wires it in).

``digest_demo_step(ctx)`` subscribes each clinic's digest channel (org config
``channels.digest``, else ``C0DIGEST<KEY>``) at 07:30 daily, runs the digest job at the first
clinic's next local 07:30 after ``ctx.now`` and returns printable lines with the posted digest
rendered as text. ``ctx`` needs ``sessions`` and ``org``; optional: ``now`` (naive UTC; default
the current time), ``client`` (a WebClient, e.g. on the Slack stand-in; without it the digest is
queued, not sent) and ``alert_settings``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.alerts.config import AlertSettings
from bot.digest.commands import parse_digest
from bot.digest.schedule import format_local, next_run, parse_local_time
from bot.digest.subscriptions import get_subscription, subscribe
from bot.render_text import render
from jobs.runner import JobContext, run_job
from storage.db import session_scope
from storage.models import Clinic, Delivery, utcnow


def _channel(org: Any, key: str) -> str:
    cfg = org.clinic(key)
    return (cfg.channels.digest if cfg and cfg.channels.digest else f"C0DIGEST{key.upper()}")[:64]


def digest_demo_step(ctx: Any) -> list[str]:
    """Subscribe, run the job at the next local 07:30, and show what was posted."""
    now = getattr(ctx, "now", None) or utcnow()
    org = ctx.org
    lines: list[str] = []
    with session_scope(ctx.sessions) as s:
        clinics = list(s.scalars(select(Clinic).order_by(Clinic.key)))
        if not clinics:
            return ["No clinics: seed the database first (opsbot seed)."]
        for c in clinics:
            if get_subscription(s, _channel(org, c.key)) is None:
                subscribe(s, org, _channel(org, c.key), parse_digest(f"subscribe {c.key} at 07:30 daily always"),
                          None, now - timedelta(minutes=1))
        first = get_subscription(s, _channel(org, clinics[0].key))
        assert first is not None
        at = next_run(now, parse_local_time(first.local_time), first.timezone, first.days) or now
        tz = first.timezone
    lines.append(f"Digest subscriptions: {len(clinics)} channels at 07:30 local; running the job at "
                 f"{format_local(at, tz)} ({at:%Y-%m-%d %H:%M} UTC).")
    client = getattr(ctx, "client", None)
    job_ctx = JobContext(org=org, alerts=getattr(ctx, "alert_settings", None) or AlertSettings(),
                         sessions=ctx.sessions, client_factory=(lambda: client) if client is not None else None)
    outcome = run_job(job_ctx, "digest", None, at)
    summary = outcome.summary if outcome.ok else outcome.error
    if isinstance(summary, dict):  # a readable line for a manager, not a Python dict
        summary = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary.items() if not isinstance(v, dict))
    lines.append(f"Digest job: {summary}")
    with session_scope(ctx.sessions) as s:
        head = s.scalars(select(Delivery).where(Delivery.kind == "digest", Delivery.key.like("digest/%"))
                         .order_by(Delivery.id)).first()
        if head is not None:
            lines.append(f"Posted to <#{head.channel}> ({head.state}):")
            lines.append(render(head.payload.get("blocks") or []))
    return lines
