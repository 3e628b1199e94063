"""``opsbot seed``: generate a realistic synthetic clinic network into the database."""

from __future__ import annotations

from datetime import date, datetime

import typer

from bot.cli.common import database_option, engine_for, settings_or_exit, user_errors
from bot.cli.root import cli


@cli.command("seed")
def seed(
    clinics: int = typer.Option(6, "--clinics", min=1, max=500, help="Number of clinics."),
    days: int = typer.Option(120, "--days", min=30, max=1098, help="Days of history ending on --end-date."),
    seed_value: int = typer.Option(1, "--seed", help="Random seed: the same seed gives identical rows."),
    end_date: str = typer.Option(None, "--end-date", help="Last day of history, YYYY-MM-DD (default: today)."),
    database: str | None = database_option(),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show progress bars on stderr."),
    quiet: bool = typer.Option(False, "--quiet", help="Plant no events: a quiet network that should raise no alert."),
) -> None:
    """Generate clinics, schedules, appointments, claims, remittances, ledger, supplies, compliance,
    audits and surveys (with planted events for every alert type unless --quiet), and print what was made."""
    from bot.pseudonym_key_check import record_key
    from devtools.seed import SeedParams, seed_database
    from storage.db import make_session_factory, session_scope

    settings = settings_or_exit(DATABASE_URL=database)
    try:
        end = datetime.strptime(end_date, "%Y-%m-%d").date() if end_date else date.today()
    except ValueError:
        typer.secho(f"error: --end-date must be YYYY-MM-DD, got {end_date!r}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    with user_errors():
        params = SeedParams(clinics=clinics, days=days, seed=seed_value, end_date=end, plant_events=not quiet)
        engine = engine_for(settings)
        try:
            key = settings.secret("pseudonym_key") or ""
            with session_scope(make_session_factory(engine)) as session:
                if key:  # the seeded pseudonyms' key, as an import records it (another key's database: refused)
                    record_key(session, key, "Nothing was seeded.")
                report = seed_database(session, params, pseudonym_key=key, progress=progress)
        finally:
            engine.dispose()
    for line in report.lines():
        typer.echo(line)
