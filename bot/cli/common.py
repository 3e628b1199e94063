"""Helpers shared by CLI commands: settings, engine, clear error exits."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import OpsBotError
from bot.observability.quiet import quiet_handlers
from bot.settings import Settings, database_from, load_settings, set_database_from
from storage.db import make_engine, session_scope


def settings_or_exit(**overrides: object) -> Settings:
    """Load settings or print the one clear message and exit 2."""
    try:
        settings = load_settings(**{k: v for k, v in overrides.items() if v is not None})
    except OpsBotError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    if overrides.get("DATABASE_URL") is not None:  # every command's --database option (database_option)
        set_database_from(settings, "--database")
    logging.basicConfig(level=settings.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    quiet_handlers()
    return settings


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn an ``OpsBotError`` raised inside the block into a message and exit status 2."""
    try:
        yield
    except OpsBotError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


def engine_for(settings: Settings, *, check_schema: bool = True, serving: bool = False) -> Engine:
    """An engine on ``DATABASE_URL``; unless ``check_schema`` is False, a database that cannot be
    reached or whose schema is behind stops the command with one message (exit 2).

    Every engine gives up connecting after ``OPSBOT_DB_CONNECT_TIMEOUT``; a ``serving`` one (serve,
    socket) also waits at most ``OPSBOT_DB_POOL_TIMEOUT`` for a pooled connection (SQLite: for the
    write lock) and has ``OPSBOT_DB_STATEMENT_TIMEOUT_MS`` (issue 14). Imports and jobs keep the
    long waits their big transactions need."""
    bounded: dict[str, object] = {"connect_timeout": settings.db_connect_timeout}
    if serving:
        bounded.update(pool_timeout=settings.db_pool_timeout, statement_timeout_ms=settings.db_statement_timeout_ms)
    engine = make_engine(settings.database_url, **bounded)  # type: ignore[arg-type]
    if check_schema:
        problem = schema_problem(engine, database_from(settings))
        if problem:
            engine.dispose()
            typer.secho(f"error: {problem}", fg=typer.colors.RED, err=True)
            raise typer.Exit(2)
    return engine


def schema_problem(engine: Engine, setting: str = "DATABASE_URL") -> str | None:
    """Why the database cannot be used as it is, or None: one line naming ``setting`` (the
    option or variable that gave the URL) and the command that fixes it, with the same option.

    "--database: sqlite:////tmp/x.db has no schema yet; create it with: opsbot db upgrade
    --database sqlite:////tmp/x.db"; a schema behind the newest migration says so. A password in
    the URL is masked (:func:`safe_url`)."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.migrate import current_revision, head_revision

    url = safe_url(engine.url.render_as_string(hide_password=False))
    again = f"opsbot db upgrade --database {url}" if setting == "--database" else "opsbot db upgrade"
    try:
        current = current_revision(engine)
        if current is None:
            return f"{setting}: {url} has no schema yet; create it with: {again}"
        if current != head_revision(str(engine.url)):
            return f"{setting}: the schema of {url} is not at the newest migration; run: {again}"
    except SQLAlchemyError as exc:
        return f"{setting}: cannot use the database {url} ({_first_line(exc)})"
    return None


def safe_url(url: str) -> str:
    """The database URL as it may be shown: its password masked (``postgresql://u:***@h/db``)."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def database_option() -> Any:
    """The ``--database`` option. Typed ``Any`` as ``typer.Option`` is: typer reads the option object
    given as the default, while the parameter's own type (``str | None``) is what the command sees."""
    return typer.Option(None, "--database", help="Database URL (default: DATABASE_URL or sqlite:///opsbot.db)")


# options given to a command group (``opsbot import --dev-key``), set by its callback per run
GROUP_OPTIONS: dict[str, object] = {}


def pseudonym_key_or_exit(settings: Settings, dev_switch: bool | None = None) -> str:
    """The pseudonym key (``bot.pseudonym_key``), or the one clear message and exit 2.

    ``dev_switch`` None reads ``--dev-key`` given to the command group (``opsbot import
    --dev-key …``, kept in :data:`GROUP_OPTIONS` by the group's callback for this one run).
    With the development key, says so on standard error.
    """
    from bot.pseudonym_key import DEV_NOTICE, require_pseudonym_key, uses_development_key

    if dev_switch is None:
        dev_switch = bool(GROUP_OPTIONS.get("dev_key"))
    with user_errors():
        key = require_pseudonym_key(settings, dev_switch)
    if uses_development_key(settings):
        typer.secho(f"warning: {DEV_NOTICE}", fg=typer.colors.YELLOW, err=True)
    return key


def refuse_other_pseudonym_key(sessions: sessionmaker[Session], key: str, command: str) -> None:
    """Stop ``command`` with one message (exit 2) when ``key`` is not the pseudonym key the
    database's recorded fingerprint is of (``bot.pseudonym_key_check``). A database with none yet,
    or one not answering or not migrated yet (the command's own readiness check speaks of that),
    passes silently."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.pseudonym_key_check import refuse_other_key  # bot.privacy: numpy and pandas, for three commands

    if not key:
        return
    with user_errors():
        try:
            with session_scope(sessions) as session:
                refuse_other_key(session, key, f"{command} was not started.")
        except SQLAlchemyError:
            return
