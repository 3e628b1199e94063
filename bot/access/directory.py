"""A typed ``@handle`` → a Slack user or user-group id, looked up AFTER the acknowledgement.

Slack delivers ``/opsbot roles grant @jane …`` as typed when a command has ``should_escape:
false`` (and for a name Slack did not link). The name is matched, case-insensitively, against
``users.list`` (``name``, ``profile.display_name``, ``profile.display_name_normalized``) and
``usergroups.list`` (``handle``), both paged and cached for ``ttl`` seconds (300). Deleted users
and bots are skipped. Only listeners call this, after ``ack()``: the guard never does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from bot.errors import UsageError

MAX_PAGES = 50  # 50 × 200 people: far beyond a health system's workspace


class Directory:
    """Handles of people and user groups, from the Web API through ``client`` (a ``WebClient``)."""

    def __init__(self, client_of: Callable[[], Any], ttl: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client_of, self.ttl, self.clock = client_of, ttl, clock
        self._names: dict[str, set[str]] = {}
        self._at: float | None = None
        self._lock = threading.Lock()

    def resolve(self, handle: str, client: Any = None) -> str:
        """The id for ``@handle`` (no ``@``).

        Raises:
            UsageError: nobody has that name, or several people do (with what to type instead).
        """
        try:
            names = self._load(client)
        except Exception as exc:  # noqa: BLE001 - Slack refused or is unreachable: say so, plainly
            code = getattr(getattr(exc, "response", None), "get", lambda _k: None)("error") or type(exc).__name__
            hint = (" The app lacks the users:read scope: reinstall it from the current manifest.yml."
                    if code == "missing_scope" else "")
            raise UsageError(f"I could not look up `@{handle}` in Slack just now ({code}).{hint} Pick the person "
                             "from Slack's list as you type `@`, or give their member ID.") from None
        found = sorted(names.get(handle.lower().lstrip("@"), set()))
        if not found:
            raise UsageError(f"I can't find anyone called `@{handle}` in this workspace. Pick the person "
                             "from Slack's list as you type `@`, or give their member ID (profile → ⋮ → "
                             "Copy member ID).")
        if len(found) > 1:
            raise UsageError(f"More than one person is called `@{handle}` ({', '.join(f'<@{u}>' for u in found)}). "
                             "Pick the person from Slack's list as you type `@`, or give their member ID.")
        return found[0]

    def _load(self, client: Any) -> dict[str, set[str]]:
        with self._lock:
            if self._at is not None and self.clock() - self._at < self.ttl:
                return self._names
            names = _fetch(client if client is not None else self.client_of())
            self._names, self._at = names, self.clock()
            return names

    def forget(self) -> None:
        with self._lock:
            self._at = None


def _fetch(client: Any) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}

    def add(name: Any, ident: str) -> None:
        if name:
            names.setdefault(str(name).lower(), set()).add(ident)

    cursor = ""
    for _ in range(MAX_PAGES):
        page = client.users_list(limit=200, cursor=cursor or None)
        for member in page.get("members") or []:
            if member.get("deleted") or member.get("is_bot"):
                continue
            profile = member.get("profile") or {}
            for name in (member.get("name"), profile.get("display_name"), profile.get("display_name_normalized")):
                add(name, str(member["id"]))
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
        if not cursor:
            break
    for group in client.usergroups_list().get("usergroups") or []:
        add(group.get("handle"), str(group["id"]))
    return names
