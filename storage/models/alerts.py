"""Alert incidents, the actions people take on them, and the exactly-once delivery log.

``deliveries`` is generic (alerts and digests use it): one row per message occurrence, keyed by a
unique ``key`` such as ``"low_stock/north/item:12/2026-03-02"``; the row is inserted before any
send, so only the inserter that wins ever posts. ``alert_incidents`` holds one incident per
(rule, clinic, subject) while it is active (``open_key`` is unique and NULL once resolved), and
``alert_actions`` records every human action (who, what, when).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class DeliveryState(StrEnum):
    """pending → sending → sent | failed (retry later) | dead | fallback_sent, and
    ``unconfirmed``: an earlier attempt may have landed and the history search that would settle
    it could not answer; the row waits (never re-sent blind) until the search answers."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"
    FALLBACK_SENT = "fallback_sent"
    UNCONFIRMED = "unconfirmed"


class DeliveryChannel(Base):
    """Per-channel pacing shared by every sender (threads, processes, hosts): a post to
    ``channel`` may go at ``not_before`` (naive UTC, the senders' clock frame) at the earliest.
    ``reason``: ``spacing`` (Slack's ~1 message per second per channel, slack.md) or the 429 that
    holds the whole channel for its ``Retry-After``."""

    __tablename__ = "delivery_channels"

    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    not_before: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str | None] = mapped_column(String(120))


class Delivery(Base):
    """One message occurrence. ``method`` chat.postMessage | chat.update; ``payload`` the Web API
    arguments (without channel/ts); ``parent_key``: for chat.update the delivery whose message is
    updated, for a thread reply the delivery whose message is the thread root.
    ``next_attempt_at`` (naive UTC) is when it may be sent (quiet hours, backoff, Retry-After)."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default="alert")
    method: Mapped[str] = mapped_column(String(32), default="chat.postMessage")
    channel: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    parent_key: Mapped[str | None] = mapped_column(String(255), index=True)
    fallback_user: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    ambiguous: Mapped[int] = mapped_column(Integer, default=0)  # 1 if a send may have landed
    # history searches in a row that could not answer (the row waits ``unconfirmed`` meanwhile)
    checks: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(300))
    message_channel: Mapped[str | None] = mapped_column(String(64))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    dead_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)


class IncidentState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    SNOOZED = "snoozed"
    RESOLVED = "resolved"


class AlertIncident(Base):
    """One incident per (rule, clinic, subject) while active. ``root_key`` is the delivery key of
    its Slack message (updated in place); ``version`` increases with every visible change."""

    __tablename__ = "alert_incidents"
    __table_args__ = (Index("ix_alert_incidents_clinic_rule", "clinic_key", "rule", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    open_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    rule: Mapped[str] = mapped_column(String(32))
    clinic_key: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(160))
    state: Mapped[str] = mapped_column(String(16), default=IncidentState.OPEN)
    severity: Mapped[str] = mapped_column(String(16), default="warning")
    title: Mapped[str] = mapped_column(String(300))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    root_key: Mapped[str | None] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(Integer, default=1)
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    snoozed_until: Mapped[datetime | None] = mapped_column(DateTime)
    snooze_reason: Mapped[str | None] = mapped_column(String(500))
    assigned_to: Mapped[str | None] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(32))


class AlertAction(Base):
    """Who did what to an incident, and when. ``action``: acknowledge | snooze | assign |
    not_useful | mark_done | reopen; ``detail`` holds e.g. the snooze end and reason."""

    __tablename__ = "alert_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("alert_incidents.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
