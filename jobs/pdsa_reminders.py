"""Job: direct-message the owner of every PDSA cycle with no update for N days (default 7), and
the owner of every open idea 7 days and 1 day before its due date, on the day, and once overdue.

Idempotent per (cycle, reminder day): each reminder is queued in the delivery log under
``pdsa-reminder/<cycle>/<day>`` (a unique key, inserted before anything is sent), so running
the job twice, or in two processes, sends it once. Failed sends stay in the log and are retried
by the next run (and by any general ``deliver_pending`` run).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery import deliver_pending, enqueue
from bot.ideas.reminders import DEFAULT_EVERY_DAYS, due, idea_reminder_key, ideas_due, reminder_days, reminder_key
from bot.views.pdsa import reminder_message
from jobs.context import JobContext, JobSpec
from storage.db import session_scope
from storage.models import Delivery

log = logging.getLogger(__name__)
JOB_ID = "pdsa_reminders"


@dataclass
class ReminderReport:
    due: int = 0
    queued: int = 0
    sent: int = 0
    sent_keys: list[str] = field(default_factory=list)


def run(sessions: sessionmaker[Session], client: WebClient, now: datetime, *,
        every_days: int = DEFAULT_EVERY_DAYS) -> ReminderReport:
    """Queue and send the reminders due at ``now`` (naive UTC).

    ``client`` should be a retry-free client (``bot.delivery.make_delivery_client``): the
    delivery log decides retries. A failed ``conversations.open`` skips that owner this run.
    """
    report = ReminderReport()
    keys: list[str] = []
    with session_scope(sessions) as session:
        for card, day in due(session, now, every_days):
            report.due += 1
            key = reminder_key(card.id, day)
            keys.append(key)
            if session.scalar(select(Delivery.id).where(Delivery.key == key)) is not None:
                continue  # queued by an earlier run; deliver_pending below retries it if needed
            blocks, text = reminder_message(card, every_days)
            try:
                channel = client.conversations_open(users=card.owner_user_id)["channel"]["id"]
            except SlackApiError as exc:
                log.warning("pdsa reminder %s: cannot open a DM: %s", key, exc.response.get("error"))
                continue
            if enqueue(session, key, channel, {"text": text, "blocks": blocks}, kind="pdsa_reminder",
                       now=now) is not None:
                report.queued += 1
        for idea, step, text in ideas_due(session, now):  # idea owners: due-date reminders (issue 16)
            report.due += 1
            key = idea_reminder_key(idea.id, idea.due_date, step)
            keys.append(key)
            if enqueue(session, key, idea.owner_user_id, {"text": text}, kind="idea_reminder",
                       fallback_user=idea.owner_user_id, now=now) is not None:
                report.queued += 1
    if keys:
        sent = deliver_pending(sessions, client, now, keys=keys)
        report.sent, report.sent_keys = sent.sent, list(sent.sent_keys)
    return report


def pdsa_reminders_job(ctx: JobContext, clinic: str | None, now: datetime) -> dict[str, Any]:
    """Adapter for ``jobs.runner`` (``opsbot jobs run pdsa_reminders``); all clinics at once."""
    if ctx.client_factory is None:
        return {"skipped": "no Slack client configured (SLACK_BOT_TOKEN)"}
    report = run(ctx.sessions, ctx.client_factory(), now, every_days=reminder_days(None, ctx.org))
    return {"due": report.due, "queued": report.queued, "sent": report.sent}


SPECS = (JobSpec(JOB_ID, pdsa_reminders_job, "Direct-message owners of PDSA cycles with no recent update",
                 every_minutes=60),)
