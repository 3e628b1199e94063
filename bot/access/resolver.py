"""Whose roles are what: config grants + ``role_grants`` rows, with user groups resolved from a
cache of their members (:class:`GroupCache`).

No Web API call is ever made on the acknowledgement path (issue 13): a look-up answers from the
cache at once, and a group whose members are older than ``ttl`` (60 s) is refreshed in the
background with ``usergroups.users.list``; ``subteam_created`` / ``subteam_members_changed`` /
``subteam_updated`` events update it as they arrive (``handlers.usergroups``). A failed or
rate-limited refresh keeps the last good membership (a 429's ``Retry-After`` is honoured before
the next try, else 30 s). A group never listed yet counts as empty (failing closed) after a
bounded wait of ``first_wait`` seconds (0.5) for its first listing; groups named in the roles
are listed at start-up (:meth:`GroupCache.warm`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.access.roles import Grant, Role, RolesConfig
from storage.models import RoleGrant

log = logging.getLogger(__name__)

GroupLister = Callable[[str], list[str]]  # user-group id -> member user ids
FAILURE_BACKOFF_S = 30.0


def slack_group_lister(client: Any) -> GroupLister:
    """``usergroups.users.list`` through a ``WebClient`` (give it one that does not sleep out 429s)."""

    def members(group_id: str) -> list[str]:
        resp = client.usergroups_users_list(usergroup=group_id)
        return [str(u) for u in resp.get("users") or []]

    return members


def retry_after(exc: BaseException) -> float | None:
    """Seconds from a ``SlackApiError``'s ``Retry-After`` header, else None."""
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    for key, value in dict(headers).items():
        if str(key).lower() == "retry-after":
            try:
                return float(value[0] if isinstance(value, list) else value)
            except (TypeError, ValueError):
                return None
    return None


class InlineExecutor:
    """Runs submitted work at once in the caller (tests, tools); the ``submit`` shape of a pool."""

    def submit(self, fn: Callable[[], Any]) -> Future:
        future: Future = Future()
        future.set_result(fn())
        return future


