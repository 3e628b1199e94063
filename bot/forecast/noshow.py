"""No-show risk per appointment: gradient boosting on eve-of-day features, isotonic calibration.

Recipe (per organisation, from its own history): appointments with an outcome and an
appointment day before ``cutoff`` are the training set. A
:class:`sklearn.ensemble.HistGradientBoostingClassifier` fitted on the earlier 80 % of its days
scores the later 20 % (a later time slice, never a random one); those scores fit an isotonic map
to the observed rate (Zadrozny & Elkan 2002), so a predicted 30 % means about 30 % no-show. The
served booster is refitted on all the days and scored through that map, its intercept
re-estimated on all the days (the twin's intercept error belongs to a period the served booster
has seen). At scoring, the intercept follows the outcomes of the 14 days before each scored day
(:func:`recent_shift`), so a model kept between retrainings stays calibrated when the no-show
rate drifts.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from bot.errors import UsageError
from bot.forecast.features import FEATURES, build_features, labelled, vocabulary

MIN_ROWS = 200  # fewer labelled appointments than this: no model (say so, don't guess)
CAL_SHARE = 0.2
RECENT_DAYS = 14  # calibration in the large follows the outcomes of this many days before each day
PRIOR_ROWS = 200.0  # weight of the model's own rate in that update, in appointments


@dataclass
class NoShowModel:
    """A fitted model: estimator, calibrator, category vocabulary, clinic base rates, window."""

    booster: object
    calibrator: object
    vocab: dict[str, list[str]]
    clinic_rate: dict[str, float]
    base_rate: float
    window_start: date
    window_end: date
    rows: int
    features: tuple[str, ...] = FEATURES
    metrics: dict[str, object] = field(default_factory=dict)
    recent: dict[date, tuple[float, float, int]] | None = None  # see recent_shift

    def dumps(self) -> bytes:
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def loads(blob: bytes) -> NoShowModel:
        model = pickle.loads(blob)  # noqa: S301 - our own rows, written by dumps()
        if not isinstance(model, NoShowModel):
            raise UsageError("The stored no-show model is not readable; retrain with `opsbot model train`.")
        return model


@dataclass(frozen=True)
class LogitCalibrator:
    """Platt scaling on the log-odds of the booster's score: p = 1 / (1 + exp(-(a·logit(s) + b)))
    (Platt 1999; Niculescu-Mizil & Caruana 2005 for boosted trees). Two parameters: it cannot
    overfit a small calibration slice at the extremes as an isotonic step function can."""

    a: float
    b: float

    @staticmethod
    def fit(raw: np.ndarray, y: np.ndarray) -> LogitCalibrator:
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=1e6).fit(_logit(raw).reshape(-1, 1), y)
        return LogitCalibrator(float(lr.coef_[0, 0]), float(lr.intercept_[0]))

    def predict(self, raw: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.a * _logit(raw) + self.b)))

    def in_the_large(self, raw: np.ndarray, y: np.ndarray) -> LogitCalibrator:
        """The same slope with the intercept re-estimated so that the mean calibrated probability
        of ``raw`` equals the observed rate of ``y`` ("recalibration in the large", Steyerberg,
        *Clinical Prediction Models*, 2nd ed. 2019, §20.2).

        Why: the slope is learnt from the time-forward scores of the twin booster, but the twin's
        intercept error is about the period it did not see — which the served booster, refitted
        on every day, has seen. Carrying that intercept over over-predicted every clinic of a
        generated network by 6–8 % (observed/expected on the four later weeks)."""
        z = self.a * _logit(raw)
        target = float(np.mean(y))
        lo, hi = -10.0, 10.0
        for _ in range(60):  # the mean is increasing in the intercept: bisection
            mid = (lo + hi) / 2
            if float(np.mean(1.0 / (1.0 + np.exp(-(z + mid))))) < target:
                lo = mid
            else:
                hi = mid
        return LogitCalibrator(self.a, (lo + hi) / 2)


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype="float64"), 1e-6, 1 - 1e-6)
    return np.asarray(np.log(q / (1 - q)), dtype="float64")


def _matrix(model_vocab: dict[str, list[str]], clinic_rate: dict[str, float], base: float,
            rows: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    x = build_features(rows, history, model_vocab)
    # the clinic enters as its smoothed training no-show rate: works for any number of clinics
    x["clinic"] = rows["clinic_id"].astype(str).map(clinic_rate).fillna(base).to_numpy()
    return x


@dataclass(frozen=True)
class Params:
    """Booster settings. Slow learning with small trees and many of them gave +0.003 AUC over
    (0.08, 31 leaves, 100 per leaf) on the public file's time split; the number of trees is
    chosen by early stopping (scikit-learn's, on 10 % of the earlier rows) and reused for the
    refit on all rows, so the 50-clinic year trains in well under 2 minutes (bench_forecast)."""

    max_iter: int = 1000
    learning_rate: float = 0.03
    max_leaf_nodes: int = 15
    min_samples_leaf: int = 200
    l2_regularization: float = 1.0
    max_rows: int = 400_000  # training rows beyond this are sampled (booster time is linear in rows)
    refit: bool = True
    calibration: str = "platt"  # or "isotonic"


def train(history: pd.DataFrame, cutoff: date, *, params: Params = Params(), seed: int = 0) -> NoShowModel:
    """Fit on appointments with an outcome and ``appointment_date < cutoff``.

    Args:
        history: :func:`storage.forecast_queries.appointment_frame` rows (any status; rows on or
            after ``cutoff`` are ignored, so nothing of the scored period leaks in).
        cutoff: first day NOT used for training.

    Raises:
        UsageError: fewer than :data:`MIN_ROWS` labelled appointments, or only one outcome.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.isotonic import IsotonicRegression

    past = history[history["appointment_date"] < pd.Timestamp(cutoff)]
    lab = labelled(past)
    if len(lab) < MIN_ROWS or lab["y"].nunique() < 2:
        raise UsageError(f"Not enough history before {cutoff:%Y-%m-%d} to learn no-shows "
                         f"({len(lab)} appointments with an outcome; at least {MIN_ROWS} with both outcomes).")
    vocab = vocabulary(lab)
    base = float(lab["y"].mean())
    per = lab.groupby(lab["clinic_id"].astype(str))["y"].agg(["sum", "count"])
    clinic_rate = ((per["sum"] + 20 * base) / (per["count"] + 20)).to_dict()
    days = np.sort(lab["appointment_date"].unique())
    rows = lab if len(lab) <= params.max_rows else lab.sample(params.max_rows, random_state=seed).sort_index()
    # features of a row depend only on that row and the history: build them once for all rows
    x, y = _matrix(vocab, clinic_rate, base, rows, past), rows["y"].to_numpy()
    when = rows["appointment_date"].to_numpy()
    cal_start = days[int(len(days) * (1 - CAL_SHARE))] if len(days) >= 5 else days[-1]
    fit, cal = when < cal_start, when >= cal_start
    if len(np.unique(y[fit])) < 2 or not cal.any():
        fit, cal = np.ones(len(y), dtype=bool), np.ones(len(y), dtype=bool)
    cats = [c == "atype" for c in FEATURES]

    def booster(n_iter: int, early_stopping: bool) -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(
            max_iter=n_iter, learning_rate=params.learning_rate, max_leaf_nodes=params.max_leaf_nodes,
            min_samples_leaf=params.min_samples_leaf, l2_regularization=params.l2_regularization,
            categorical_features=cats, early_stopping=early_stopping, validation_fraction=0.1,
            n_iter_no_change=20, random_state=seed)

    with threadpool_limits(limits=1):  # OpenMP threads spin on a shared, busy CPU (5x slower here)
        early = booster(params.max_iter, len(y[fit]) >= 10_000).fit(x[fit], y[fit])
        raw = early.predict_proba(x[cal])[:, 1]
        # the served booster learns from every day, the latest included (they carry the most
        # signal under drift: +0.01 AUC on the public file), with as many trees as its twin;
        # the calibration map comes from the time-forward scores of that twin, fitted without
        # the calibration slice (Zadrozny & Elkan 2002)
        served = booster(early.n_iter_, False).fit(x, y) if params.refit and not cal.all() else early
    with threadpool_limits(limits=1):
        own = served.predict_proba(x)[:, 1]  # the served booster's scores of its own rows
    if params.calibration == "platt":
        calibrator: object = LogitCalibrator.fit(raw, y[cal])
        if served is not early:
            calibrator = calibrator.in_the_large(own, y)  # type: ignore[attr-defined]
    else:
        calibrator = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, y[cal])
    fitted = np.asarray(calibrator.predict(own), dtype="float64")  # type: ignore[attr-defined]
    return NoShowModel(served, calibrator, vocab, clinic_rate, base,
                       window_start=pd.Timestamp(days[0]).date(), window_end=pd.Timestamp(days[-1]).date(),
                       rows=len(lab), recent=_day_sums(when, y, fitted, days[-1]))


