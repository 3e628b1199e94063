"""Telling "the database is down or hung" apart from a bug (issue 14), and bounding the wait.

:func:`store_unavailable` recognises driver errors that mean the data store cannot be used right
now (refused or dropped connections, connect/statement timeouts, an exhausted pool), so that the
person reads :data:`bot.errors.STORE_NOT_ANSWERING` instead of "something went wrong (ref …)".

:class:`Deadline` runs database work on its own small thread pool and waits at most a budget for
it. A hung database (packets not answered: no driver timeout fires) cannot be interrupted from
Python, but the caller need not wait: it gets :class:`~bot.errors.StoreUnavailable` and can
acknowledge. The abandoned call is told (``abandoned`` event) so that it rolls back rather than
commit work nobody waits for.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.errors import StoreUnavailable

T = TypeVar("T")


def store_unavailable(exc: BaseException) -> bool:
    """True for errors that mean the database is unreachable, hung or overloaded, not a bug:
    SQLAlchemy's ``OperationalError`` / ``InterfaceError`` (connection refused, server closed the
    connection, statement or lock timeout, SQLite "database is locked"), a pool check-out timeout,
    a disconnect, or any DBAPI error flagged ``connection_invalidated``."""
    if isinstance(exc, (StoreUnavailable, OperationalError, InterfaceError, PoolTimeout, DisconnectionError)):
        return True
    return isinstance(exc, DBAPIError) and bool(getattr(exc, "connection_invalidated", False))


class Abandoned(Exception):
    """Raised inside a :class:`Deadline` call whose caller stopped waiting."""


class Deadline:
    """Run ``fn(*args, abandoned=event)`` on a pool, waiting at most ``seconds`` (module doc)."""

    def __init__(self, seconds: float, threads: int = 32, name: str = "opsbot-db") -> None:
        self.seconds = seconds
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn``'s result; raises :class:`~bot.errors.StoreUnavailable` when the budget passes
        or the database is unavailable (:func:`store_unavailable`), and whatever else ``fn`` raises."""
        abandoned = threading.Event()
        future = self.pool.submit(contextvars.copy_context().run, fn, *args, abandoned=abandoned)
        try:
            return future.result(timeout=self.seconds)
        except FutureTimeout:
            abandoned.set()
            raise StoreUnavailable() from None
        except Exception as exc:
            if store_unavailable(exc):
                raise StoreUnavailable() from exc
            raise

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
