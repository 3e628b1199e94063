"""The one place that decides who may manage ideas and cycles (issue 8: roles).

Inside a Slack request the requester needs the *manager* role for the idea's clinic (or an
organisation-wide manager/admin role; an idea without a clinic needs organisation-wide), the
same rule the request middleware applied before the listener ran — this is the second line of
defence for paths the middleware cannot see (e.g. a PDSA update whose Act decision closes the
idea). Outside a Slack request (CLI, scheduled jobs, tests of the services) callers are
trusted local operators: any known user id may.
"""

from __future__ import annotations

from bot.access.current import current
from bot.access.policy import Permission
from bot.errors import PermissionDenied


def can_manage(user_id: str | None, clinic_key: str | None = None) -> bool:
    """Whether ``user_id`` may move ideas of ``clinic_key`` (see module doc)."""
    if not user_id:
        return False
    scope = current()
    return True if scope is None else scope.decide(Permission.MANAGE_IDEAS, clinic_key).allowed


def ensure_can_manage(user_id: str | None, clinic_key: str | None = None) -> None:
    """Raises:
        PermissionDenied: the user may not manage ideas of this clinic (the message names the
            role needed)."""
    if can_manage(user_id, clinic_key):
        return
    scope = current()
    decision = scope.decide(Permission.MANAGE_IDEAS, clinic_key) if scope is not None else None
    raise PermissionDenied(decision.message if decision and decision.message
                           else "You are not allowed to manage improvement ideas here.")
