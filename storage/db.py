"""Engine and session scope (CONVENTIONS §4: one session per interaction and per job run).

``make_engine(url)`` gives an engine for SQLite (file or memory) or PostgreSQL (psycopg 3);
``session_scope(factory)`` commits on success and rolls back on any exception.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, Result, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, *, connect_timeout: int | None = None, pool_timeout: float | None = None,
                statement_timeout_ms: int | None = None, **kwargs: object) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout for concurrent use.

    Bounded waits (issue 14), each optional: ``connect_timeout`` (seconds; libpq's
    ``connect_timeout``, at least 2), ``pool_timeout`` (seconds to wait for a pooled connection;
    on SQLite it sets the busy timeout, how long a writer waits for the lock, to at least 5 s:
    writers queue behind each other's short transactions under load; default 30 s), and
    ``statement_timeout_ms`` (PostgreSQL ``statement_timeout``; 0 = none). A server that accepts
    packets and never answers is not caught by any of them: see ``bot.store_health.Deadline``.
    """
    if url.startswith("sqlite"):
        busy = max(5.0, pool_timeout) if pool_timeout is not None else 30
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": busy})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
        if pool_timeout is not None:
            kwargs.setdefault("pool_timeout", pool_timeout)
    connect_args: dict[str, object] = dict(kwargs.pop("connect_args", None) or {})  # type: ignore[call-overload]
    if connect_timeout is not None:
        connect_args.setdefault("connect_timeout", max(2, int(connect_timeout)))
    if statement_timeout_ms:
        connect_args.setdefault("options", f"-c statement_timeout={int(statement_timeout_ms)}")
    if connect_args:
        kwargs["connect_args"] = connect_args
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield a session; commit if the block succeeds, roll back and re-raise otherwise."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def rows_affected(result: Result[Any]) -> int:
    """How many rows an executed INSERT … SELECT, UPDATE or DELETE wrote (``rowcount``; 0 when the
    driver does not say). ``Session.execute`` is typed to return a ``Result``; for these statements
    it is a ``CursorResult``."""
    return int(cast("CursorResult[Any]", result).rowcount or 0)
