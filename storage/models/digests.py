"""Daily digests: channel subscriptions and one run row per (channel, local date).

``digest_subscriptions``: one per Slack channel (``channel_id`` unique). ``clinic_keys`` is the
JSON list of clinics the digest covers (never empty); ``timezone`` the IANA zone its local
``local_time`` ("HH:MM") is read in (the first clinic's, fixed at subscribe time); ``days``
"weekdays" | "daily". ``skip_when_empty``: post nothing on a day with nothing to say.

``digest_runs``: what happened for one channel on one clinic-local date (unique together):
``status`` sent (queued in the delivery log under ``delivery_key``) | empty (skipped: nothing to
say) | missed (the scheduler was too late; logged, not sent). ``kpi_values`` ({"clinic/kpi":
value}) and ``last_idea_id`` are what the next digest compares against ("since the last digest").
The message itself is in ``deliveries`` (exactly-once log) under ``digest/<channel>/<date>``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class DigestSubscription(Base):
    __tablename__ = "digest_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(64), unique=True)
    clinic_keys: Mapped[list[str]] = mapped_column(JSON)
    local_time: Mapped[str] = mapped_column(String(5), default="07:30")  # "HH:MM", 24 h
    days: Mapped[str] = mapped_column(String(16), default="weekdays")  # weekdays | daily
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    skip_when_empty: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DigestRun(Base):
    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("channel_id", "local_date", name="uq_digest_runs_channel_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("digest_subscriptions.id", ondelete="SET NULL"), index=True)
    channel_id: Mapped[str] = mapped_column(String(64))
    local_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # sent | empty | missed
    scheduled_at: Mapped[datetime] = mapped_column(DateTime)  # the local time as naive UTC
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)  # job clock
    delivery_key: Mapped[str | None] = mapped_column(String(255))
    parts: Mapped[int] = mapped_column(Integer, default=0)  # messages: head + thread replies
    kpi_values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    last_idea_id: Mapped[int] = mapped_column(Integer, default=0)
