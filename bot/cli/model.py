"""``opsbot model report|train`` and ``opsbot predict no-shows`` (issue 20).

``model report`` trains on appointments before the split day and scores the later ones: per
clinic and overall ROC AUC, PR-AUC, Brier score (with the constant-rate baseline), the
calibration table by deciles, the demand forecast's MAE against "same weekday last week" four
weeks ahead per clinic (a backtest over several origins; :mod:`bot.forecast.demand_backtest`),
and the data window. ``predict no-shows`` writes one row per appointment
(stored id, probability) from a model trained only on appointments before ``--from``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from bot.cli.common import database_option, engine_for, safe_url, settings_or_exit, user_errors
from bot.cli.root import cli

if TYPE_CHECKING:
    from bot.forecast.demand_backtest import DemandScore
    from bot.names import UnknownName

model_cli = typer.Typer(no_args_is_help=True, help="Look-ahead models: report and training.")
predict_cli = typer.Typer(no_args_is_help=True, help="Predictions from the look-ahead models.")
cli.add_typer(model_cli, name="model")
cli.add_typer(predict_cli, name="predict")


def _sessions(database: str | None):  # type: ignore[no-untyped-def]
    from storage.db import make_session_factory

    return make_session_factory(engine_for(settings_or_exit(DATABASE_URL=database)))


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        typer.secho(f"error: {option} {text!r} is not a date (YYYY-MM-DD)", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


def _fmt(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3f}"


@model_cli.command("report")
def report_cmd(split: str | None = typer.Option(None, "--split", help="First scored day, YYYY-MM-DD "
                                                "(default: 28 days before the last outcome)."),
               clinics: int = typer.Option(20, "--clinics", min=0, help="Per-clinic lines to print (largest first)."),
               database: str | None = database_option()) -> None:
    """Time-split scores of the no-show model and the demand forecast."""
    from bot.forecast.service import model_report
    from storage.db import session_scope

    with user_errors(), session_scope(_sessions(database)) as s:
        r = model_report(s, _day(split, "--split"))
    o = r.overall
    typer.echo(f"no-show model: trained on {r.window_start}..{r.window_end} ({r.train_rows:,} appointments), "
               f"scored from {r.split} ({o.n:,} appointments, {o.no_shows:,} no-shows)")
    typer.echo(f"overall  AUC {_fmt(o.auc)}  PR-AUC {_fmt(o.pr_auc)}  Brier {o.brier:.4f} "
               f"(base-rate Brier {o.brier_baseline:.4f})  calibrated {'yes' if o.calibrated else 'NO'}  "
               f"shown to users {'yes' if r.shown else 'NO (does not beat its baseline)'}")
    typer.echo("calibration (deciles of predicted risk): decile  n  predicted  observed  gap")
    for d in o.deciles:
        flag = "" if d.n < 500 or d.gap <= 0.05 else "  > 5 points"
        typer.echo(f"  {d.decile:2}  {d.n:7,}  {d.predicted:7.1%}  {d.observed:7.1%}  {d.gap * 100:4.1f}{flag}")
    per = sorted(r.per_clinic.items(), key=lambda kv: -kv[1].n)
    off = [key for key, sc in per if not sc.count_in_range]
    if per:
        typer.echo(f"per-clinic calibration in the large: {len(per) - len(off)} of {len(per)} clinics' observed "
                   f"no-shows inside the 99 % range the model expected"
                   + (f"; outside: {', '.join(off[:10])}{' …' if len(off) > 10 else ''} "
                      "(about 1 clinic in 100 by chance alone)" if off else ""))
    if per and clinics:
        typer.echo("per clinic: key  n  AUC  PR-AUC  Brier  no-shows expected (99 % range)  observed")
        for key, sc in per[:clinics]:
            lo, hi = sc.count_range
            flag = "" if sc.count_in_range else "  outside"
            typer.echo(f"  {key:24} {sc.n:7,}  {_fmt(sc.auc)}  {_fmt(sc.pr_auc)}  {sc.brier:.4f}  "
                       f"{sc.expected:8.1f} ({max(lo, 0):.0f}–{hi:.0f})  {sc.no_shows:6,}{flag}")
        if len(per) > clinics:
            typer.echo(f"  … {len(per) - clinics} more clinics (--clinics N)")
    if r.demand:
        _demand_lines(r.demand, clinics)
    else:
        typer.echo("demand forecast: no clinic has six weeks of history before a four-week window to score it "
                   "against 'same weekday last week'; not shown to users")


def _demand_lines(scores: list[DemandScore], clinics: int) -> None:
    """The demand backtest: overall, then per clinic (worst first) with whether it is shown."""
    from bot.forecast.demand_backtest import HORIZON, TARGET, summary

    sm = summary(scores)
    first = min(d.first_origin for d in scores if d.first_origin)
    last = max(d.last_origin for d in scores if d.last_origin)
    typer.echo(f"demand forecast, {HORIZON} days ahead from origins {first}..{last}: MAE against naive 'same weekday "
               f"last week' (the latest same weekday at the origin); overall {sm['overall']:.0%} better, per clinic "
               f"min {sm['min']:.0%} median {sm['median']:.0%}; {sm['at_target']:.0f}/{len(scores)} clinics "
               f"≥ {TARGET:.0%} better; shown for {sm['shown']:.0f}/{len(scores)} (a clinic whose forecast does not "
               "beat its baseline is not shown)")
    if clinics:
        typer.echo("per clinic: key  origins  days  MAE  naive MAE  improvement  shown")
    worst = sorted(scores, key=lambda d: d.improvement)
    for dm in worst[:clinics]:
        typer.echo(f"  {dm.clinic:24} {dm.origins:3} {dm.days:6,}  {dm.mae:7.2f}  {dm.naive_mae:7.2f}  "
                   f"{dm.improvement:+6.0%}  {'yes' if dm.shown else 'NO (does not beat its baseline)'}")
    if clinics and len(worst) > clinics:
        typer.echo(f"  … {len(worst) - clinics} more clinics (--clinics N)")


@model_cli.command("train")
def train_cmd(database: str | None = database_option()) -> None:
    """Retrain the no-show model on every outcome to date and store it (what the job does)."""
    from bot.forecast.service import train_and_store
    from storage.db import session_scope
    from storage.models import utcnow

    with user_errors(), session_scope(_sessions(database)) as s:
        summary = train_and_store(s, utcnow())
    typer.echo(train_line(summary))


def train_line(summary: dict[str, Any]) -> str:
    """``trained model 3 on 12,345 appointments (2026-01-01..2026-11-30): AUC 0.708, shown to users
    yes``: the AUC to three places, counts with thousands separators (issue 5)."""
    return (f"trained model {summary['model_id']} on {summary['rows']:,} appointments ({summary['window']}): "
            f"AUC {_fmt(summary['auc'])}, shown to users {'yes' if summary['shown'] else 'NO (does not beat its baseline)'}")


@predict_cli.command("no-shows")
def predict_cmd(start: str = typer.Option(..., "--from", help="First day, YYYY-MM-DD."),
                end: str = typer.Option(..., "--to", help="Last day, YYYY-MM-DD."),
                clinic: str | None = typer.Option(None, "--clinic", help="Clinic key or name (\"maria ortiz\")."),
                out: Path = typer.Option(..., "--out", help="CSV file to write."),
                database: str | None = database_option()) -> None:
    """One row per appointment: stored appointment id and predicted no-show probability."""
    from bot.clinic_names import find_clinic
    from bot.errors import UsageError
    from bot.forecast.service import predict_window
    from bot.names import UnknownName
    from bot.orgconfig import load_org_config
    from storage.db import make_session_factory, session_scope

    first, last = _day(start, "--from"), _day(end, "--to")
    assert first is not None and last is not None
    settings = settings_or_exit(DATABASE_URL=database)
    with user_errors():
        org = load_org_config(settings.opsbot_config)
        with session_scope(make_session_factory(engine_for(settings))) as s:
            try:
                key = find_clinic(s, org, clinic).key if clinic else None  # the one clinic-name resolver
            except UnknownName as exc:
                raise UsageError(not_in_database(clinic or "", exc, settings.database_url, database)) from None
            frame = predict_window(s, first, last, key)
    # appointment ids and risks: readable by the operator only (0600), like rejects files
    from bot.ingest.csvfile import private_file

    frame.to_csv(private_file(out), index=False)
    typer.echo(f"wrote {len(frame):,} appointments to {out}")


def not_in_database(text: str, exc: UnknownName, url: str, given: str | None) -> str:
    """The message for a ``--clinic`` the resolver does not know: its own "did you mean" when a
    name is genuinely close (:func:`bot.names.suggestions`); otherwise that the clinic is not in
    this database, which database that is (password masked; said to be the default when
    ``--database`` was not given) and how to list the clinics it has."""
    if exc.close:
        return str(exc)
    shown = safe_url(url)
    which = f"--database {shown}" if given else f"the default database {shown} (DATABASE_URL; --database to change)"
    has = ("no clinic is known yet" if exc.known == 0
           else f"none of the {exc.known:,} clinics known (this database and the organisation file) has a close name")
    listing = f"opsbot clinics --database {shown}" if given else "opsbot clinics"
    return f"clinic '{text}' is not in this database, {which}: {has}. List its clinics with `{listing}`."
