"""The first admin: who may grant roles before anyone can (issue 13).

Two ways, both only while nobody holds the admin role (neither in the organisation file nor in
``role_grants``): the Slack user who installs the app through OAuth becomes admin
(``bot.slack.oauth``), or an operator runs ``opsbot roles bootstrap U…`` once on the server. After that,
admins grant roles with ``/opsbot roles grant``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.access import grants
from bot.access.roles import ORG, Role, RolesConfig, parse_subject
from storage.models import RoleGrant


def admins(session: Session, config: RolesConfig) -> set[str]:
    """Everyone holding admin now (user or group ids), from the config and ``role_grants``."""
    out = {s for s, g in config.grants() if g.role is Role.ADMIN}
    out |= set(session.scalars(select(RoleGrant.subject).where(RoleGrant.role == Role.ADMIN.value)))
    return out


def grant_first_admin(session: Session, config: RolesConfig, user: str, by: str, now: datetime) -> bool:
    """Make ``user`` admin when nobody is; False (nothing changed) when an admin exists.

    Raises:
        ValueError: ``user`` is not a Slack user id (U…/W…).
    """
    subject = parse_subject(user)
    if subject.startswith("S"):
        raise ValueError("the first admin must be a person (U…), not a user group")
    if admins(session, config):
        return False
    return grants.grant(session, subject, Role.ADMIN, ORG, by, now)
