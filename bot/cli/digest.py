"""``opsbot digest preview|send-due|list|subscribe``: the daily digest from the terminal."""

from __future__ import annotations

import json

import typer

from bot.cli.common import database_option, settings_or_exit, user_errors
from bot.cli.root import cli

digest_cli = typer.Typer(no_args_is_help=True, help="The daily digest (subscriptions, preview, sending).")
cli.add_typer(digest_cli, name="digest")


def _ctx(database: str | None, deliver: bool = True):  # type: ignore[no-untyped-def]
    from bot.cli.jobs import job_context

    settings = settings_or_exit(DATABASE_URL=database)
    with user_errors():
        return job_context(settings, deliver=deliver)


def _now(value: str | None):  # type: ignore[no-untyped-def]
    from bot.cli.jobs import _parse_now
    from storage.models import utcnow

    return _parse_now(value) or utcnow()


@digest_cli.command("preview")
def preview(clinics: list[str] = typer.Argument(None, metavar="[CLINIC]...",
                                                help="Clinic keys or names, as in Slack's /digest preview"),
            clinic: list[str] = typer.Option([], "--clinic", help="Clinic key or name (repeatable; default: the channel's)"),
            channel: str = typer.Option("C0PREVIEW", "--channel", help="Channel whose subscription to preview"),
            now: str | None = typer.Option(None, "--now", help="As of this instant (ISO; naive = UTC)"),
            as_json: bool = typer.Option(False, "--json", help="Print the Block Kit JSON instead of text"),
            database: str | None = database_option()) -> None:
    """Print the digest as it would be posted now (nothing is sent or recorded)."""
    from bot.digest.service import digest_reply
    from bot.errors import UsageError
    from bot.render_text import render
    from storage.db import session_scope

    ctx = _ctx(database, deliver=False)
    with user_errors(), session_scope(ctx.sessions) as s:
        try:
            named = [*(clinics or []), *clinic]
            replies = digest_reply(s, ctx.org, ctx.alerts, "preview " + " ".join(named), channel, None, _now(now))
        except UsageError as exc:
            if str(exc).startswith("Which clinic?"):  # the Slack wording names the slash command
                raise UsageError("Which clinic? Name one with --clinic KEY (repeatable) or --clinic all.") from None
            raise
        finally:
            s.rollback()  # a preview changes nothing (not even a clinic row created from the org config)
    for i, (blocks, _text) in enumerate(replies):
        if i:
            typer.echo(f"\n── in the thread (part {i + 1}) ──")
        typer.echo(json.dumps(blocks, indent=2, ensure_ascii=False) if as_json else render(blocks))


@digest_cli.command("send-due")
def send_due(now: str | None = typer.Option(None, "--now", help="As of this instant (ISO; naive = UTC)"),
             no_deliver: bool = typer.Option(False, "--no-deliver", help="Queue only; send on the next sweep"),
             database: str | None = database_option()) -> None:
    """Queue and send every digest whose local time has come (what the scheduler runs)."""
    from jobs.runner import run_job

    outcome = run_job(_ctx(database, deliver=not no_deliver), "digest", None, _now(now))
    typer.echo(json.dumps({"ok": outcome.ok, "ref": outcome.ref, "summary": outcome.summary,
                           "error": outcome.error}, indent=2, default=str))
    if not outcome.ok:
        raise typer.Exit(1)


@digest_cli.command("list")
def list_cmd(now: str | None = typer.Option(None, "--now"), database: str | None = database_option()) -> None:
    """Subscriptions and their next run time (clinic-local)."""
    from bot.digest.service import describe
    from bot.digest.subscriptions import list_subscriptions
    from storage.db import session_scope

    ctx = _ctx(database, deliver=False)
    with user_errors(), session_scope(ctx.sessions) as s:
        views = list_subscriptions(s, ctx.org, _now(now))
        typer.echo("\n".join(describe(v) for v in views) or "no digest subscriptions")


@digest_cli.command("subscribe")
def subscribe(channel: str = typer.Argument(..., help="Slack channel id"),
              spec: list[str] = typer.Argument(None, help="e.g. north south at 07:30 weekdays"),
              database: str | None = database_option()) -> None:
    """Subscribe a channel (same words as `/digest subscribe`)."""
    from bot.digest.service import digest_reply
    from storage.db import session_scope

    ctx = _ctx(database, deliver=False)
    with user_errors(), session_scope(ctx.sessions) as s:
        [(_, text)] = digest_reply(s, ctx.org, ctx.alerts, "subscribe " + " ".join(spec or []), channel, None,
                                   _now(None))
    typer.echo(text)
