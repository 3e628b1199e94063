"""``opsbot status`` (the bot's state, as ``/opsbot status`` shows it) and ``opsbot roles
bootstrap U…`` (the first admin, once)."""

from __future__ import annotations

import typer

from bot.cli.common import database_option, engine_for, settings_or_exit, user_errors
from bot.cli.root import cli

roles_cli = typer.Typer(no_args_is_help=True, help="Roles from the command line (the first admin).")
cli.add_typer(roles_cli, name="roles")


@cli.command("status")
def status(database: str | None = database_option()) -> None:
    """Database, organisation file, Slack revocations, each feed's last load and the drop folder."""
    from bot.orgconfig import load_org_config
    from bot.services.status import status_lines
    from storage.db import make_session_factory

    settings = settings_or_exit(DATABASE_URL=database)
    with user_errors():
        org = load_org_config(settings.opsbot_config)
        engine = engine_for(settings)
    try:
        for line in status_lines(engine, make_session_factory(engine), clinics=len(org.clinics),
                                 drop_dir=settings.drop_dir, org_path=settings.opsbot_config):
            typer.echo(line)
    finally:
        engine.dispose()


@roles_cli.command("bootstrap")
def bootstrap(user: str = typer.Argument(..., help="Slack member ID of the first admin (U…)"),
              database: str | None = database_option()) -> None:
    """Make USER the first admin. Works once: refused when anyone already holds admin."""
    from bot.access.bootstrap import admins, grant_first_admin
    from bot.errors import UsageError
    from bot.orgconfig import load_org_config
    from storage.db import make_session_factory, session_scope
    from storage.models import utcnow

    settings = settings_or_exit(DATABASE_URL=database)
    with user_errors():
        roles = load_org_config(settings.opsbot_config).roles
        engine = engine_for(settings)
        try:
            with session_scope(make_session_factory(engine)) as s:
                try:
                    done = grant_first_admin(s, roles, user, "opsbot roles bootstrap", utcnow())
                except ValueError as exc:
                    raise UsageError(f"{user!r}: {exc}. Copy the member ID from the person's Slack profile "
                                     "(⋮ → Copy member ID), e.g. U012AB3CD.") from None
                holders = sorted(admins(s, roles))
        finally:
            engine.dispose()
    if not done:
        typer.echo(f"Not changed: admin is already held by {', '.join(holders)}. Admins grant roles in Slack "
                   "with `/opsbot roles grant @person admin`.", err=True)
        raise typer.Exit(1)
    typer.echo(f"{user.upper()} is now admin (organisation-wide). In Slack: `/opsbot roles` to check.")
