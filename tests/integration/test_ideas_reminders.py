"""PDSA reminder job against the Slack stand-in, on SQLite and PostgreSQL: due after N quiet
days, sent once per (cycle, reminder day), snooze respected."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.delivery import make_delivery_client
from bot.ideas import pdsa, service
from bot.ideas.reminders import reminder_day, reminder_days
from bot.orgconfig import OrgConfig
from devtools.standin import SlackStandIn
from jobs import pdsa_reminders
from storage.db import session_scope

ORG = OrgConfig.model_validate({"clinics": [{"key": "north", "name": "North", "timezone": "UTC"}]})
START = datetime(2026, 3, 2, 9, 0)


@pytest.mark.parametrize("last,today,every,expected", [
    (date(2026, 3, 2), date(2026, 3, 8), 7, None),            # 6 days: not yet
    (date(2026, 3, 2), date(2026, 3, 9), 7, date(2026, 3, 9)),
    (date(2026, 3, 2), date(2026, 3, 12), 7, date(2026, 3, 9)),  # still the same reminder day
    (date(2026, 3, 2), date(2026, 3, 16), 7, date(2026, 3, 16)),  # a second period
])
def test_reminder_day(last: date, today: date, every: int, expected: date | None) -> None:
    assert reminder_day(last, today, every) == expected


def test_reminder_days_setting() -> None:
    class S:
        pdsa_reminder_days = 3

    assert reminder_days(None, None) == 7 and reminder_days(S(), None) == 3


def test_job_sends_once_per_cycle_and_day(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        idea = service.submit_idea(s, ORG, service.IdeaDraft(title="Huddle", clinic_key="north"), "U1", START)
        cycle = pdsa.start_cycle(s, pdsa.CycleDraft(idea_id=idea.id, objective="On time"), "U0OWNER", START)
        quiet = pdsa.start_cycle(s, pdsa.CycleDraft(idea_id=idea.id, objective="Other"), "U0OTHER",
                                 START + timedelta(days=5))
    with SlackStandIn() as slack:
        client = make_delivery_client("xoxb-test", slack.base_url)
        early = pdsa_reminders.run(sessions, client, START + timedelta(days=6))
        assert (early.due, early.sent) == (0, 0)
        first = pdsa_reminders.run(sessions, client, START + timedelta(days=7, hours=1))
        again = pdsa_reminders.run(sessions, client, START + timedelta(days=7, hours=5))
        next_day = pdsa_reminders.run(sessions, client, START + timedelta(days=8))
        posts = slack.calls_to("chat.postMessage")
        assert (first.sent, again.sent, next_day.sent) == (1, 0, 0)
        assert len(posts) == 1
        assert slack.calls_to("conversations.open")[0].params["users"] == "U0OWNER"
        assert f"cycle #{cycle.id}" in posts[0].params["text"] and posts[0].params["channel"].startswith("D")
        assert first.sent_keys == [f"pdsa-reminder/{cycle.id}/2026-03-09"]

        with session_scope(sessions) as s:
            pdsa.snooze(s, cycle.id, START + timedelta(days=8), 7)  # until 2026-03-17
        week2 = pdsa_reminders.run(sessions, client, START + timedelta(days=14))
        assert week2.sent_keys == [f"pdsa-reminder/{quiet.id}/2026-03-14"]  # the snoozed one waits
        after = pdsa_reminders.run(sessions, client, START + timedelta(days=15))
        assert after.sent_keys == [f"pdsa-reminder/{cycle.id}/2026-03-17"]
        with session_scope(sessions) as s:
            pdsa.update_cycle(s, quiet.id, pdsa.CycleUpdate(study="Huddles were not held", act="abandon"), "U0OTHER", START + timedelta(days=15))
        assert pdsa_reminders.run(sessions, client, START + timedelta(days=40)).sent_keys == [
            f"pdsa-reminder/{cycle.id}/2026-04-07"]  # closed cycles are never reminded


def test_registered_with_the_job_runner(sessions) -> None:  # type: ignore[no-untyped-def]
    from bot.alerts.config import AlertSettings
    from jobs.runner import JOBS, JobContext, run_job

    assert "pdsa_reminders" in JOBS
    with session_scope(sessions) as s:
        idea = service.submit_idea(s, ORG, service.IdeaDraft(title="Huddle", clinic_key="north"), "U1", START)
        pdsa.start_cycle(s, pdsa.CycleDraft(idea_id=idea.id, objective="On time"), "U0OWNER", START)
    with SlackStandIn() as slack:
        ctx = JobContext(org=ORG, alerts=AlertSettings(), sessions=sessions,
                         client_factory=lambda: make_delivery_client("xoxb-test", slack.base_url))
        outcome = run_job(ctx, "pdsa_reminders", now=START + timedelta(days=7))
        assert outcome.ok and outcome.summary == {"due": 1, "queued": 1, "sent": 1}
