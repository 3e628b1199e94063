"""The scheduler lease: one scheduler process evaluates schedules at a time; a standby takes over
when the holder stops renewing (crash, network partition, SIGKILL) once the lease expires.

Both schedulers run APScheduler with the same jobs; each run goes through :func:`guarded`, which
runs the job only while this process holds the lease. Exactly-once posting does not rest on the
lease (the delivery log's unique keys already make a double run post nothing twice): the lease
saves duplicate evaluation work and keeps one writer of schedule-driven state at a time.

The lease is a row in ``scheduler_leases``; acquiring and renewing are one conditional UPDATE
(``… WHERE holder = me OR expires_at < now``), atomic on PostgreSQL (row lock, WHERE re-checked)
and SQLite (one writer). Instants are naive UTC from the scheduler hosts' clocks (keep them
NTP-synced; skew eats into the TTL). On takeover, cron runs that fell due in the last
``misfire`` window while nobody held the lease are run at once (:func:`due_runs`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from storage.db import session_scope
from storage.models import SchedulerLease, utcnow

log = logging.getLogger("opsbot.lease")
LEASE = "scheduler"


def default_holder() -> str:
    """``host:pid:random`` — unique per process, readable in ``scheduler_leases``."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def acquire(sessions: sessionmaker[Session], holder: str, *, ttl: timedelta, now: datetime | None = None,
            name: str = LEASE) -> bool:
    """Take the lease, or renew it if ``holder`` has it; True when ``holder`` holds it until
    ``now + ttl``. False while another holder's lease is unexpired."""
    now = now or utcnow()
    with session_scope(sessions) as s:
        insert = postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert
        s.execute(insert(SchedulerLease).values(name=name, holder=None, expires_at=now - timedelta(seconds=1))
                  .on_conflict_do_nothing(index_elements=["name"]))
        L = SchedulerLease
        result = s.execute(
            update(L).where(L.name == name, or_(L.holder == holder, L.holder.is_(None), L.expires_at < now))
            .values(acquired_at=case((L.holder == holder, L.acquired_at), else_=now), holder=holder,
                    renewed_at=now, expires_at=now + ttl)
            .execution_options(synchronize_session=False))
        return result.rowcount == 1  # type: ignore[attr-defined]


def release(sessions: sessionmaker[Session], holder: str, *, now: datetime | None = None, name: str = LEASE) -> bool:
    """Give the lease up (graceful shutdown) so a standby takes over at once; True if it was held."""
    now = now or utcnow()
    with session_scope(sessions) as s:
        L = SchedulerLease
        result = s.execute(update(L).where(L.name == name, L.holder == holder)
                           .values(holder=None, expires_at=now).execution_options(synchronize_session=False))
        return result.rowcount == 1  # type: ignore[attr-defined]


def holder_of(sessions: sessionmaker[Session], *, now: datetime | None = None, name: str = LEASE) -> str | None:
    """The current unexpired holder, or None."""
    now = now or utcnow()
    with session_scope(sessions) as s:
        row = s.get(SchedulerLease, name)
        return row.holder if row is not None and row.holder and row.expires_at >= now else None


