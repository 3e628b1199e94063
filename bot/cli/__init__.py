"""The ``opsbot`` command line (typer). Each sub-module adds its commands to ``cli``.

``opsbot -v <command>`` also shows the libraries' INFO logs, hidden otherwise
(:mod:`bot.observability.quiet`). Settings are read once per command with :func:`bot.cli.common.settings_or_exit`; an invalid or
missing setting prints one message naming it and exits with status 2, never a traceback.
"""

from __future__ import annotations

# every command module, each adding its commands to ``cli`` (an explicit list, issue 17)
from bot.cli import (  # noqa: F401
    alerts,
    ask,
    audit,
    clinics,
    config,
    db,
    demo,
    digest,
    importing,
    importing_feeds,
    jobs,
    model,
    privacy,
    seed,
    serve,
    status,
    understand,
)
from bot.cli.root import cli


def main() -> None:
    cli()


__all__ = ["cli", "main"]