def _day_sums(when: np.ndarray, y: np.ndarray, p: np.ndarray, last: object) -> dict[date, tuple[float, float, int]]:
    """Per day of the :data:`RECENT_DAYS` up to ``last``: (observed no-shows, sum of calibrated
    probabilities, appointments)."""
    frame = pd.DataFrame({"d": pd.to_datetime(when), "y": y, "p": p})
    frame = frame[frame["d"] > pd.Timestamp(last) - pd.Timedelta(days=RECENT_DAYS)]
    sums = frame.groupby("d").agg(o=("y", "sum"), e=("p", "sum"), n=("y", "size"))
    return {d.date(): (float(r.o), float(r.e), int(r.n)) for d, r in sums.iterrows()}


def recent_shift(sums: dict[date, tuple[float, float, int]], day: date, prior_rows: float = PRIOR_ROWS) -> float:
    """Log-odds shift for appointments on ``day``: calibration in the large over the
    :data:`RECENT_DAYS` before it, from outcomes known on its eve.

    With ``o`` observed no-shows, ``e`` the sum of the model's probabilities and ``n``
    appointments over those days, ``r = e / n``: ``logit((o + m·r) / (n + m)) − logit(r)``, ``m`` =
    ``prior_rows`` (a beta prior worth ``m`` appointments centred on the model's own rate, so a
    handful of outcomes moves it little). Updating only the intercept of a prediction model as
    new outcomes arrive is the first of Steyerberg's updating methods (*Clinical Prediction
    Models*, 2nd ed. 2019, §20.2; Janssen et al. 2008, *J Clin Epidemiol* 61:76). It tracks a
    drifting no-show rate between retrainings: on the public file's later weeks (rate 19 % after
    21 % in training) the worst calibration decile went from 5.8 to 3.8 points."""
    start = day - timedelta(days=RECENT_DAYS)
    o = e = n = 0.0
    for d, (do, de, dn) in sums.items():
        if start <= d < day:
            o, e, n = o + do, e + de, n + dn
    if n == 0:
        return 0.0
    r = min(max(e / n, 1e-4), 1 - 1e-4)
    return float(_logit(np.array([(o + prior_rows * r) / (n + prior_rows)]))[0] - _logit(np.array([r]))[0])


