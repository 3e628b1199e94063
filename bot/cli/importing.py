"""``opsbot import ...``: load feed files. ``import_cli`` is the sub-app other modules extend
(``bot/cli/importing_feeds.py`` adds claims, slots, remittances, ...)::

    from bot.cli.importing import import_cli, run_file_import
"""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import (
    GROUP_OPTIONS,
    database_option,
    engine_for,
    pseudonym_key_or_exit,
    settings_or_exit,
    user_errors,
)
from bot.cli.root import cli
from bot.ingest.base import FeedImporter, ImportSummary
from bot.ingest.runner import run_import
from bot.orgconfig import load_org_config
from bot.phi_labels import guard_of
from bot.settings import Settings
from storage.db import make_session_factory, session_scope

import_cli = typer.Typer(no_args_is_help=True, help="Load feed files (CSV) into the database.")
cli.add_typer(import_cli, name="import")


@import_cli.callback()
def _import_options(dev_key: bool = typer.Option(
        False, "--dev-key", help="Use the public development pseudonym key (demos and tests only)")) -> None:
    """Load feed files (CSV) into the database. Needs OPSBOT_PSEUDONYM_KEY (or --dev-key for demos)."""
    GROUP_OPTIONS["dev_key"] = dev_key

REJECTS_HELP = ("Where to write rejected rows (default: rejects/<file>.<UTC time>-<run id>.rejects.csv in the "
                "working directory, a new file per run)")


def run_file_import(settings: Settings, importer: FeedImporter, path: Path, *, file_format: str | None,
                    rejects: Path | None, no_progress: bool) -> ImportSummary:
    """Run one import in its own session/transaction and print the summary (stdout). The display
    fields are checked with the organisation's identifier guard (:mod:`bot.ingest.labels`)."""
    with user_errors():
        guard = guard_of(load_org_config(settings.opsbot_config))
    engine = engine_for(settings)
    try:
        with user_errors(), session_scope(make_session_factory(engine)) as session:
            summary = run_import(session, importer, path, file_format=file_format, rejects_path=rejects,
                                 progress=False if no_progress else None, guard=guard)
    finally:
        engine.dispose()
    note_rejects_retention(settings, summary)
    for line in summary.lines():
        typer.echo(line)
    exit_if_nothing_loaded([summary])
    return summary


def exit_if_nothing_loaded(summaries: list[ImportSummary]) -> None:
    """Exit with status 1 when a file had rows and every one was rejected (the summary is already
    printed), so a script or cron job can tell the load failed; 0 otherwise."""
    if any(s.rejected and not (s.imported or s.updated or s.unchanged) for s in summaries):
        typer.secho("error: nothing was imported from a file: every row was rejected (reasons above)",
                    fg=typer.colors.RED, err=True)
        raise typer.Exit(1)


def note_rejects_retention(settings: Settings, summary: ImportSummary) -> None:
    """Name in the report the date the retention job deletes the rejects file (issue 15)."""
    from datetime import date, timedelta

    if summary.rejects_path is not None:
        with user_errors():
            days = load_org_config(settings.opsbot_config).rejects_retention_days
        summary.rejects_deleted_after = date.today() + timedelta(days=days)


@import_cli.command("appointments")
def appointments(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="CSV file"),
    file_format: str | None = typer.Option(None, "--format", help="canonical | kaggle-noshow (default: from the header)"),
    rejects: Path | None = typer.Option(None, "--rejects", help=REJECTS_HELP),
    timezone: str | None = typer.Option(None, "--timezone", help="IANA zone for clinics not in OPSBOT_CONFIG"),
    source: str | None = typer.Option(None, "--source", help="Source label of the natural key (default: the format)"),
    database: str | None = database_option(),
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar"),
) -> None:
    """Import appointments (canonical CSV or the Kaggle no-show export)."""
    from bot.ingest.appointments import AppointmentsImporter

    settings = settings_or_exit(DATABASE_URL=database)
    key = pseudonym_key_or_exit(settings)
    with user_errors():
        org = load_org_config(settings.opsbot_config)
        _check_zone(timezone)
    importer = AppointmentsImporter(
        key, timezones={c.key: c.timezone for c in org.clinics},
        clinic_names={c.key: c.name for c in org.clinics}, default_timezone=timezone, source=source)
    run_file_import(settings, importer, path, file_format=file_format, rejects=rejects, no_progress=no_progress)


def _check_zone(zone: str | None) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from bot.errors import UsageError

    if zone is None:
        return
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--timezone: not an IANA time zone: {zone!r} (e.g. America/New_York)") from None
