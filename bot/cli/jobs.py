"""``opsbot scheduler`` (the scheduler as its own process), ``opsbot jobs run <job>``,
``opsbot jobs list``."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import typer

from bot.cli.common import database_option, engine_for, refuse_other_pseudonym_key, settings_or_exit, user_errors
from bot.cli.root import cli
from bot.observability.quiet import service_logging
from bot.settings import Settings

jobs_cli = typer.Typer(no_args_is_help=True, help="Scheduled jobs (alerts, delivery, digest).")
cli.add_typer(jobs_cli, name="jobs")


def job_context(settings: Settings, *, deliver: bool = True):  # type: ignore[no-untyped-def]
    """JobContext from settings: org + alert config, sessions, and (with a bot token) a Web API
    client without automatic retries (the delivery log retries)."""
    from bot.delivery import DeliveryPolicy, make_delivery_client
    from bot.orgconfig import load_org_config
    from jobs.runner import JobContext
    from storage.db import make_session_factory

    token = settings.secret("slack_bot_token")
    sessions = make_session_factory(engine_for(settings))
    factory = None
    if deliver and token:
        def factory():  # type: ignore[no-untyped-def]
            return make_delivery_client(token, settings.slack_api_url)
    elif deliver and settings.oauth_enabled:  # issue 9: the installed (rotated) bot token, per run
        from bot.slack.oauth.tokens import installed_bot_token

        def factory():  # type: ignore[no-untyped-def]
            return make_delivery_client(installed_bot_token(settings, sessions), settings.slack_api_url)
    org = load_org_config(settings.opsbot_config)
    return JobContext(org=org, alerts=org.alerts,
                      sessions=sessions, client_factory=factory,
                      extra={"retention_days": settings.retention_days, "drop_dir": settings.drop_dir,
                             "drop_interval_s": settings.drop_interval_seconds,
                             "drop_done_retention_days": settings.drop_done_retention_days,
                             "pseudonym_key": settings.pseudonym_key,
                             "delivery_policy": DeliveryPolicy(lease_s=settings.delivery_lease_seconds,
                                                               batch=settings.delivery_batch)})


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("use an ISO date-time, e.g. 2026-03-02T07:00 or 2026-03-02T12:00+00:00") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


@jobs_cli.command("run")
def run(job: str = typer.Argument(..., help="Job name (see `opsbot jobs list`)"),
        clinic: str | None = typer.Option(None, "--clinic", help="Clinic key (default: all)"),
        now: str | None = typer.Option(None, "--now", help="Evaluate as of this instant (ISO; naive = UTC)"),
        no_deliver: bool = typer.Option(False, "--no-deliver", help="Queue only; send on the next sweep"),
        database: str | None = database_option()) -> None:
    """Run one job now, in this process, and print what it did."""
    from jobs.runner import run_job

    settings = settings_or_exit(DATABASE_URL=database)
    with user_errors():
        ctx = job_context(settings, deliver=not no_deliver)
    outcome = run_job(ctx, job, clinic, _parse_now(now))
    typer.echo(json.dumps({"job": outcome.job, "ref": outcome.ref, "ok": outcome.ok,
                           "summary": outcome.summary, "error": outcome.error}, indent=2, default=str))
    if not outcome.ok:
        raise typer.Exit(1)


@jobs_cli.command("lease")
def lease_status(database: str | None = database_option()) -> None:
    """Which scheduler holds the lease, and until when (UTC)."""
    from jobs.lease import current_leader
    from storage.db import make_session_factory

    settings = settings_or_exit(DATABASE_URL=database)
    holder, until = current_leader(make_session_factory(engine_for(settings)))
    typer.echo(json.dumps({"holder": holder, "expires_at": until}, default=str))


@jobs_cli.command("list")
def list_jobs(database: str | None = database_option()) -> None:
    """Jobs, their schedule ids, schedules in words and next run times (UTC)."""
    from jobs.registry import JOBS
    from jobs.schedule_words import schedule_in_words
    from jobs.scheduler import build_scheduler

    settings = settings_or_exit(DATABASE_URL=database)
    with user_errors():
        sched = build_scheduler(job_context(settings, deliver=False))
    for spec in JOBS.values():
        typer.echo(f"{spec.name:15} {'per clinic' if spec.per_clinic else 'global':10} {spec.description}")
    now = datetime.now(UTC)
    for job in sched.get_jobs():
        nxt = job.trigger.get_next_fire_time(None, now)
        typer.echo(f"  {job.id:28} {schedule_in_words(job.trigger):38} next {nxt.astimezone(UTC):%Y-%m-%d %H:%M} UTC")


@cli.command("scheduler")
def scheduler(database: str | None = database_option(),
              delivery_interval: int = typer.Option(30, help="Seconds between delivery sweeps"),
              metrics_port: int = typer.Option(0, help="Serve Prometheus /metrics on 127.0.0.1:PORT (0: off)")) -> None:
    """Run the scheduler in the foreground (its own process; stop with Ctrl-C / SIGTERM).

    Several may run (a standby): only the holder of the database lease runs jobs (``jobs.lease``);
    SIGTERM lets a running job finish, then releases the lease so the standby takes over at once."""
    import signal
    from datetime import timedelta

    from bot.observability import configure_logging
    from bot.observability.metrics import Metrics
    from bot.settings import require
    from bot.slack.compat import check_compatible
    from jobs.lease import LeaseKeeper, catch_up
    from jobs.scheduler import ALERTS_MISFIRE_S, build_scheduler

    settings = settings_or_exit(DATABASE_URL=database)
    service_logging()
    configure_logging(settings.log_level, settings.log_format)
    metrics = Metrics()
    holder: dict[str, object] = {}
    with user_errors():
        check_compatible("apscheduler", "slack_sdk")  # bot/slack/compat.py: supported versions
        if not settings.oauth_enabled:
            require(settings, "slack_bot_token")
        ctx = job_context(settings)
        # the drop folder imports under this key: a database of another key's pseudonyms stops here
        refuse_other_pseudonym_key(ctx.sessions, settings.secret("pseudonym_key") or "", "opsbot scheduler")

        def on_gain() -> None:
            if holder.get("sched"):
                catch_up(holder["sched"], timedelta(seconds=ALERTS_MISFIRE_S))

        keeper = LeaseKeeper(ctx.sessions, ttl_seconds=settings.lease_seconds, on_gain=on_gain,
                             on_change=lambda held: metrics.leader.set(1 if held else 0))
        sched = build_scheduler(ctx, blocking=True, delivery_interval_s=delivery_interval, lease=keeper,
                                metrics=metrics)
        holder["sched"] = sched
    if settings.opsbot_config is not None:  # issue 13: reload the organisation file without a restart
        from bot.orgwatch import OrgFileWatcher
        from jobs.scheduler import schedule_clinics

        def reapply(org):  # type: ignore[no-untyped-def]
            ctx.org, ctx.alerts = org, org.alerts
            schedule_clinics(sched, ctx)

        OrgFileWatcher(settings.opsbot_config, reapply).start()
    if metrics_port:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr="127.0.0.1", registry=metrics.registry)
    signal.signal(signal.SIGTERM, lambda *_: sched.shutdown(wait=True))  # a running job finishes first
    keeper.start()
    typer.echo(f"scheduler {keeper.holder}: {len(sched.get_jobs())} jobs; "
               f"{'leading' if keeper.held else 'standby'}; Ctrl-C to stop", err=True)
    try:
        sched.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        keeper.stop(release_lease=True)
