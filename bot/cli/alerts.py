"""``opsbot alerts log [--state dead|failed|…]`` (the delivery log) and ``opsbot alerts list``
(active incidents)."""

from __future__ import annotations

import typer

from bot.cli.common import database_option, engine_for, settings_or_exit
from bot.cli.root import cli

alerts_cli = typer.Typer(no_args_is_help=True, help="Alerts and their delivery log.")
cli.add_typer(alerts_cli, name="alerts")


def _sessions(database: str | None):  # type: ignore[no-untyped-def]
    from storage.db import make_session_factory

    return make_session_factory(engine_for(settings_or_exit(DATABASE_URL=database)))


@alerts_cli.command("log")
def log_cmd(state: str | None = typer.Option(None, "--state", help="pending|sending|sent|failed|dead|fallback_sent|unconfirmed"),
            kind: str | None = typer.Option(None, "--kind", help="alert|digest|…"),
            limit: int = typer.Option(50, min=1, max=10000), database: str | None = database_option()) -> None:
    """Delivery log, newest first: state, attempts, next attempt, last error."""
    from bot.delivery import list_deliveries
    from storage.db import session_scope
    from storage.models import DeliveryState

    if state is not None and state not in {s.value for s in DeliveryState}:
        typer.secho(f"error: unknown state {state!r}; use one of "
                    f"{', '.join(s.value for s in DeliveryState)}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    with session_scope(_sessions(database)) as s:
        rows = list_deliveries(s, state=state, kind=kind, limit=limit)
        if not rows:
            typer.echo("no deliveries" + (f" in state {state}" if state else ""))
        for d in rows:
            when = d.sent_at or d.dead_at or d.next_attempt_at
            typer.echo(f"{d.id:6} {d.state:13} tries={d.attempts} fails={d.failures} "
                       f"{when:%Y-%m-%d %H:%M} {d.key}" + (f"  [{d.last_error}]" if d.last_error else ""))
        for line in delivery_health(s):
            typer.echo(line)


def delivery_health(session) -> list[str]:  # type: ignore[no-untyped-def]
    """Lines about deliveries held back: unconfirmed rows, channels held by a 429."""
    from sqlalchemy import func, select

    from bot.delivery.channels import channel_holds
    from storage.models import Delivery, DeliveryState, utcnow

    lines = []
    held = session.scalar(select(func.count()).select_from(Delivery)
                          .where(Delivery.state == DeliveryState.UNCONFIRMED)) or 0
    if held:
        lines.append(f"! {held} deliveries unconfirmed: an earlier attempt may have landed and "
                     "Slack's history search cannot answer; they are held, not re-sent "
                     "(`opsbot alerts log --state unconfirmed`)")
    for channel, until, reason in channel_holds(session, utcnow()):
        lines.append(f"! channel {channel} held until {until:%Y-%m-%d %H:%M:%S} UTC ({reason})")
    return lines


@alerts_cli.command("list")
def list_cmd(clinic: str | None = typer.Option(None, "--clinic"), database: str | None = database_option()) -> None:
    """Active incidents (open, acknowledged, snoozed)."""
    from bot.alerts.incidents import active_incidents
    from storage.db import session_scope

    with session_scope(_sessions(database)) as s:
        rows = active_incidents(s, clinic)
        if not rows:
            typer.echo("no active alerts")
        for inc in rows:
            extra = f" by {inc.acknowledged_by}" if inc.acknowledged_by else ""
            typer.echo(f"{inc.id:5} {inc.clinic_key:12} {inc.rule:14} {inc.severity:9} {inc.state}{extra}: {inc.title}")
