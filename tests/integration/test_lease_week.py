"""Two scheduler processes share the lease for a simulated week (fake clock, 15-minute ticks)
over a network in six time zones, against one Slack stand-in, on SQLite and PostgreSQL.

Each tick the coordinator hands the same instant to every live scheduler process at once; each
tries to take/renew the lease (TTL 30 simulated minutes) and, only while holding it, runs what the
real scheduler would: the clinics' cron alert evaluations due in the tick (APScheduler's own
triggers from ``build_scheduler``), the digest job and the delivery sweep. Mid-week the leader is
killed without releasing the lease just before New York's 07:00 evaluation; the standby takes over
after expiry and catches up that run. A restarted process then waits as standby.

Expected digests come from the published UTC offsets (EDT −4, PDT −7, GMT 0, CET +1, JST +9,
HST −10 for 2026-03-09..16, after the US change of 03-08 and before the EU change of 03-29).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.alerts.config import AlertSettings
from bot.orgconfig import OrgConfig
from devtools.standin import SlackStandIn
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Clinic, ComplianceItem, Delivery

START, END = datetime(2026, 3, 9, 0, 0), datetime(2026, 3, 16, 0, 0)
TICK, TTL, CATCH_UP = timedelta(minutes=15), timedelta(minutes=30), timedelta(minutes=60)
CRASH_AT = datetime(2026, 3, 11, 11, 0)  # 07:00 EDT in New York: the leader dies right before it
RESTART_AT = datetime(2026, 3, 12, 0, 0)
ZONES = {"east": ("America/New_York", -4), "west": ("America/Los_Angeles", -7), "london": ("Europe/London", 0),
         "berlin": ("Europe/Berlin", 1), "tokyo": ("Asia/Tokyo", 9), "hawaii": ("Pacific/Honolulu", -10)}
ORG = {"clinics": [{"key": k, "name": k.title(), "timezone": tz,
                    "channels": {"alerts": f"C0AL{k.upper()}", "digest": f"C0DG{k.upper()}"}}
                   for k, (tz, _) in ZONES.items()]}


def scheduler_process(name: str, db_url: str, slack_url: str, inbox: Any, outbox: Any) -> None:
    """One scheduler process driven by the coordinator's clock (see module doc)."""
    from bot.delivery import make_delivery_client
    from bot.digest.pacing import Pacer
    from jobs.lease import acquire, due_runs
    from jobs.runner import JobContext, run_job
    from jobs.scheduler import build_scheduler

    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    ctx = JobContext(org=OrgConfig.model_validate(ORG), alerts=AlertSettings(), sessions=sessions,
                     client_factory=lambda: make_delivery_client("xoxb-sim", slack_url, timeout=10),
                     extra={"pacer": Pacer(0.0, 6000, 100)})
    sched = build_scheduler(ctx)  # never started: its triggers are read against the fake clock
    held_before, prev = False, None
    while True:
        msg = inbox.get()
        if msg == "crash":
            os._exit(0)  # no release, no goodbye: the lease must expire by itself
        if msg == "stop":
            break
        now: datetime = msg
        held = acquire(sessions, name, ttl=TTL, now=now)
        runs: list[tuple[str, str]] = []
        errors: list[str] = []
        if held:
            since = prev if held_before and prev is not None else now - CATCH_UP  # catch up on takeover
            for job, _fire in due_runs(sched, since.replace(tzinfo=UTC), now.replace(tzinfo=UTC)):
                out = run_job(ctx, "alerts", job.kwargs["clinic"], now)
                runs.append((job.kwargs["clinic"], _fire.date().isoformat()))  # clinic-local date
                errors += [] if out.ok else [str(out.error)]
            for job_name in ("digest", "deliver"):
                out = run_job(ctx, job_name, None, now)
                errors += [] if out.ok else [str(out.error)]
        held_before, prev = held, now
        outbox.put((name, now, held, runs, errors))
    engine.dispose()


def _seed(db_url: str) -> None:
    from bot.digest.commands import parse_digest
    from bot.digest.subscriptions import subscribe

    engine = make_engine(db_url)
    org = OrgConfig.model_validate(ORG)
    with session_scope(make_session_factory(engine)) as s:
        for c in org.clinics:
            clinic = Clinic(key=c.key, name=c.name, name_folded=c.key, timezone=c.timezone)
            s.add(clinic)
            s.flush()
            s.add(ComplianceItem(clinic_id=clinic.id, key="dea", kind="dea_registration", title="DEA registration",
                                 due_date=date(2026, 3, 12), status="open"))
            subscribe(s, org, f"C0DG{c.key.upper()}", parse_digest(f"subscribe {c.key} at 07:30 daily always"),
                      "U0LEAD", START)
    engine.dispose()


