"""Conversation threads the bot answered in (issue 18): the last reading per Slack thread, so a
follow-up ("and riverside?", "by clinic") changes one thing of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class KpiThread(Base):
    """One answered thread: ``channel`` + ``thread_ts`` (the ts of the thread's first message);
    ``state`` is the reading as JSON (``Reading.state()``); ``user_id`` who started it."""

    __tablename__ = "kpi_threads"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    thread_ts: Mapped[str] = mapped_column(String(32), primary_key=True)
    state: Mapped[str] = mapped_column(Text)
    user_id: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, index=True)
