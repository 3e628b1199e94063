"""Training, storing, reporting and batch prediction of the look-ahead models (CLI and job).

Everything is evaluated on a split in time: train on appointments before the split day, score
the ones from it on. The model used for answers is trained on all outcomes to date and stored
with its data window and the scores of its time-split twin; ``shown`` is False (never used for
answers) when that twin did not beat its baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from bot.errors import UsageError
from bot.forecast import demand, noshow
from bot.forecast.demand_backtest import DemandScore, clinic_scores
from bot.forecast.evaluate import RiskScores, risk_scores
from bot.forecast.features import labelled
from storage import forecast_queries as q

KIND = "no_show"
EVAL_DAYS = 28


@dataclass
class ModelReport:
    split: date
    window_start: date
    window_end: date
    train_rows: int
    overall: RiskScores
    per_clinic: dict[str, RiskScores] = field(default_factory=dict)
    demand: list[DemandScore] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.overall.beats_baseline


def _split_day(frame: pd.DataFrame, split: date | None) -> date:
    lab = labelled(frame)
    if lab.empty:
        raise UsageError("No appointments with an outcome yet: import appointments first (`opsbot import appointments`).")
    if split is not None:
        return split
    day: date = (lab["appointment_date"].max() - pd.Timedelta(days=EVAL_DAYS - 1)).date()
    return day


def model_report(session: Session, split: date | None = None, *, demand_clinics: bool = True) -> ModelReport:
    """Train on appointments before ``split`` (default: 28 days before the last outcome), score
    the labelled ones from ``split`` on, overall and per clinic; plus the demand forecast error
    against "same weekday last week" four weeks ahead, per clinic, from origins up to the day
    before ``split`` (:func:`demand_scores`).

    Raises:
        UsageError: no outcomes, or too few before ``split``.
    """
    frame = q.appointment_frame(session)
    split = _split_day(frame, split)
    model = noshow.train(frame, split)
    test = labelled(frame[frame["appointment_date"] >= pd.Timestamp(split)])
    if test.empty:
        raise UsageError(f"No appointments with an outcome on or after {split:%Y-%m-%d} to score.")
    p = noshow.score(model, test, frame)
    clinics = q.clinic_table(session)
    keys = dict(zip(clinics["id"], clinics["key"], strict=True))
    per = {}
    for cid, idx in test.groupby("clinic_id").indices.items():
        per[keys.get(cid, str(cid))] = risk_scores(test["y"].to_numpy()[idx], p[idx], model.base_rate)
    report = ModelReport(split, model.window_start, model.window_end, model.rows,
                         risk_scores(test["y"].to_numpy(), p, model.base_rate), per)
    if demand_clinics:
        zones = {int(i): str(z) for i, z in zip(clinics["id"], clinics["timezone"], strict=True) if z}
        report.demand = demand_scores(frame, split, keys, zones=zones)
    return report


def demand_scores(frame: pd.DataFrame, split: date, keys: dict[int, str],
                  horizon: int = demand.HORIZON_DAYS, zones: dict[int, str] | None = None) -> list[DemandScore]:
    """Per clinic: the demand backtest (:mod:`bot.forecast.demand_backtest`) against "same
    weekday last week", ``horizon`` days ahead from several origins, the newest the day before
    ``split`` (or ``horizon`` days before the last outcome when that is earlier)."""
    return clinic_scores(frame, keys, split - timedelta(days=1), zones=zones, horizon=horizon)


def train_and_store(session: Session, now: datetime) -> dict[str, object]:
    """Retrain from all outcomes to date and store the model with its window and scores.

    Returns a summary (``model_id``, ``rows``, ``auc``, ``shown``). Raises UsageError as
    :func:`model_report` and :func:`bot.forecast.noshow.train`.
    """
    report = model_report(session, demand_clinics=False)
    frame = q.appointment_frame(session)
    last = labelled(frame)["appointment_date"].max().date()
    model = noshow.train(frame, last + timedelta(days=1))
    metrics = {"split": report.split.isoformat(), **report.overall.as_dict(),
               "per_clinic": {k: v.as_dict() for k, v in report.per_clinic.items()}}
    model.metrics = metrics
    model_id = q.save_model(session, KIND, model.dumps(), window_start=model.window_start,
                            window_end=model.window_end, rows=model.rows, shown=report.shown,
                            metrics=metrics, trained_at=now)
    return {"model_id": model_id, "rows": model.rows, "auc": report.overall.auc, "shown": report.shown,
            "window": f"{model.window_start}..{model.window_end}"}


def predict_window(session: Session, start: date, end: date, clinic_key: str | None = None) -> pd.DataFrame:
    """``appointment_id, probability`` for every appointment (not cancelled) with
    ``start <= appointment_date <= end``, from a model trained only on appointments before
    ``start``. ``clinic_key`` is a stored key (callers resolve typed names with
    :func:`bot.clinic_names.find_clinic`). Raises UsageError for an empty or reversed window or an
    unknown clinic key."""
    if end < start:
        raise UsageError(f"--to {end} is before --from {start}.")
    frame = q.appointment_frame(session)
    model = noshow.train(frame, start)
    rows = frame[(frame["appointment_date"] >= pd.Timestamp(start)) & (frame["appointment_date"] <= pd.Timestamp(end))
                 & (frame["status"] != "cancelled")]
    if clinic_key is not None:
        clinics = q.clinic_table(session)
        match = clinics[clinics["key"] == clinic_key]
        if match.empty:
            keys = list(clinics["key"])
            more = f" and {len(keys) - 20} more" if len(keys) > 20 else ""
            raise UsageError(f"Unknown clinic {clinic_key!r}; clinics: {', '.join(keys[:20])}{more}")
        rows = rows[rows["clinic_id"] == int(match["id"].iloc[0])]
    p = noshow.score(model, rows, frame) if len(rows) else np.zeros(0)
    return pd.DataFrame({"appointment_id": rows["id"].to_numpy(), "probability": np.round(p, 6)})


def stored_model(session: Session) -> noshow.NoShowModel | None:
    """The newest stored model if it beat its baseline (``shown``), else None."""
    row = q.latest_model(session, KIND)
    if row is None or not row.shown:
        return None
    return noshow.NoShowModel.loads(row.payload)
