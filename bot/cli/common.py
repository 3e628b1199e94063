"""Helpers shared by CLI commands: settings, engine, clear error exits."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy import Engine

from bot.errors import OpsBotError
from bot.settings import Settings, load_settings
from storage.db import make_engine


def settings_or_exit(**overrides: object) -> Settings:
    """Load settings or print the one clear message and exit 2."""
    try:
        settings = load_settings(**{k: v for k, v in overrides.items() if v is not None})
    except OpsBotError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    logging.basicConfig(level=settings.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return settings


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn an ``OpsBotError`` raised inside the block into a message and exit status 2."""
    try:
        yield
    except OpsBotError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


def engine_for(settings: Settings) -> Engine:
    return make_engine(settings.database_url)


def database_option() -> typer.models.OptionInfo:
    return typer.Option(None, "--database", help="Database URL (default: DATABASE_URL or sqlite:///opsbot.db)")