class LeaseKeeper:
    """Keeps trying to take/renew the lease every ``ttl/3`` seconds on a thread.

    ``held`` is True only while the last successful renewal is younger than ``ttl`` minus a
    margin by this process's monotonic clock, so a process that cannot reach the database stops
    running jobs before its lease expires in the database. ``on_gain`` runs (on the keeper thread)
    each time the lease is newly taken.
    """

    def __init__(self, sessions: sessionmaker[Session], *, ttl_seconds: float = 30.0, holder: str | None = None,
                 name: str = LEASE, on_gain: Callable[[], None] | None = None,
                 on_change: Callable[[bool], None] | None = None) -> None:
        self.sessions, self.name, self.ttl = sessions, name, ttl_seconds
        self.holder = holder or default_holder()
        self.on_gain, self.on_change = on_gain, on_change
        self._valid_until = 0.0
        self._was_held = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def held(self) -> bool:
        return time.monotonic() < self._valid_until

    def tick(self) -> bool:
        started = time.monotonic()
        try:
            ok = acquire(self.sessions, self.holder, ttl=timedelta(seconds=self.ttl), name=self.name)
        except Exception as exc:  # noqa: BLE001 - a database blip: keep trying, stop leading in time
            log.warning("lease %s: renewal failed: %s", self.name, type(exc).__name__)
            ok = False
        self._valid_until = started + self.ttl * 0.8 if ok else (self._valid_until if self.held else 0.0)
        if ok and not self._was_held:
            log.info("lease %s taken by %s", self.name, self.holder)
            self._notify(True)
            if self.on_gain is not None:
                self.on_gain()
        elif not self.held and self._was_held:
            log.warning("lease %s lost by %s", self.name, self.holder)
            self._notify(False)
        self._was_held = self.held
        return self.held

    def _notify(self, held: bool) -> None:
        if self.on_change is not None:
            self.on_change(held)

    def start(self) -> LeaseKeeper:
        self.tick()

        def loop() -> None:
            while not self._stop.wait(self.ttl / 3):
                self.tick()

        self._thread = threading.Thread(target=loop, name="opsbot-lease", daemon=True)
        self._thread.start()
        return self

    def stop(self, *, release_lease: bool = True) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.ttl)
        self._valid_until = 0.0
        if release_lease:
            try:
                if release(self.sessions, self.holder, name=self.name):
                    log.info("lease %s released by %s", self.name, self.holder)
            except Exception as exc:  # noqa: BLE001
                log.warning("lease %s: release failed (%s); it expires by itself", self.name, type(exc).__name__)
        self._notify(False)


def guarded(run: Callable[..., Any], keeper: LeaseKeeper, metrics: Any = None) -> Callable[..., Any]:
    """Wrap ``jobs.runner.run_job``: run only while ``keeper`` holds the lease, in a request
    context (the job's log lines carry an id), recording ``opsbot_job_*`` metrics when given."""
    from bot.observability.context import request_context

    def run_if_leader(ctx: Any, name: str, clinic: str | None = None, now: datetime | None = None) -> Any:
        if not keeper.held:
            log.debug("job %s skipped: lease held elsewhere", name)
            return None
        with request_context(None):
            outcome = run(ctx, name, clinic, now)
        if metrics is not None and outcome is not None:
            metrics.job_runs.labels(name, "ok" if outcome.ok else "error").inc()
            metrics.job_seconds.labels(name).observe(outcome.seconds)
        return outcome

    run_if_leader.__name__ = "run_if_leader"
    return run_if_leader


def due_runs(sched: Any, since: datetime, until: datetime) -> list[tuple[Any, datetime]]:
    """(job, fire time) for every cron fire time of ``sched``'s jobs in ``(since, until]``
    (aware UTC datetimes), in time order — for catch-up on takeover and for simulations."""
    from apscheduler.triggers.cron import CronTrigger

    out = []
    for job in sched.get_jobs():
        if not isinstance(job.trigger, CronTrigger):
            continue
        prev = None
        fire = job.trigger.get_next_fire_time(None, since + timedelta(microseconds=1))
        while fire is not None and fire <= until:
            out.append((job, fire))
            prev = fire
            fire = job.trigger.get_next_fire_time(prev, prev + timedelta(microseconds=1))
    return sorted(out, key=lambda pair: pair[1])


def catch_up(sched: Any, window: timedelta, now: datetime | None = None) -> list[str]:
    """On takeover: make every cron job whose fire time fell in the last ``window`` run now
    (the previous leader may have died just before it). Returns the job ids."""
    now_aware = (now or datetime.now(UTC)).astimezone(UTC)
    ids = sorted({job.id for job, _ in due_runs(sched, now_aware - window, now_aware)})
    for job_id in ids:
        sched.modify_job(job_id, next_run_time=now_aware)
    if ids:
        log.info("lease taken over: catching up %s", ", ".join(ids))
    return ids


def current_leader(sessions: sessionmaker[Session], name: str = LEASE) -> tuple[str | None, datetime | None]:
    """(holder, expires_at) as stored — for ``opsbot jobs lease`` and the runbook."""
    with session_scope(sessions) as s:
        row = s.execute(select(SchedulerLease.holder, SchedulerLease.expires_at)
                        .where(SchedulerLease.name == name)).first()
        return (row[0], row[1]) if row else (None, None)
