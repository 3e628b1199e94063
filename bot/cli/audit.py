"""``opsbot audit export --since 2026-11-01 [--until 2026-12-01] [--out audit.csv]``."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import typer

from bot.cli.common import database_option, engine_for, settings_or_exit, user_errors
from bot.cli.root import cli
from bot.errors import UsageError
from storage.db import make_session_factory, session_scope

audit_cli = typer.Typer(no_args_is_help=True, help="The audit trail (append-only).")
cli.add_typer(audit_cli, name="audit")


def parse_instant(text: str, option: str) -> datetime:
    """``YYYY-MM-DD`` (midnight UTC) or an ISO 8601 instant → naive UTC.

    Raises:
        UsageError: naming the option and the accepted forms.
    """
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time())
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{option}: '{text}' is not a date (YYYY-MM-DD) or ISO 8601 instant "
                         "(e.g. 2026-11-01T08:00Z).") from None
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


@audit_cli.command("export")
def export(since: str = typer.Option(..., "--since", help="Start (inclusive): YYYY-MM-DD or ISO instant, UTC"),
           until: str | None = typer.Option(None, "--until", help="End (exclusive); default: now"),
           out: Path | None = typer.Option(None, "--out", help="CSV file to write (default: standard output)"),
           database: str | None = database_option()) -> None:
    """Write the audit trail between --since and --until as CSV, in the order it was written."""
    from bot.audit.export import export_csv

    settings = settings_or_exit(DATABASE_URL=database)
    with user_errors():
        start = parse_instant(since, "--since")
        end = parse_instant(until, "--until") if until else None
        if end is not None and end <= start:
            raise UsageError("--until must be after --since.")
    engine = engine_for(settings)
    try:
        with session_scope(make_session_factory(engine)) as session:
            if out is None:
                n = export_csv(session, sys.stdout, start, end)
            else:
                with out.open("w", encoding="utf-8", newline="") as fh:
                    n = export_csv(session, fh, start, end)
    finally:
        engine.dispose()
    typer.echo(f"{n} audit rows exported" + (f" to {out}" if out else ""), err=True)