class GroupCache:
    """Last good members of Slack user groups, refreshed in the background (thread-safe)."""

    def __init__(self, lister: GroupLister | None, ttl: float = 60.0,
                 clock: Callable[[], float] = time.monotonic, *, executor: Any = None,
                 first_wait: float = 0.5) -> None:
        self.lister, self.ttl, self.clock, self.first_wait = lister, ttl, clock, first_wait
        self.executor = executor or ThreadPoolExecutor(max_workers=2, thread_name_prefix="opsbot-groups")
        self._members: dict[str, frozenset[str]] = {}
        self._loaded: dict[str, float] = {}
        self._not_before: dict[str, float] = {}
        self._inflight: dict[str, Future] = {}
        # re-entrant: an InlineExecutor runs the refresh inside the caller's locked section
        self._lock = threading.RLock()
        self._generation = 0  # bumped by clear(): a listing started before it is discarded
        self.failures = 0

    def members(self, group_id: str) -> frozenset[str]:
        """The members now known (never waits on Slack, except ``first_wait`` for a new group)."""
        with self._lock:
            hit = self._members.get(group_id)
            future = self._refresh_if_due(group_id)
            future = future or self._inflight.get(group_id)
        if hit is not None:
            return hit
        if future is not None:
            try:
                future.result(timeout=self.first_wait)
            except FutureTimeout:
                pass
        with self._lock:
            return self._members.get(group_id, frozenset())

    def warm(self, group_ids: Iterable[str]) -> None:
        """Start listing ``group_ids`` (at start-up) without waiting."""
        with self._lock:
            for gid in group_ids:
                self._refresh_if_due(gid)

    def apply_event(self, event: dict[str, Any]) -> str | None:
        """Apply a ``subteam_*`` event; returns the group id it concerned (None: not one)."""
        kind = event.get("type")
        if kind == "subteam_members_changed":
            gid = str(event.get("subteam_id") or "")
            added = {str(u) for u in event.get("added_users") or []}
            removed = {str(u) for u in event.get("removed_users") or []}
            if not gid:
                return None
            with self._lock:
                if gid in self._members:  # the event is the change itself: no need to ask Slack
                    self._members[gid] = frozenset((self._members[gid] | added) - removed)
                else:
                    self._loaded_due(gid)
            return gid
        if kind in ("subteam_created", "subteam_updated"):
            team = event.get("subteam") or {}
            gid = str(team.get("id") or "")
            if not gid:
                return None
            with self._lock:
                if isinstance(team.get("users"), list):
                    self._members[gid] = frozenset(str(u) for u in team["users"])
                    self._loaded[gid] = self.clock()
                else:
                    self._loaded_due(gid)
            return gid
        return None

    def _loaded_due(self, gid: str) -> None:
        """(lock held) Make ``gid`` due and start its refresh (unless backing off after a 429)."""
        self._loaded.pop(gid, None)
        self._refresh_if_due(gid)

    def _refresh_if_due(self, gid: str) -> Future | None:
        """(lock held) Start a background refresh of ``gid`` when it is stale, not already being
        refreshed and not backing off; returns the new future or None."""
        now = self.clock()
        if self.lister is None or gid in self._inflight or now < self._not_before.get(gid, float("-inf")):
            return None
        loaded = self._loaded.get(gid)
        if loaded is not None and now - loaded < self.ttl:
            return None
        future = self._inflight[gid] = Future()
        generation = self._generation
        try:
            self.executor.submit(lambda: self._refresh(gid, future, generation))
        except RuntimeError:  # the pool is shutting down
            self._inflight.pop(gid, None)
            return None
        return future

    def _refresh(self, gid: str, future: Future, generation: int) -> None:
        assert self.lister is not None
        try:
            found = frozenset(self.lister(gid))
        except Exception as exc:  # noqa: BLE001 - keep the last good members, never crash a request
            wait = retry_after(exc) or FAILURE_BACKOFF_S
            code = getattr(getattr(exc, "response", None), "get", lambda _k: None)("error")
            with self._lock:
                self.failures += 1
                if generation == self._generation:
                    self._not_before[gid] = self.clock() + wait
                if self._inflight.get(gid) is future:
                    self._inflight.pop(gid, None)
                kept = len(self._members.get(gid, ()))
            log.warning("could not list user group %s (%s); keeping the last %d known members, next try in %.0fs",
                        gid, code or type(exc).__name__, kept, wait)
        else:
            with self._lock:
                if generation == self._generation:
                    self._members[gid], self._loaded[gid] = found, self.clock()
                    self._not_before.pop(gid, None)
                if self._inflight.get(gid) is future:
                    self._inflight.pop(gid, None)
        future.set_result(None)

    def clear(self) -> None:
        """Forget everything (and discard listings in flight)."""
        with self._lock:
            self._generation += 1
            self._inflight.clear()
            self._members.clear()
            self._loaded.clear()
            self._not_before.clear()


class RoleResolver:
    """The grants a Slack user holds, from the config (``config``: the roles, or a callable that
    gives the current ones, so a reloaded organisation file applies at once) and the database."""

    def __init__(self, config: RolesConfig | Callable[[], RolesConfig], groups: GroupCache) -> None:
        self._config, self.groups = config, groups

    @property
    def config(self) -> RolesConfig:
        return self._config() if callable(self._config) else self._config

    def _holds(self, subject: str, user_id: str) -> bool:
        if subject == user_id:
            return True
        return subject.startswith("S") and user_id in self.groups.members(subject)

    def group_ids(self, session: Session | None) -> set[str]:
        """Every user group named in the config or in ``role_grants``."""
        out = {s for s, _g in self.config.grants() if s.startswith("S")}
        if session is not None:
            out |= {s for s in session.scalars(select(RoleGrant.subject)) if s.startswith("S")}
        return out

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