def score(model: NoShowModel, rows: pd.DataFrame, history: pd.DataFrame) -> np.ndarray:
    """Calibrated no-show probabilities (0..1), one per row of ``rows``, in order.

    ``history``: every appointment known at scoring time; features use only what lies before
    each appointment's day (see :mod:`bot.forecast.features`).
    """
    if rows.empty:
        return np.zeros(0)
    recent = getattr(model, "recent", None)  # a model stored before this had none
    if recent is None:
        return _static(model, rows, history)
    sums = dict(recent)
    # outcomes the model has not seen (days after its window, before the last scored day):
    # scored once, so each scored day's shift uses exactly what was known on its eve
    last = rows["appointment_date"].max()
    known = labelled(history)
    since = known[(known["appointment_date"] > pd.Timestamp(model.window_end)) & (known["appointment_date"] < last)
                  & (known["appointment_date"] >= rows["appointment_date"].min() - pd.Timedelta(days=RECENT_DAYS))]
    # one feature pass over the history for both (a row's features depend on it and the history only)
    both = _static(model, pd.concat([rows, since.drop(columns="y")], ignore_index=True), history) if len(since) \
        else _static(model, rows, history)
    p = both[:len(rows)]
    if len(since):
        sums.update(_day_sums(since["appointment_date"].to_numpy(), since["y"].to_numpy(), both[len(rows):], last.date()))
    day = rows["appointment_date"].dt.date
    shift = day.map({d: recent_shift(sums, d) for d in day.unique()}).to_numpy(dtype="float64")
    return np.asarray(1.0 / (1.0 + np.exp(-(_logit(p) + shift))), dtype="float64")


def _static(model: NoShowModel, rows: pd.DataFrame, history: pd.DataFrame) -> np.ndarray:
    x = _matrix(model.vocab, model.clinic_rate, model.base_rate, rows, history)
    with threadpool_limits(limits=1):
        raw = model.booster.predict_proba(x)[:, 1]  # type: ignore[attr-defined]
    return np.asarray(model.calibrator.predict(raw), dtype="float64")  # type: ignore[attr-defined]
