"""Job ``forecast_train``: retrain the no-show model daily from the organisation's own history
and store it with its data window and time-split scores (issue 20). A model that does not beat
its baseline is stored with ``shown = False`` and never used for answers; too little history is
a logged ``UsageError``, not a crash. One session per run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.forecast.service import train_and_store
from jobs.context import JobContext, JobSpec
from storage.db import session_scope

JOB_ID = "forecast_train"


def run(ctx: JobContext, clinic: str | None, now: datetime) -> dict[str, Any]:
    """Train and store; ``clinic`` is ignored (the model is per organisation)."""
    with session_scope(ctx.sessions) as session:
        return train_and_store(session, now)


SPECS = (JobSpec(JOB_ID, run, "retrain the no-show model (daily)", every_minutes=24 * 60),)
