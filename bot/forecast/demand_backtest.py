"""Backtest of the demand forecast against "same weekday last week", per clinic (issue 20).

For each clinic, several forecast origins *o* (the latest one :data:`HORIZON` days before the
last day with final counts, the others every :data:`STEP_DAYS` days before it, so origins fall
on every weekday; each with at least :data:`MIN_HISTORY_DAYS` of history): forecast the
:data:`HORIZON` days after *o* from what was known at the end of *o* (visits of past days,
bookings made by *o*), and the naive forecast (for every day ahead, the latest same weekday on
or before *o*: four weeks ahead it is still last week's value). The score of a clinic is the
mean absolute error over every (origin, day) pair, of both; the improvement is the share of the
naive MAE removed. A clinic whose forecast does not beat its baseline (improvement ≤ 0) is not
shown to users.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from bot.forecast import demand

HORIZON = demand.HORIZON_DAYS
STEP_DAYS = 10
MAX_ORIGINS = 12
MIN_HISTORY_DAYS = 42  # six weeks: every weekday seen six times before the first origin
SHOW_ABOVE = 0.0  # improvement a clinic's forecast needs to be shown (it must beat the baseline)
TARGET = 0.2  # the bar of issue 20: at least 20 % lower MAE than the baseline, per clinic


@dataclass(frozen=True)
class DemandScore:
    clinic: str
    mae: float
    naive_mae: float
    origins: int = 0  # forecast origins scored
    days: int = 0  # (origin, day) pairs scored
    first_origin: date | None = None
    last_origin: date | None = None
    at: tuple[date, ...] = ()  # the origins, newest first

    @property
    def improvement(self) -> float:
        """Share of the naive MAE removed (0.2 = 20 % better)."""
        return 1 - self.mae / self.naive_mae if self.naive_mae > 0 else float("nan")

    @property
    def shown(self) -> bool:
        """The forecast beats "same weekday last week" on this clinic's backtest."""
        return bool(self.improvement > SHOW_ABOVE) if self.naive_mae > 0 else self.mae == 0

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["improvement"], out["shown"] = self.improvement, self.shown
        return out


def origins(hist: demand.DemandHistory, latest: date | None = None, *, horizon: int = HORIZON,
            step: int = STEP_DAYS, max_origins: int = MAX_ORIGINS) -> list[date]:
    """Backtest origins, newest first: from ``latest`` (default and at most: ``horizon`` days
    before the last day with final counts) back every ``step`` days, while at least
    :data:`MIN_HISTORY_DAYS` of history precede the origin."""
    last = hist.day(hist.known - horizon)
    start = min(latest, last) if latest is not None else last
    out: list[date] = []
    o = start
    while len(out) < max_origins and hist.index(o) + 1 >= MIN_HISTORY_DAYS:
        out.append(o)
        o -= timedelta(days=step)
    return out


def backtest(hist: demand.DemandHistory, clinic: str, at: list[date], horizon: int = HORIZON) -> DemandScore | None:
    """MAE of :func:`demand.predict` and of :func:`demand.naive` over ``horizon`` days from each
    origin in ``at`` (days whose actual or naive value is unknown are left out of both). None
    without any scored day."""
    model_err: list[float] = []
    naive_err: list[float] = []
    for o in at:
        i = hist.index(o)
        actual = hist.visits[i + 1:i + horizon + 1]
        fc = demand.predict(hist, o, horizon).to_numpy()
        nv = demand.naive(hist, o, horizon).to_numpy()
        ok = ~np.isnan(actual) & ~np.isnan(nv) & ~np.isnan(fc)
        model_err.extend(np.abs(fc[ok] - actual[ok]).tolist())
        naive_err.extend(np.abs(nv[ok] - actual[ok]).tolist())
    if not model_err:
        return None
    return DemandScore(clinic, float(np.mean(model_err)), float(np.mean(naive_err)), len(at), len(model_err),
                       min(at), max(at), tuple(at))


def known_end(frame: pd.DataFrame) -> date | None:
    """The last day with final counts: the latest appointment day with an outcome (completed,
    no-show or late cancellation); None without one."""
    done = frame[frame["status"].isin(("completed", "no_show", "late_cancelled"))]
    return None if done.empty else pd.Timestamp(done["appointment_date"].max()).date()


def clinic_scores(frame: pd.DataFrame, keys: dict[int, str], latest: date | None = None,
                  calendars: dict[int, dict[str, str] | None] | None = None, zones: dict[int, str] | None = None,
                  horizon: int = HORIZON, max_origins: int = MAX_ORIGINS) -> list[DemandScore]:
    """Backtest every clinic of ``frame`` (an appointment frame, every status, with
    ``clinic_id``); ``latest``: the newest origin wanted (default: ``horizon`` days before the
    last day with outcomes); ``calendars`` and ``zones``: holiday calendar and time zone by
    clinic id. Clinics without :data:`MIN_HISTORY_DAYS` of history are left out."""
    end = known_end(frame)
    if end is None:
        return []
    out = []
    for cid, g in frame.groupby("clinic_id"):
        cal = (calendars or {}).get(int(cid))
        hist = demand.demand_history(g, end, calendar=cal, horizon=horizon, tz=(zones or {}).get(int(cid)))
        at = origins(hist, latest, horizon=horizon, max_origins=max_origins)
        score = backtest(hist, keys.get(int(cid), str(cid)), at, horizon) if at else None
        if score is not None:
            out.append(score)
    return out


def summary(scores: list[DemandScore]) -> dict[str, float]:
    """Overall figures: pooled improvement (every clinic's errors summed), min and median per clinic."""
    if not scores:
        return {}
    imp = np.array([s.improvement for s in scores])
    pooled = 1 - sum(s.mae * s.days for s in scores) / sum(s.naive_mae * s.days for s in scores)
    return {"clinics": float(len(scores)), "overall": float(pooled), "min": float(np.min(imp)),
            "median": float(np.median(imp)), "at_target": float(np.sum(imp >= TARGET)),
            "shown": float(sum(s.shown for s in scores))}
