"""The request being served, as a context variable (set by ``bot.slack.middleware``).

Bolt runs listeners on its listener executor and our slow work on ``AppContext.workers``; both
are :class:`ContextExecutor`\\ s, which run each task in a copy of the submitting thread's
context, so services deep in a listener see who asked (``current()``) without the payload being
threaded through every call. Outside a Slack request (CLI, jobs, tests calling services) there is
no current request: those callers are trusted local operators and the checks below allow.
"""

from __future__ import annotations

import contextvars
import itertools
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bot.access.policy import Decision, Permission, decide
from bot.access.roles import Grant
from bot.errors import PermissionDenied


@dataclass
class RequestScope:
    """Who is asking (``grants`` resolved once per request) and the audit identity of the request."""

    request_id: str
    kind: str
    action: str
    team_id: str | None = None
    user_id: str | None = None
    channel_id: str | None = None
    grants: frozenset[Grant] = frozenset()
    anonymous: bool = False  # an anonymous idea: no user id and no change rows in the audit trail
    _seq: Any = field(default_factory=lambda: itertools.count(1), repr=False)

    def next_seq(self) -> int:
        """The next audit sequence number for a change row of this request (1, 2, …)."""
        return next(self._seq)

    def decide(self, permission: Permission, clinic: str | None = None) -> Decision:
        return decide(self.grants, permission, clinic)


_current: contextvars.ContextVar[RequestScope | None] = contextvars.ContextVar("opsbot_request", default=None)


def current() -> RequestScope | None:
    return _current.get()


def bind(scope: RequestScope | None) -> contextvars.Token[RequestScope | None]:
    return _current.set(scope)


def unbind(token: contextvars.Token[RequestScope | None]) -> None:
    _current.reset(token)


def allows(permission: Permission, clinic: str | None = None) -> bool:
    """Whether the current requester holds ``permission`` at ``clinic`` (True outside a request)."""
    scope = current()
    return True if scope is None else scope.decide(permission, clinic).allowed


def require(permission: Permission, clinic: str | None = None) -> None:
    """Raises:
        PermissionDenied: the current requester lacks ``permission`` at ``clinic``; the message
            is the polite explanation of the role needed."""
    scope = current()
    if scope is None:
        return
    decision = scope.decide(permission, clinic)
    if not decision.allowed:
        raise PermissionDenied(decision.message or "Sorry, you can't do that.")


class ContextExecutor(ThreadPoolExecutor):
    """A ``ThreadPoolExecutor`` whose tasks run in a copy of the submitter's ``contextvars``."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        ctx = contextvars.copy_context()
        return super().submit(ctx.run, fn, *args, **kwargs)
