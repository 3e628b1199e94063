"""The retention job on both databases: raw rows past the horizon go, aggregates stay (the
appointment roll-ups of the purged dates are kept and equal counts taken from the raw rows
before the purge), delivery rows still referenced are kept, and the job runs through the runner."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.alerts.config import AlertSettings
from bot.orgconfig import OrgConfig
from jobs.runner import JobContext, run_job
from storage.db import session_scope
from storage.models import AlertIncident, Appointment, Clinic, Delivery, FeedLoad, ImportIssue
from storage.models.rollups import AppointmentDaily

NOW = datetime(2026, 3, 2, 3, 0)
DAYS = 60  # cutoff 2026-01-01: rows dated before it go
STATUSES = ["completed", "no_show", "completed", "cancelled"]


def _seed(sessions: sessionmaker[Session]) -> Counter[tuple[date, str]]:
    """Appointments on 12 dates either side of the cutoff; returns (date, status) counts."""
    made: Counter[tuple[date, str]] = Counter()
    with session_scope(sessions) as s:
        clinic = Clinic(key="north", name="North", name_folded="north", timezone="America/New_York")
        old_load = FeedLoad(feed="appointments", source_name="a.csv", file_format="csv",
                            started_at=datetime(2025, 11, 1), finished_at=datetime(2025, 11, 1))
        new_load = FeedLoad(feed="appointments", source_name="b.csv", file_format="csv",
                            started_at=datetime(2026, 2, 1), finished_at=datetime(2026, 2, 1))
        s.add_all([clinic, old_load, new_load])
        s.flush()
        n = 0
        for offset in range(-6, 6):
            day = date(2026, 1, 1) + timedelta(days=offset * 5)
            for status in STATUSES[: 1 + (offset % 4)]:
                n += 1
                s.add(Appointment(source="t", external_id=str(n), clinic_id=clinic.id, patient_pseudonym=f"p{n}",
                                  booked_at=datetime(2025, 10, 1), appointment_date=day, status=status,
                                  lead_days=3, row_hash=str(n), feed_load_id=old_load.id))
                made[(day, status)] += 1
        s.add_all([ImportIssue(feed_load_id=old_load.id, line=3, severity="reject", code="bad", detail="x"),
                   ImportIssue(feed_load_id=new_load.id, line=4, severity="reject", code="bad", detail="y")])
        old = datetime(2025, 12, 1)
        for key, state in [("old-sent", "sent"), ("old-dead", "dead"), ("old-pending", "pending"),
                           ("root/north/x/1", "sent"), ("thread-parent", "sent")]:
            s.add(Delivery(key=key, kind="alert", method="chat.postMessage", channel="C1", payload={"text": "t"},
                           state=state, attempts=1, failures=0, ambiguous=0, next_attempt_at=old, created_at=old))
        s.add(Delivery(key="recent-reply", kind="alert", method="chat.postMessage", channel=None, payload={},
                       parent_key="thread-parent", state="sent", attempts=1, failures=0, ambiguous=0,
                       next_attempt_at=NOW, created_at=NOW))
        s.add(AlertIncident(open_key="k", rule="r", clinic_key="north", subject="x", title="t",
                            detail={}, root_key="root/north/x/1", period="1"))
    return made


def test_raw_rows_past_the_horizon_go_and_aggregates_stay(sessions: sessionmaker[Session]) -> None:
    made = _seed(sessions)
    cutoff = date(2026, 1, 1)
    ctx = JobContext(org=OrgConfig.model_validate({"clinics": []}), alerts=AlertSettings(), sessions=sessions,
                     extra={"retention_days": DAYS})
    import jobs.retention  # noqa: F401  (registers the job)

    outcome = run_job(ctx, "retention", None, NOW)
    assert outcome.ok, outcome.error
    old_rows = sum(n for (day, _), n in made.items() if day < cutoff)
    assert outcome.summary["cutoff"] == "2026-01-01"
    assert outcome.summary["deleted"]["appointments"] == old_rows
    with sessions() as s:
        left = Counter((a.appointment_date, a.status) for a in s.scalars(select(Appointment)))
        assert left == Counter({k: n for k, n in made.items() if k[0] >= cutoff})
        daily = {r.appointment_date: r for r in s.scalars(select(AppointmentDaily))}
        for day in {d for d, _ in made if d < cutoff}:  # the purged dates live on as roll-ups
            assert daily[day].booked == sum(n for (d, _), n in made.items() if d == day)
            assert daily[day].no_show == made[(day, "no_show")]
        assert [i.detail for i in s.scalars(select(ImportIssue))] == ["y"]
        assert sorted(s.scalars(select(Delivery.key))) == ["old-pending", "recent-reply", "root/north/x/1",
                                                            "thread-parent"]
        assert s.scalar(select(func.count()).select_from(AlertIncident)) == 1
    again = run_job(ctx, "retention", None, NOW)
    assert again.ok and "appointments" not in again.summary["deleted"]  # nothing left to purge
    assert again.summary["deleted"]["deliveries"] == 0
