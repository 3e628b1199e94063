"""``opsbot config check [FILE]``: validate the organisation file without starting anything."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import database_option, engine_for, settings_or_exit, user_errors
from bot.cli.root import cli
from bot.settings import Settings, database_from

config_cli = typer.Typer(no_args_is_help=True, help="The organisation file (OPSBOT_CONFIG).")
cli.add_typer(config_cli, name="config")


@config_cli.command("check")
def check(path: Path | None = typer.Argument(None, help="The file to check (default: OPSBOT_CONFIG)"),
          database: str | None = database_option()) -> None:
    """Load and validate the organisation file the way start-up does; exit 2 naming every invalid
    entry (an unknown key with the closest known key), else print a one-line summary.

    A file that lists no clinics (they come from the database) has its clinic references
    (``roles``, ``alerts.clinics``) checked against the database's clinics; feed names in
    ``alerts.stale_data.feeds`` are checked against the importers' (``bot.ingest.registry``); a database that
    cannot be read is said in the summary ("clinic keys not checked"), not treated as an error."""
    from bot.errors import ConfigurationError
    from bot.ingest.registry import feed_names
    from bot.orgconfig import load_org_config

    settings = settings_or_exit(DATABASE_URL=database)
    target = path or settings.opsbot_config
    note = ""
    with user_errors():
        if target is None:
            raise ConfigurationError("OPSBOT_CONFIG: not set; name a file: opsbot config check org.yml")
        org = load_org_config(target)
        if problems := org.unknown_feed_references(feed_names()):
            raise ConfigurationError(f"OPSBOT_CONFIG ({target}): {'; '.join(problems)}")
        if not org.clinics and (org.roles.clinic_keys() or org.alerts.clinics):
            known = database_clinic_keys(settings)
            if known is None:
                note = f"; clinic keys not checked: the file lists no clinics and {database_from(settings)} cannot be read"
            elif problems := org.unknown_clinic_references(known):
                raise ConfigurationError(f"OPSBOT_CONFIG ({target}): {'; '.join(problems)} "
                                         f"(the file lists no clinics; known: the database's clinics)")
    typer.echo(f"{target}: valid — {org.organisation}, {len(org.clinics)} clinics, "
               f"{len(org.roles.grants())} role grants{note}")


def database_clinic_keys(settings: Settings) -> list[str] | None:
    """The clinic keys in the database, or None when it cannot be read (absent, no schema)."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from storage.models import Clinic

    engine = engine_for(settings, check_schema=False)
    try:
        with engine.connect() as conn:
            return list(conn.scalars(select(Clinic.key)))
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()
