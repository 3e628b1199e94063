"""``opsbot demo``: the main job — fresh SQLite, a generated network, a guided tour of the bot."""

from __future__ import annotations

import logging
from pathlib import Path

import typer

from bot.cli.common import user_errors
from bot.cli.root import cli


@cli.command("demo")
def demo(
    database: Path | None = typer.Option(None, "--database", help="SQLite file to create (default: a temp dir)."),
    keep: bool = typer.Option(False, "--keep", help="Keep the temporary database after the tour."),
    clinics: int = typer.Option(6, "--clinics", min=1, max=50),
    days: int = typer.Option(120, "--days", min=30, max=730),
    seed: int = typer.Option(1, "--seed"),
) -> None:
    """Seed a small clinic network and show every capability as the bot would post it in Slack.

    Needs no Slack workspace: the real bot runs in-process against a local stand-in Slack.
    """
    from devtools.demo.tour import run_demo

    logging.basicConfig(level=logging.WARNING)
    for noisy in ("alembic", "slack_bolt", "slack_sdk"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    with user_errors():
        failed = run_demo(database, keep=keep, clinics=clinics, days=days, seed=seed, echo=typer.echo)
    if failed:
        raise typer.Exit(1)
