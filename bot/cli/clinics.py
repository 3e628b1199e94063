"""``opsbot clinics``: the clinics a command can name, from the database and the organisation file."""

from __future__ import annotations

import typer

from bot.cli.common import database_option, engine_for, safe_url, settings_or_exit, user_errors
from bot.cli.root import cli


@cli.command("clinics")
def clinics_cmd(database: str | None = database_option()) -> None:
    """List every clinic a command can name (``--clinic KEY``): key, name, time zone, and whether the
    database holds data for it or only the organisation file names it."""
    from bot.clinic_names import known_clinics
    from bot.orgconfig import load_org_config
    from storage.db import make_session_factory, session_scope

    settings = settings_or_exit(DATABASE_URL=database)
    with user_errors():
        org = load_org_config(settings.opsbot_config)
        engine = engine_for(settings)
        try:
            with session_scope(make_session_factory(engine)) as s:
                known = known_clinics(s, org)
        finally:
            engine.dispose()
    typer.echo(f"{len(known):,} clinics in {safe_url(settings.database_url)}"
               + (f" and {settings.opsbot_config}" if settings.opsbot_config else ""))
    for c in known:
        where = "" if c.id is not None else "  (organisation file only, no data yet)"
        typer.echo(f"  {c.key:24} {c.name}  [{c.timezone or 'UTC'}]{where}")
