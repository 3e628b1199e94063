"""Honest scores for the look-ahead models: discrimination, calibration, and error against a
naive baseline, all on a later time slice than the training data.

Metrics: ROC AUC and average precision (PR-AUC) from :mod:`sklearn.metrics`; Brier score
(mean squared error of the probability, Brier 1950); calibration by deciles of the predicted
probability (observed no-show rate beside the mean prediction, as in a reliability diagram).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

CALIBRATION_MIN_N = 500  # deciles smaller than this are shown but not judged (issue 20)
CALIBRATION_TOLERANCE = 0.05
Z99 = 2.576  # two-sided 99 % quantile of the standard normal


@dataclass(frozen=True)
class Decile:
    decile: int
    n: int
    predicted: float  # mean predicted probability
    observed: float  # observed no-show rate

    @property
    def gap(self) -> float:
        return abs(self.predicted - self.observed)


@dataclass(frozen=True)
class RiskScores:
    n: int
    no_shows: int
    auc: float | None
    pr_auc: float | None
    brier: float
    brier_baseline: float  # always predicting the training base rate
    deciles: tuple[Decile, ...]
    expected: float = 0.0  # sum of the probabilities: the no-shows the model expected
    variance: float = 0.0  # sum of p(1 - p): the variance of that count under the model

    @property
    def count_range(self) -> tuple[float, float]:
        """99 % range of the no-show count if the model is right (normal approximation to the
        Poisson-binomial: expected ± 2.576·√Σp(1−p))."""
        half = Z99 * self.variance ** 0.5
        return self.expected - half, self.expected + half

    @property
    def count_in_range(self) -> bool:
        """Calibration in the large: observed no-shows inside :attr:`count_range` (about 1 group in
        100 falls outside by chance alone)."""
        lo, hi = self.count_range
        return lo <= self.no_shows <= hi

    @property
    def calibrated(self) -> bool:
        """Every decile with at least :data:`CALIBRATION_MIN_N` appointments within 5 points."""
        return all(d.gap <= CALIBRATION_TOLERANCE for d in self.deciles if d.n >= CALIBRATION_MIN_N)

    @property
    def beats_baseline(self) -> bool:
        return self.auc is not None and self.auc > 0.55 and self.brier < self.brier_baseline

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["calibrated"], out["beats_baseline"] = self.calibrated, self.beats_baseline
        out["count_in_range"] = self.count_in_range
        return out


def risk_scores(y: np.ndarray, p: np.ndarray, base_rate: float) -> RiskScores:
    """Scores of probabilities ``p`` (0..1) against outcomes ``y`` (1 = no-show)."""
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    y = np.asarray(y, dtype="int64")
    p = np.asarray(p, dtype="float64")
    both = len(np.unique(y)) == 2
    auc = float(roc_auc_score(y, p)) if both else None
    pr = float(average_precision_score(y, p)) if both else None
    brier = float(brier_score_loss(y, p)) if len(y) else float("nan")
    base = float(np.mean((y - base_rate) ** 2)) if len(y) else float("nan")
    return RiskScores(len(y), int(y.sum()), auc, pr, brier, base, deciles(y, p),
                      expected=float(p.sum()), variance=float((p * (1 - p)).sum()))


def deciles(y: np.ndarray, p: np.ndarray) -> tuple[Decile, ...]:
    """Calibration table: appointments ranked by ``p`` and cut into ten equal-count groups."""
    if len(p) == 0:
        return ()
    order = np.argsort(p, kind="stable")
    groups = np.array_split(order, min(10, len(p)))
    return tuple(Decile(i + 1, len(g), float(p[g].mean()), float(y[g].mean())) for i, g in enumerate(groups))


def mae(actual: pd.Series, forecast: pd.Series) -> float:
    """Mean absolute error over the days both series have."""
    both = pd.concat([actual, forecast], axis=1).dropna()
    return float((both.iloc[:, 0] - both.iloc[:, 1]).abs().mean()) if len(both) else float("nan")
