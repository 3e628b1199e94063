"""Roles granted in Slack (``role_grants``): grant, revoke, list. Admin-only at the surface;
these functions do not check permissions (the caller does, see ``handlers.admin``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.access.roles import ORG, Grant, Role
from bot.errors import UsageError
from storage.models import RoleGrant


@dataclass(frozen=True)
class StoredGrant:
    subject: str
    grant: Grant
    granted_by: str | None
    granted_at: datetime


def grant(session: Session, subject: str, role: Role, clinic: str, by: str, now: datetime) -> bool:
    """Add a grant; False when the subject already held it. Admin is organisation-wide only.

    Raises:
        UsageError: admin at a single clinic.
    """
    if role is Role.ADMIN and clinic != ORG:
        raise UsageError("The admin role is organisation-wide; grant it without a clinic.")
    exists = session.scalars(select(RoleGrant).where(
        RoleGrant.subject == subject, RoleGrant.role == role.value, RoleGrant.clinic_key == clinic)).first()
    if exists is not None:
        return False
    session.add(RoleGrant(subject=subject, role=role.value, clinic_key=clinic, granted_by=by, granted_at=now))
    session.flush()
    return True


def revoke(session: Session, subject: str, role: Role, clinic: str) -> bool:
    """Remove a stored grant; False when there was none (config grants cannot be revoked here)."""
    row = session.scalars(select(RoleGrant).where(
        RoleGrant.subject == subject, RoleGrant.role == role.value, RoleGrant.clinic_key == clinic)).first()
    if row is None:
        return False
    session.delete(row)  # through the unit of work, so the audit change hook sees it
    session.flush()
    return True


def stored(session: Session) -> list[StoredGrant]:
    rows = session.scalars(select(RoleGrant).order_by(RoleGrant.role, RoleGrant.clinic_key, RoleGrant.subject))
    return [StoredGrant(r.subject, Grant(Role(r.role), r.clinic_key), r.granted_by, r.granted_at) for r in rows]
