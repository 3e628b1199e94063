"""``opsbot ask "/kpi no-show-rate all"``: ask the bot locally, print what it would answer."""

from __future__ import annotations

import logging

import typer

from bot.cli.common import database_option, engine_for, settings_or_exit, user_errors
from bot.cli.root import cli


@cli.command("ask")
def ask_command(
    command_text: str = typer.Argument(..., help='A slash command, e.g. "/kpi no-show-rate all"'),
    user: str = typer.Option("U0LOCAL", "--user", help="Slack user id the command comes from"),
    channel: str = typer.Option("C0LOCAL", "--channel", help="Slack channel id it is typed in"),
    timeout: float = typer.Option(20.0, "--timeout", help="Seconds to wait for replies to settle"),
    database: str | None = database_option(),
) -> None:
    """Run a slash command through the bot in-process against a local Slack stand-in.

    Needs no Slack settings: a generated signing secret and a dummy token are used, and every
    Web API call the bot makes is captured and printed, never sent.
    """
    from devtools.asking import ask, format_result

    settings = settings_or_exit(DATABASE_URL=database)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # the schema check is not news here
    with user_errors():
        engine = engine_for(settings)  # a missing or old schema: one message naming the setting, exit 2
        result = ask(command_text, settings=settings, engine=engine, user_id=user, channel_id=channel,
                     timeout=timeout)
    typer.echo(format_result(command_text, result))
