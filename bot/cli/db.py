"""``opsbot db upgrade``: apply the Alembic migrations."""

from __future__ import annotations

import typer

from bot.cli.common import database_option, safe_url, settings_or_exit
from bot.cli.root import cli
from storage import migrate

db_cli = typer.Typer(no_args_is_help=True, help="Database schema.")
cli.add_typer(db_cli, name="db")


@db_cli.command("upgrade")
def upgrade(database: str | None = database_option(), revision: str = typer.Argument("head")) -> None:
    """Create or migrate the database schema to the newest revision."""
    from sqlalchemy.exc import SQLAlchemyError

    settings = settings_or_exit(DATABASE_URL=database)
    try:
        migrate.upgrade(settings.database_url, revision)
    except SQLAlchemyError as exc:
        text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        typer.secho(f"error: DATABASE_URL: cannot migrate {safe_url(settings.database_url)}: "
                    f"{text[0] if text else type(exc).__name__}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    typer.echo(f"database at {revision}: {safe_url(settings.database_url)}")

