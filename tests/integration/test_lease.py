"""The scheduler lease on both databases: one holder at a time, renewal, expiry take-over,
release, an atomic race, the job guard, and cron catch-up windows across time zones."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.alerts.config import AlertSettings
from bot.orgconfig import OrgConfig
from jobs.lease import LeaseKeeper, acquire, due_runs, guarded, holder_of, release
from jobs.runner import JobContext
from jobs.scheduler import build_scheduler

T0 = datetime(2026, 3, 2, 12, 0)
TTL = timedelta(seconds=30)


def test_one_holder_until_expiry_then_the_standby(sessions: sessionmaker[Session]) -> None:
    assert acquire(sessions, "A", ttl=TTL, now=T0)
    assert not acquire(sessions, "B", ttl=TTL, now=T0 + timedelta(seconds=10))
    assert acquire(sessions, "A", ttl=TTL, now=T0 + timedelta(seconds=20))  # renewal: until T0+50s
    assert not acquire(sessions, "B", ttl=TTL, now=T0 + timedelta(seconds=45))
    assert holder_of(sessions, now=T0 + timedelta(seconds=45)) == "A"
    assert acquire(sessions, "B", ttl=TTL, now=T0 + timedelta(seconds=51))  # A stopped renewing
    assert not acquire(sessions, "A", ttl=TTL, now=T0 + timedelta(seconds=52))  # A comes back: standby
    assert holder_of(sessions, now=T0 + timedelta(seconds=52)) == "B"


def test_release_hands_over_at_once(sessions: sessionmaker[Session]) -> None:
    assert acquire(sessions, "A", ttl=TTL, now=T0)
    assert not release(sessions, "B", now=T0)  # only the holder can release
    assert release(sessions, "A", now=T0 + timedelta(seconds=1))
    assert holder_of(sessions, now=T0 + timedelta(seconds=1)) is None
    assert acquire(sessions, "B", ttl=TTL, now=T0 + timedelta(seconds=2))


def test_racing_acquirers_get_exactly_one_winner(sessions: sessionmaker[Session]) -> None:
    wins: list[str] = []
    barrier = threading.Barrier(6)

    def contend(name: str) -> None:
        barrier.wait()
        if acquire(sessions, name, ttl=TTL, now=T0):
            wins.append(name)

    threads = [threading.Thread(target=contend, args=(f"S{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1
    assert holder_of(sessions, now=T0) == wins[0]


def test_guard_runs_jobs_only_while_the_lease_is_held(sessions: sessionmaker[Session]) -> None:
    ran: list[str] = []

    def fake_run(ctx: object, name: str, clinic: str | None = None, now: datetime | None = None) -> str:
        ran.append(name)
        return name

    leader, standby = LeaseKeeper(sessions, ttl_seconds=30, holder="A"), LeaseKeeper(sessions, ttl_seconds=30, holder="B")
    gained: list[str] = []
    standby.on_gain = lambda: gained.append("B")
    assert leader.tick() and not standby.tick()
    assert guarded(fake_run, leader)(None, "alerts") == "alerts"
    assert guarded(fake_run, standby)(None, "digest") is None
    assert ran == ["alerts"]
    leader.stop(release_lease=True)  # graceful shutdown releases
    assert standby.tick() and gained == ["B"]
    guarded(fake_run, standby)(None, "digest")
    assert ran == ["alerts", "digest"]
    standby.stop()


def test_due_runs_finds_each_clinic_cron_in_its_own_zone(sessions: sessionmaker[Session]) -> None:
    org = OrgConfig.model_validate({"clinics": [
        {"key": "east", "name": "East", "timezone": "America/New_York"},
        {"key": "hawaii", "name": "Hawaii", "timezone": "Pacific/Honolulu"}]})
    sched = build_scheduler(JobContext(org=org, alerts=AlertSettings(), sessions=sessions))
    since = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    runs = due_runs(sched, since, since + timedelta(days=2))
    got = [(job.id, fire.astimezone(UTC).strftime("%d %H:%M")) for job, fire in runs]
    # default alert schedule 07:00 local: New York EST = UTC-5 → 12:00Z; Honolulu HST = UTC-10 → 17:00Z
    assert got == [("alerts:east", "02 12:00"), ("alerts:hawaii", "02 17:00"),
                   ("alerts:east", "03 12:00"), ("alerts:hawaii", "03 17:00")]
    assert all(fire.tzinfo is not None for _, fire in runs)
