"""Issue 16: the assignee may act on an alert whatever their role (a clinician assignee can
acknowledge and resolve her alert), gets a direct message saying what is asked and by when; an
idea's owner gets a direct message; a due date in the past is refused."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.delivery import deliver_pending, make_delivery_client
from bot.ids import Action
from devtools.asking import LocalSlack
from storage.models import AlertIncident, Clinic, ComplianceItem, Delivery
from tests.e2e.test_roles_boundaries import REFUSED, bot, click  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e


def _compliance_incident(bot: LocalSlack, assignee: str | None) -> None:  # noqa: F811  (the pytest fixture imported above)
    with bot.sessions() as s:
        south = s.scalars(select(Clinic).where(Clinic.key == "south")).one()
        s.add(ComplianceItem(clinic_id=south.id, key="clia", kind="license", title="CLIA renewal", owner=None,
                             due_date=date.today() + timedelta(days=5), recurrence_months=24, status="open"))
        inc = s.get(AlertIncident, 7)
        inc.subject, inc.assigned_to = "item:clia", assignee
        inc.detail = {"facts": {"due_date": (date.today() + timedelta(days=5)).isoformat()}}
        s.commit()


def test_a_clinician_assignee_acknowledges_and_resolves_her_alert(bot: LocalSlack) -> None:  # noqa: F811
    _compliance_incident(bot, "U0NURSE")
    other = click(bot, "U0OTHERNURSE", Action.ALERT_ACK, "7")  # not assigned: still refused
    assert any(REFUSED in (r.get("text") or "") for r in other.replies)
    click(bot, "U0NURSE", Action.ALERT_ACK, "7")
    with bot.sessions() as s:
        assert s.get(AlertIncident, 7).acknowledged_by == "U0NURSE"
    done = click(bot, "U0NURSE", Action.ALERT_MARK_DONE, "7")
    assert not any(REFUSED in (r.get("text") or "") for r in done.replies)
    with bot.sessions() as s:
        assert s.get(AlertIncident, 7).state == "resolved"


def test_the_assignee_gets_a_direct_message_with_what_and_by_when(bot: LocalSlack) -> None:  # noqa: F811
    from bot.alerts import actions
    from bot.alerts.targets import Target

    _compliance_incident(bot, None)
    now = datetime.utcnow()
    with bot.sessions() as s:
        keys = actions.assign(s, 7, "U0ADMIN", "U0NURSE", now, Target("south", "South Clinic", None, None))
        s.commit()
    [dm] = [k for k in keys if k.startswith("assign-dm/")]
    deliver_pending(bot.sessions, make_delivery_client("xoxb-test", bot.standin.base_url), keys=[dm])
    posts = [c for c in bot.standin.calls if c.method == "chat.postMessage" and c.params.get("channel") == "U0NURSE"]
    assert posts, [c.method for c in bot.standin.calls]
    text = posts[-1].params["text"]
    due = date.today() + timedelta(days=5)
    assert "CLIA renewal" in text and f"mark it done by {due:%A} {due.day} {due:%B %Y}." in text
    with bot.sessions() as s:
        assert s.scalars(select(Delivery.state).where(Delivery.key == dm)).one() == "sent"


def test_an_idea_owner_gets_a_direct_message_and_past_due_dates_are_refused(bot: LocalSlack) -> None:  # noqa: F811
    from bot.errors import UsageError
    from bot.ideas import service
    from bot.ideas.states import IdeaState

    now = datetime.utcnow()
    with bot.sessions() as s:
        with pytest.raises(UsageError, match="in the past"):
            service.change_state(s, 1, IdeaState.UNDER_REVIEW, "U0ADMIN", now, owner="U0NURSE",
                                 due=date.today() - timedelta(days=1))
    with bot.sessions() as s:
        service.change_state(s, 1, IdeaState.UNDER_REVIEW, "U0ADMIN", now, owner="U0NURSE",
                             due=date.today() + timedelta(days=14))
        s.commit()
        [key] = s.scalars(select(Delivery.key).where(Delivery.key.like("idea-owner-dm/%"))).all()
    deliver_pending(bot.sessions, make_delivery_client("xoxb-test", bot.standin.base_url), keys=[key])
    posts = [c for c in bot.standin.calls if c.method == "chat.postMessage" and c.params.get("channel") == "U0NURSE"]
    assert posts and "Idea north" in posts[-1].params["text"]
    assert f"{date.today() + timedelta(days=14):%d %B %Y}" in posts[-1].params["text"]


def test_idea_owners_are_reminded_of_due_dates_once_per_step(bot: LocalSlack) -> None:  # noqa: F811
    from bot.ideas import service
    from bot.ideas.reminders import idea_due_step
    from bot.ideas.states import IdeaState
    from jobs.pdsa_reminders import run

    # steps: the smallest of 7 / 1 / 0 days at or above the days left, then overdue
    d = date(2026, 5, 20)
    assert [idea_due_step(d, d - timedelta(days=k)) for k in (9, 8, 7, 2, 1, 0, -3)] == [
        None, None, "7", "7", "1", "0", "overdue"]
    now = datetime.utcnow()
    with bot.sessions() as s:
        service.change_state(s, 1, IdeaState.UNDER_REVIEW, "U0ADMIN", now, owner="U0NURSE",
                             due=date.today() + timedelta(days=1))
        s.commit()
    client = make_delivery_client("xoxb-test", bot.standin.base_url)
    first, again = run(bot.sessions, client, now), run(bot.sessions, client, now)
    reminders = [c.params["text"] for c in bot.standin.calls
                 if c.method == "chat.postMessage" and "Reminder: idea #1" in c.params.get("text", "")]
    assert len(reminders) == 1 and "(in 1 day)" in reminders[0] and "Idea north" in reminders[0]
    assert first.queued == 1 and again.queued == 0