def expected_digests() -> set[str]:
    out = set()
    for key, (_, offset) in ZONES.items():
        day = START.date() - timedelta(days=1)
        while day <= END.date():
            at = datetime(day.year, day.month, day.day, 7, 30) - timedelta(hours=offset)
            if START <= at < END:
                out.add(f"digest/C0DG{key.upper()}/{day.isoformat()}")
            day += timedelta(days=1)
    return out


def expected_evaluations() -> set[tuple[str, str]]:
    """(clinic, local date) of every 07:00-local evaluation due in the week."""
    out = set()
    for key, (_, offset) in ZONES.items():
        day = START.date() - timedelta(days=1)
        while day <= END.date():
            at = datetime(day.year, day.month, day.day, 7, 0) - timedelta(hours=offset)
            if START < at <= END - TICK:
                out.add((key, day.isoformat()))
            day += timedelta(days=1)
    return out


def test_two_schedulers_for_a_week_deliver_everything_once(db_url: str) -> None:
    _seed(db_url)
    spawn = mp.get_context("spawn")
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    with SlackStandIn() as slack:
        outbox = spawn.Queue()
        procs: dict[str, tuple[Any, Any]] = {}

        def launch(name: str) -> None:
            inbox = spawn.Queue()
            proc = spawn.Process(target=scheduler_process, args=(name, db_url, slack.base_url, inbox, outbox))
            proc.start()
            procs[name] = (proc, inbox)

        launch("A")
        launch("B")
        reports: list[tuple[str, datetime, bool, list, list]] = []
        crashed = None
        now = START
        try:
            while now < END:
                if now == CRASH_AT:
                    from jobs.lease import holder_of

                    crashed = holder_of(sessions, now=now - TICK)
                    proc, inbox = procs.pop(str(crashed))
                    inbox.put("crash")
                    proc.join(30)
                if now == RESTART_AT:
                    launch(f"{crashed}2")
                for _, inbox in procs.values():
                    inbox.put(now)
                for _ in procs:
                    reports.append(outbox.get(timeout=120))
                now += TICK
        finally:
            for _, inbox in procs.values():
                inbox.put("stop")
            for proc, _ in procs.values():
                proc.join(60)
        calls = [c for c in slack.calls if c.method in ("chat.postMessage", "chat.update") and c.status == 200]
        keys = [c.params["metadata"]["event_payload"]["delivery_key"] for c in calls  # posts carry their key
                if isinstance(c.params.get("metadata"), dict)]

    assert all(not errs for *_, errs in reports), [errs for *_, errs in reports if errs][:3]
    # never two leaders; no leader only while the dead leader's lease ran out (last renewal 10:45,
    # TTL 30 min: held until 11:15, so the 11:00 and 11:15 ticks have no leader)
    leaders = Counter(at for _, at, held, _, _ in reports if held)
    all_ticks = {START + i * TICK for i in range(int((END - START) / TICK))}
    assert set(leaders.values()) == {1}
    assert all_ticks - set(leaders) == {CRASH_AT, CRASH_AT + TICK}
    standby = ({"A", "B"} - {crashed}).pop()
    took_over = min(at for name, at, held, _, _ in reports if held and name == standby and at >= CRASH_AT)
    assert took_over == CRASH_AT + 2 * TICK
    assert not any(held for name, _, held, _, _ in reports if name == f"{crashed}2")  # restarted: standby
    # every clinic's daily evaluation ran once, New York's 07:00 included (caught up on take-over)
    evaluations = [run for *_, runs, _ in reports for run in runs]
    assert sorted(evaluations) == sorted(expected_evaluations())
    # every digest once; every alert message (root, thread replies, updates) once
    assert sorted(k for k in keys if k.startswith("digest/")) == sorted(expected_digests())
    assert len(keys) == len(set(keys)), [k for k, n in Counter(keys).items() if n > 1]
    alert_roots = [k for k in keys if k.startswith("compliance/") and "#" not in k and k.count("/") == 3]
    assert sorted(alert_roots) == sorted(f"compliance/{k}/item:dea/2026-03-12" for k in ZONES)
    with sessions() as s:
        states = Counter(s.scalars(select(Delivery.state)))
        # every queued message sent, by exactly one successful Web API call each
        assert set(states) == {"sent"} and states["sent"] == len(calls)
    engine.dispose()
