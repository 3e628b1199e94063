"""``opsbot privacy check "TEXT" [--json]``: what the patient-identifier guard finds in a text.

For an admin testing the organisation's ``phi_patterns`` and ``phi_known_names`` (read from
``OPSBOT_CONFIG``) and, when ``DATABASE_URL`` is reachable, the provider table. ``TEXT`` of ``-``
reads standard input and checks each line. Human output: one line per finding (kind, masked
value, character positions); ``--json``: one JSON object per finding
(``{"kind", "label", "masked", "start", "end"[, "line"]}``), nothing when the text is clean.
Exit status 0 either way (2 for an invalid setting or pattern).
"""

from __future__ import annotations

import json
import sys

import typer

from bot.cli.common import settings_or_exit, user_errors
from bot.cli.root import cli
from bot.phi_guard import Finding, Guard, find_identifiers

privacy_cli = typer.Typer(no_args_is_help=True, help="Patient-privacy tools.")
cli.add_typer(privacy_cli, name="privacy")


def _guard(with_providers: bool) -> Guard:
    from bot.orgconfig import load_org_config

    settings = settings_or_exit()
    with user_errors():
        org = load_org_config(settings.opsbot_config)
        names = list(org.phi_known_names)
        if with_providers:
            names += _provider_names(settings.database_url)
        return Guard.build(org.phi_patterns, names)


def _provider_names(url: str) -> list[str]:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.staff_names import provider_names
    from storage.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            from sqlalchemy.orm import Session

            with Session(bind=conn) as session:
                return provider_names(session)
    except SQLAlchemyError:
        return []  # no database here: the org file's names only
    finally:
        engine.dispose()


def _line(f: Finding, line: int | None, as_json: bool) -> str:
    if as_json:
        row = {"kind": f.kind, "label": f.label, "masked": f.hint, "start": f.start, "end": f.end}
        return json.dumps(row | ({"line": line} if line is not None else {}), ensure_ascii=False)
    where = f"line {line}, " if line is not None else ""
    return f"{f.kind:<15} {f.hint:<24} {where}characters {f.start}–{f.end}"


@privacy_cli.command("check")
def check(text: str = typer.Argument(..., help="The text to check; '-' reads standard input, one text a line"),
          as_json: bool = typer.Option(False, "--json", help="JSON lines: kind, label, masked, start, end"),
          providers: bool = typer.Option(True, "--providers/--no-providers",
                                         help="Also treat the provider table's names as staff")) -> None:
    """Print every likely patient identifier the guard finds in TEXT (masked, never the value)."""
    guard = _guard(providers)
    texts = sys.stdin.read().splitlines() if text == "-" else [text]
    total = 0
    for number, item in enumerate(texts, start=1):
        for finding in find_identifiers(item, guard):
            total += 1
            typer.echo(_line(finding, number if text == "-" else None, as_json))
    if not as_json and total == 0:
        typer.echo("No patient identifiers found.")
