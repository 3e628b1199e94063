"""Access control and the audit trail (issue 8).

``audit_events``: append-only record of every Slack request the bot received (command, button,
modal submission, shortcut) and of the changes it made. One row per (``request_id``, ``seq``):
``seq`` 0 is the request itself (who asked what, allowed or refused), written on receipt by the
middleware or, for handlers that change data and record themselves, inside the handler's own
transaction; never both (the unique constraint enforces it). No free text: ``action`` is the
command/button/callback name, ``target`` a normalised id (``idea:12``, ``clinic:north``,
``kpi:denial-rate``), ``args`` the argument *shape* (``kpi clinic=<name> period``), never the
raw text. A database trigger refuses UPDATE and DELETE (both SQLite and PostgreSQL).

``role_grants``: roles granted in Slack with ``/opsbot roles grant`` (merged with the roles in
the organisation config). ``clinic_key`` ``*`` = organisation-wide (not NULL, so the
unique constraint also holds for organisation-wide grants). Revoking deletes the grant
(the audit trail keeps who granted and revoked what, and when).

``request_receipts``: the dedup/replay store. ``key`` is ``event:<event_id>`` for Events API
deliveries and ``interaction:<trigger_id or body hash>`` for interactions, inserted on receipt;
a second delivery with the same key is a retry or replay and is not processed again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        UniqueConstraint("request_id", "seq", name="uq_audit_events_request_seq"),
        Index("ix_audit_events_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)  # naive UTC
    request_id: Mapped[str] = mapped_column(String(128))
    seq: Mapped[int] = mapped_column(Integer, default=0)
    team_id: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[str | None] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(24))  # command | action | view_submission | shortcut | change
    action: Mapped[str] = mapped_column(String(80))  # "/kpi", "idea_status:adopted", "roles.grant"
    target: Mapped[str | None] = mapped_column(String(120))  # "idea:12", "clinic:north"
    args: Mapped[str | None] = mapped_column(String(200))  # normalised argument shape, no free text
    decision: Mapped[str] = mapped_column(String(16))  # allowed | refused | rejected | failed
    reason: Mapped[str | None] = mapped_column(String(120))  # "needs manager (north)"


class RoleGrant(Base):
    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("subject", "role", "clinic_key", name="uq_role_grants_subject_role_clinic"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(32))  # Slack user id (U…/W…) or user group id (S…)
    role: Mapped[str] = mapped_column(String(16))  # clinician | manager | finance | admin
    clinic_key: Mapped[str] = mapped_column(String(64), default="*")  # "*" = organisation-wide
    granted_by: Mapped[str | None] = mapped_column(String(32))
    granted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RequestReceipt(Base):
    __tablename__ = "request_receipts"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
