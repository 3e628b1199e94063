"""``opsbot import remittances`` and one ``opsbot import <feed>`` command per CSV feed of
``bot.ingest.registry.CSV_FEEDS`` except appointments (formats in docs/formats/)."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import database_option, engine_for, pseudonym_key_or_exit, settings_or_exit, user_errors
from bot.cli.importing import REJECTS_HELP, exit_if_nothing_loaded, import_cli, note_rejects_retention, run_file_import
from bot.ingest.base import FeedImporter
from bot.ingest.registry import CSV_FEEDS, Feed, importer_class
from bot.orgconfig import load_org_config
from bot.phi_labels import guard_of
from bot.settings import Settings
from storage.db import make_session_factory, session_scope

FILE = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="CSV file")
FORMAT = typer.Option(None, "--format", help="canonical (default: from the header)")
REJECTS = typer.Option(None, "--rejects", help=REJECTS_HELP)
SOURCE = typer.Option(None, "--source", help="Source label of the natural key (default: the format)")
NO_PROGRESS = typer.Option(False, "--no-progress", help="No progress bar")


def _zones(settings: Settings) -> dict[str, str]:
    with user_errors():
        return {c.key: c.timezone for c in load_org_config(settings.opsbot_config).clinics}


def _csv(make: type[FeedImporter], feed: Feed, path: Path, file_format: str | None, rejects: Path | None,
         source: str | None, database: str | None, no_progress: bool, **extra: object) -> None:
    settings = settings_or_exit(DATABASE_URL=database)
    key = pseudonym_key_or_exit(settings)
    kwargs: dict[str, object] = {"timezones": _zones(settings), **extra}
    if source is not None:
        kwargs["source"] = source
    if feed.pseudonymising:
        kwargs["pseudonym_key"] = key
    run_file_import(settings, make(**kwargs), path, file_format=file_format, rejects=rejects, no_progress=no_progress)


@import_cli.command("remittances")
def remittances(
    paths: list[Path] = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="X12 835 file(s)"),
    clinic: str | None = typer.Option(None, "--clinic", help="Clinic key for remittances whose claim is not loaded"),
    database: str | None = database_option(),
) -> None:
    """Import X12 835 remittance files (one feed load per file; problem segments reported).

    ``--clinic`` is matched like a CSV feed's clinic cell (docs/formats/remittances.md); a clinic
    it may not use stops the command before any file is imported."""
    from bot.ingest.remittance_clinic import resolve_remit_clinic
    from bot.ingest.remittances import import_remittance_file

    settings = settings_or_exit(DATABASE_URL=database)
    pseudonym_key_or_exit(settings)  # 835s name patients: same rule as every import
    with user_errors():
        guard = guard_of(load_org_config(settings.opsbot_config))  # for the payer's name (N1*PR)
    engine = engine_for(settings)
    summaries = []
    try:
        default = None
        if clinic is not None:
            with user_errors(), session_scope(make_session_factory(engine)) as session:
                org = load_org_config(settings.opsbot_config).clinics
                default = resolve_remit_clinic(session, clinic, {c.key: c.timezone for c in org},
                                               {c.key: c.name for c in org})
        for path in paths:
            with user_errors(), session_scope(make_session_factory(engine)) as session:
                summary = import_remittance_file(session, path, default_clinic=default, guard=guard)
            note_rejects_retention(settings, summary)
            for line in summary.lines():
                typer.echo(line)
            summaries.append(summary)
    finally:
        engine.dispose()
    exit_if_nothing_loaded(summaries)


def _command(name: str, feed: Feed) -> None:
    def command(path: Path = FILE, file_format: str | None = FORMAT, rejects: Path | None = REJECTS,
                source: str | None = SOURCE, database: str | None = database_option(),
                no_progress: bool = NO_PROGRESS,
                timezone: str | None = typer.Option(None, "--timezone", hidden=not feed.zone_option,
                                                    help="IANA zone for clinics not in OPSBOT_CONFIG")) -> None:
        make = importer_class(name)
        extra = {"default_timezone": timezone} if feed.zone_option else {}
        if source is not None and not feed.has_source:
            typer.secho(f"note: --source does not apply to {name} (its natural key has no source)", err=True)
        _csv(make, feed, path, file_format, rejects, source if feed.has_source else None, database, no_progress,
             **extra)

    command.__doc__ = feed.help
    import_cli.command(name)(command)


for _name, _feed in CSV_FEEDS.items():
    if _name != "appointments":  # its own command (bot.cli.importing): two formats, clinic names
        _command(_name, _feed)
