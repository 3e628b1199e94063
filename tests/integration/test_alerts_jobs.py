"""Jobs and the scheduler on both databases: explicit ids, clinic time zones, coalescing, one
error pipeline with a correlation id, and `jobs run` idempotence (a repeat posts nothing)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.alerts.config import AlertSettings
from bot.orgconfig import OrgConfig
from jobs.runner import JobContext, run_job
from jobs.scheduler import build_scheduler
from storage.db import session_scope
from storage.models import Clinic, ComplianceItem, Delivery

ORG = OrgConfig.model_validate({"clinics": [
    {"key": "north", "name": "North", "timezone": "America/New_York", "channels": {"alerts": "C1"}},
    {"key": "west", "name": "West", "timezone": "America/Los_Angeles", "channels": {"alerts": "C2"}}]})


def _ctx(sessions: sessionmaker[Session]) -> JobContext:
    return JobContext(org=ORG, alerts=AlertSettings.model_validate(
        {"clinics": {"west": {"schedule": {"hour": 6, "minute": 30}}}}), sessions=sessions)


def test_scheduler_jobs_are_explicit_coalesced_and_in_clinic_time(sessions: sessionmaker[Session]) -> None:
    sched = build_scheduler(_ctx(sessions))
    jobs = {j.id: j for j in sched.get_jobs()}
    # per-clinic alert evaluations in clinic time, plus the organisation-wide interval jobs
    assert set(jobs) == {"alerts:north", "alerts:west", "deliver", "digest", "forecast_train", "pdsa_reminders",
                         "retention"}  # forecast_train: issue 20, daily no-show model retraining
    for job in jobs.values():
        assert job.coalesce is True and job.max_instances == 1 and job.misfire_grace_time is not None
    after = datetime(2026, 3, 6, 20, 0, tzinfo=ZoneInfo("UTC"))
    nxt = jobs["alerts:west"].trigger.get_next_fire_time(None, after)
    assert nxt.astimezone(ZoneInfo("America/Los_Angeles")).strftime("%H:%M") == "06:30"
    # across the 2026-03-08 DST change 07:00 New York is 12:00 UTC, then 11:00 UTC
    north = jobs["alerts:north"].trigger
    first = north.get_next_fire_time(None, after)
    second = north.get_next_fire_time(first, first + timedelta(seconds=1))
    assert (first.astimezone(ZoneInfo("UTC")).hour, second.astimezone(ZoneInfo("UTC")).hour) == (12, 11)


def test_job_errors_go_through_one_pipeline_with_a_ref(sessions: sessionmaker[Session], caplog) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.ERROR, logger="opsbot.jobs"):
        outcome = run_job(_ctx(sessions), "alerts", clinic="nowhere")
    assert not outcome.ok and "Unknown clinic 'nowhere'" in (outcome.error or "")
    assert f"ref={outcome.ref}" in caplog.text


def test_running_the_alerts_job_twice_queues_each_alert_once(sessions: sessionmaker[Session]) -> None:
    now = datetime(2026, 3, 2, 13, 0)
    with session_scope(sessions) as s:
        c = Clinic(key="north", name="North", name_folded="north", timezone="America/New_York")
        s.add(c)
        s.flush()
        s.add(ComplianceItem(clinic_id=c.id, key="dea", kind="dea_registration", title="DEA registration",
                             due_date=now.date() + timedelta(days=1), status="open"))
    first = run_job(_ctx(sessions), "alerts", clinic="north", now=now)
    again = run_job(_ctx(sessions), "alerts", clinic="north", now=now + timedelta(minutes=1))  # e.g. DST repeat
    assert first.ok and again.ok
    assert first.summary["queued"] >= 1 and again.summary["queued"] == 0
    with session_scope(sessions) as s:
        assert s.scalar(select(func.count(Delivery.id))) == first.summary["queued"]
