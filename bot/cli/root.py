"""The ``opsbot`` root command and its options; every command module adds itself to ``cli``."""

from __future__ import annotations

import typer

cli = typer.Typer(no_args_is_help=True, add_completion=False, help="Clinic Ops Bot: clinic operations in Slack.")


@cli.callback()
def _options(verbose: bool = typer.Option(False, "-v", "--verbose",
                                          help="Also show INFO logs: the libraries' (Alembic, APScheduler, Bolt) and the bot's own")) -> None:
    """Clinic Ops Bot: clinic operations in Slack."""
    from bot.observability.quiet import quiet_libraries

    quiet_libraries(verbose)  # issue 17: quiet by default
