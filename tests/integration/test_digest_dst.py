"""The digest job driven by a fake clock every 10 minutes across the 2026 daylight-saving changes
(US: Sunday 2026-03-08 02:00 local; EU: Sunday 2026-03-29 01:00 UTC), for a network in five
time zones, posting to the Slack stand-in. Each channel gets exactly one digest per local day,
at local 07:30 — including the change days — on SQLite and PostgreSQL.

Expected instants come from the published UTC offsets (EST −5/EDT −4, PST −8/PDT −7,
CET +1/CEST +2, GMT 0/BST +1, JST +9) and the transition dates above, not from ``zoneinfo``.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.alerts.config import AlertSettings
from bot.delivery import make_delivery_client
from bot.digest.commands import parse_digest
from bot.digest.pacing import Pacer
from bot.digest.subscriptions import subscribe
from bot.orgconfig import OrgConfig
from devtools.standin import SlackStandIn
from jobs.runner import JobContext, run_job
from storage.db import session_scope
from storage.models import Clinic, DigestRun

STEP = timedelta(minutes=10)  # 07:30, 02:30 and the window edges are all on this grid
MISFIRE = timedelta(minutes=60)  # DigestSettings.misfire_minutes default
US_CHANGE, EU_CHANGE = date(2026, 3, 8), date(2026, 3, 29)
ZONES = {  # clinic key: (IANA zone, offset hours before the change, after, change date)
    "east": ("America/New_York", -5, -4, US_CHANGE),
    "west": ("America/Los_Angeles", -8, -7, US_CHANGE),
    "berlin": ("Europe/Berlin", 1, 2, EU_CHANGE),
    "london": ("Europe/London", 0, 1, EU_CHANGE),
    "tokyo": ("Asia/Tokyo", 9, 9, EU_CHANGE),
}
WINDOWS = [(datetime(2026, 3, 7, 4), datetime(2026, 3, 10, 4)),  # the scheduler is down in between
           (datetime(2026, 3, 28, 4), datetime(2026, 3, 31, 4))]


def expected_utc(key: str, day: date, hh: int = 7, mm: int = 30) -> datetime:
    """Local hh:mm on ``day`` as naive UTC, from the published offsets (07:30 is after the change
    hour on both change days, so the day's offset is the new one from the change date on)."""
    _, before, after, change = ZONES[key]
    offset = after if day >= change else before
    return datetime(day.year, day.month, day.day, hh, mm) - timedelta(hours=offset)


class FakeClock:
    """Monotonic seconds for the pacer, advanced only by the simulation (and the pacer's sleeps)."""

    def __init__(self) -> None:
        self.t = 0.0

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def standin():  # type: ignore[no-untyped-def]
    with SlackStandIn() as slack:
        yield slack


def _network(sessions, start: datetime) -> OrgConfig:  # type: ignore[no-untyped-def]
    org = OrgConfig.model_validate({"clinics": [
        {"key": k, "name": k.title(), "timezone": tz, "channels": {"digest": f"C0{k.upper()}"}}
        for k, (tz, *_rest) in ZONES.items()]})
    with session_scope(sessions) as s:
        for c in org.clinics:
            s.add(Clinic(key=c.key, name=c.name, name_folded=c.key, timezone=c.timezone))
        s.flush()
        for c in org.clinics:
            subscribe(s, org, f"C0{c.key.upper()}", parse_digest(f"subscribe {c.key} at 07:30 daily always"),
                      "U0LEAD", start)
        # a local time that does not exist on 2026-03-08 in New York (02:00 → 03:00)
        subscribe(s, org, "C0GAP", parse_digest("subscribe east at 02:30 daily always"), "U0LEAD", start)
    return org


def test_one_digest_per_local_day_at_0730_across_dst(sessions, standin) -> None:  # type: ignore[no-untyped-def]
    start = WINDOWS[0][0]
    org = _network(sessions, start)
    fake = FakeClock()
    ctx = JobContext(org=org, alerts=AlertSettings(), sessions=sessions,
                     client_factory=lambda: make_delivery_client("xoxb-test", standin.base_url, timeout=5),
                     extra={"pacer": Pacer(1.0, 300, 20, clock=fake.monotonic, sleep=fake.sleep)})
    posted_at: dict[str, datetime] = {}  # delivery key → fake instant of the job run that posted it
    seen = 0
    for begin, end in WINDOWS:
        now = begin
        while now < end:
            outcome = run_job(ctx, "digest", None, now)
            assert outcome.ok, outcome.error
            calls = standin.calls_to("chat.postMessage")
            for call in calls[seen:]:
                assert call.status == 200
                key = call.params["metadata"]["event_payload"]["delivery_key"]
                assert key not in posted_at, f"{key} posted twice"
                posted_at[key] = now
            seen = len(calls)
            now += STEP
            fake.t += STEP.total_seconds()

    expected: dict[str, datetime] = {}
    for begin, end in WINDOWS:
        day = begin.date() - timedelta(days=1)
        while day <= end.date() + timedelta(days=1):
            due = {f"digest/C0{key.upper()}/{day.isoformat()}": expected_utc(key, day) for key in ZONES}
            # 02:30 does not exist in New York on the change day: 03:30 EDT = 07:30Z; else 02:30 local
            due[f"digest/C0GAP/{day.isoformat()}"] = (datetime(2026, 3, 8, 7, 30) if day == US_CHANGE
                                                      else expected_utc("east", day, 2, 30))
            for key, at in due.items():
                if begin <= at < end:
                    expected[key] = at  # on the 5-minute grid: posted by the run at that instant
                elif begin - MISFIRE <= at < begin:
                    expected[key] = begin  # found late by the first run, within the misfire limit
            day += timedelta(days=1)
    assert posted_at == expected
    # both change days are covered, for every zone
    days = Counter(k.rsplit("/", 1)[1] for k in posted_at)
    assert days["2026-03-08"] == 6 and days["2026-03-29"] == 6
    # the gap between the windows is scheduler downtime: those days are recorded as missed, not posted
    with session_scope(sessions) as s:
        statuses = Counter(r.status for r in s.scalars(select(DigestRun)))
    assert statuses["sent"] == len(expected)
    assert statuses["missed"] >= 5


def test_two_schedulers_at_once_post_once(sessions, standin) -> None:  # type: ignore[no-untyped-def]
    import threading

    start = datetime(2026, 3, 9, 0, 0)
    org = _network(sessions, start)
    ctx = JobContext(org=org, alerts=AlertSettings(), sessions=sessions,
                     client_factory=lambda: make_delivery_client("xoxb-test", standin.base_url, timeout=5),
                     extra={"pacer": Pacer(0.0, 6000, 100)})
    due = expected_utc("east", date(2026, 3, 9)) + timedelta(minutes=1)
    outcomes = []
    threads = [threading.Thread(target=lambda: outcomes.append(run_job(ctx, "digest", None, due))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    keys = [c.params["metadata"]["event_payload"]["delivery_key"] for c in standin.calls_to("chat.postMessage")]
    assert keys == ["digest/C0EAST/2026-03-09"]
