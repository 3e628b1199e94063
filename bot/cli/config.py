"""``opsbot config check [FILE]``: validate the organisation file without starting anything."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import settings_or_exit, user_errors
from bot.cli.root import cli

config_cli = typer.Typer(no_args_is_help=True, help="The organisation file (OPSBOT_CONFIG).")
cli.add_typer(config_cli, name="config")


@config_cli.command("check")
def check(path: Path | None = typer.Argument(None, help="The file to check (default: OPSBOT_CONFIG)")) -> None:
    """Load and validate the organisation file the way start-up does; exit 2 naming the first
    unknown or invalid key (with the closest known key), else print a one-line summary."""
    from bot.errors import ConfigurationError
    from bot.orgconfig import load_org_config

    settings = settings_or_exit()
    target = path or settings.opsbot_config
    with user_errors():
        if target is None:
            raise ConfigurationError("OPSBOT_CONFIG: not set; name a file: opsbot config check org.yml")
        org = load_org_config(target)
    typer.echo(f"{target}: valid — {org.organisation}, {len(org.clinics)} clinics, "
               f"{len(org.roles.grants())} role grants")
