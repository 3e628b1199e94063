"""The ``opsbot`` command line (typer). Each sub-module adds its commands to ``cli``.

``opsbot -v <command>`` also shows the libraries' INFO logs, hidden otherwise
(:mod:`bot.observability.quiet`). Settings are read once per command with :func:`bot.cli.common.settings_or_exit`; an invalid or
missing setting prints one message naming it and exits with status 2, never a traceback.
"""

from __future__ import annotations

import typer

cli = typer.Typer(no_args_is_help=True, add_completion=False, help="Clinic Ops Bot: clinic operations in Slack.")


@cli.callback()
def _options(verbose: bool = typer.Option(False, "-v", "--verbose",
                                          help="Also show the libraries' INFO logs (Alembic, APScheduler, Bolt)")) -> None:
    """Clinic Ops Bot: clinic operations in Slack."""
    from bot.observability.quiet import quiet_libraries

    quiet_libraries(verbose)  # issue 17: quiet by default


def _load_commands() -> None:
    from bot.cli import db  # noqa: F401  (registration side effect)

    for optional in ("importing", "importing_feeds", "ask", "serve", "seed", "demo", "jobs", "alerts",
                     "digest", "audit", "ideas", "understand", "status", "privacy", "model", "config"):
        try:
            __import__(f"bot.cli.{optional}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bot.cli.{optional}":
                raise


def main() -> None:
    _load_commands()
    cli()
