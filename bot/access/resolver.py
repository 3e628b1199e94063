"""Whose roles are what: config grants + ``role_grants`` rows, with user groups resolved through
Slack's ``usergroups.users.list`` and cached briefly (``ttl`` seconds, default 60).

A group whose members cannot be listed (``missing_scope``, a network error) counts as empty for
that lookup: failing closed. The failure is logged with the Slack error code only.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.access.roles import Grant, Role, RolesConfig
from storage.models import RoleGrant

log = logging.getLogger(__name__)

GroupLister = Callable[[str], list[str]]  # user-group id -> member user ids


def slack_group_lister(client: Any) -> GroupLister:
    """``usergroups.users.list`` through a ``WebClient``."""

    def members(group_id: str) -> list[str]:
        resp = client.usergroups_users_list(usergroup=group_id)
        return [str(u) for u in resp.get("users") or []]

    return members


class GroupCache:
    """Members of Slack user groups, each list kept ``ttl`` seconds (thread-safe)."""

    def __init__(self, lister: GroupLister | None, ttl: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.lister, self.ttl, self.clock = lister, ttl, clock
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    def members(self, group_id: str) -> frozenset[str]:
        now = self.clock()
        with self._lock:
            hit = self._cache.get(group_id)
            if hit is not None and now - hit[0] < self.ttl:
                return hit[1]
        found: frozenset[str] = frozenset()
        if self.lister is not None:
            try:
                found = frozenset(self.lister(group_id))
            except Exception as exc:  # noqa: BLE001 - fail closed, never crash the request
                code = getattr(getattr(exc, "response", None), "get", lambda _k: None)("error")
                log.warning("could not list user group %s (%s); treating it as empty", group_id,
                            code or type(exc).__name__)
        with self._lock:
            self._cache[group_id] = (now, found)
        return found

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


class RoleResolver:
    """The grants a Slack user holds, from the config and the database."""

    def __init__(self, config: RolesConfig, groups: GroupCache) -> None:
        self.config, self.groups = config, groups

    def _holds(self, subject: str, user_id: str) -> bool:
        if subject == user_id:
            return True
        return subject.startswith("S") and user_id in self.groups.members(subject)

    def grants_for(self, session: Session | None, user_id: str | None) -> frozenset[Grant]:
        """Every grant ``user_id`` holds (directly or through a user group)."""
        if not user_id:
            return frozenset()
        out = {g for subject, g in self.config.grants() if self._holds(subject, user_id)}
        if session is not None:
            # columns, not entities: no ORM objects to build on every request's path to its ack
            for subject, role, clinic_key in session.execute(select(RoleGrant.subject, RoleGrant.role,
                                                                    RoleGrant.clinic_key)):
                if self._holds(subject, user_id):
                    try:
                        out.add(Grant(Role(role), clinic_key))
                    except ValueError:
                        continue
        return frozenset(out)
