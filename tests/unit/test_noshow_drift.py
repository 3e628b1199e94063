"""Calibration of the no-show model over time (issue 20; the outside tester's finding that a
clinic's expected no-shows ran 24 % above what happened): the intercept re-estimated in the
large, the shift that follows the outcomes of the 14 days before each scored day, and the
per-group 99 % range of the report. Expected values: hand computations with :mod:`math`, and the
known rates of a generated process."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from bot.forecast import noshow
from bot.forecast.evaluate import risk_scores
from bot.forecast.features import labelled


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def test_recent_shift_hand_example() -> None:
    day = date(2026, 3, 20)
    # 30 no-shows where the model expected 20, over 100 appointments, the day before
    sums = {day - timedelta(days=1): (30.0, 20.0, 100)}
    r = 0.2
    want = _logit((30 + 200 * r) / (100 + 200)) - _logit(r)
    assert noshow.recent_shift(sums, day, prior_rows=200) == pytest.approx(want, rel=1e-12)
    # days outside [day - 14, day - 1] do not count: the scored day itself and 15 days before
    sums[day] = (90.0, 10.0, 100)
    sums[day - timedelta(days=15)] = (90.0, 10.0, 100)
    assert noshow.recent_shift(sums, day, prior_rows=200) == pytest.approx(want, rel=1e-12)
    sums[day - timedelta(days=14)] = (10.0, 20.0, 100)
    both = 0.2
    want2 = _logit((40 + 200 * both) / (200 + 200)) - _logit(both)
    assert noshow.recent_shift(sums, day, prior_rows=200) == pytest.approx(want2, rel=1e-12)
    assert noshow.recent_shift({}, day) == 0.0


def test_in_the_large_keeps_the_slope_and_matches_the_observed_rate() -> None:
    rng = np.random.default_rng(3)
    raw = rng.uniform(0.02, 0.6, 5000)
    y = (rng.uniform(size=5000) < raw * 0.7).astype(int)
    cal = noshow.LogitCalibrator(1.3, 0.4).in_the_large(raw, y)
    assert cal.a == 1.3
    assert float(np.mean(cal.predict(raw))) == pytest.approx(float(y.mean()), abs=1e-9)


def test_count_range_is_the_normal_approximation() -> None:
    p = np.array([0.1, 0.2, 0.5, 0.5])
    y = np.array([0, 0, 1, 1])
    r = risk_scores(y, p, 0.3)
    e, v = 1.3, 0.09 + 0.16 + 0.25 + 0.25
    assert r.expected == pytest.approx(e) and r.variance == pytest.approx(v)
    assert r.count_range == pytest.approx((e - 2.576 * math.sqrt(v), e + 2.576 * math.sqrt(v)))
    assert r.count_in_range  # 2 observed, inside 1.3 ± 2.23
    assert not risk_scores(np.ones(4, dtype=int), np.full(4, 0.05), 0.3).count_in_range


def _frame(days: int, drift_from: int, seed: int = 7) -> tuple[pd.DataFrame, np.ndarray]:
    """300 appointments a day at one clinic, 2,000 patients; P(no-show) = lead effect × a base
    that doubles in odds from day ``drift_from`` on. Returns the frame and each row's true P."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-01-05")
    rows, truth = [], []
    for d in range(days):
        day = start + pd.Timedelta(days=d)
        lead = rng.integers(0, 30, 300)
        odds = np.exp(-2.6 + 0.05 * lead) * (2.0 if d >= drift_from else 1.0)
        p = odds / (1 + odds)
        y = rng.uniform(size=300) < p
        for k in range(300):
            booked = day - pd.Timedelta(days=int(lead[k])) + pd.Timedelta(hours=8)
            rows.append((day, booked, "no_show" if y[k] else "completed", int(lead[k]), f"p{rng.integers(0, 2000)}"))
            truth.append(p[k])
    f = pd.DataFrame(rows, columns=["appointment_date", "booked_at", "status", "lead_days", "patient_pseudonym"])
    f["id"] = np.arange(1, len(f) + 1)
    f = f.assign(clinic_id=1, provider_id=None, appointment_at=pd.NaT, appointment_type="visit", age_band="25-34")
    return f, np.array(truth)


def test_expected_no_shows_follow_a_drifting_rate() -> None:
    """Trained on 40 days at one rate; from day 40 the odds double. On days 54..63 (whose 14
    days before are all after the change) the mean probability must be near the true mean
    probability of the generating process, where the model as trained stays near the old rate."""
    frame, truth = _frame(64, drift_from=40)
    cutoff = (pd.Timestamp("2026-01-05") + pd.Timedelta(days=40)).date()
    model = noshow.train(frame, cutoff)
    late = (frame["appointment_date"] >= pd.Timestamp("2026-01-05") + pd.Timedelta(days=54)).to_numpy()
    rows = labelled(frame[late])
    p = noshow.score(model, rows, frame)
    true_rate = float(truth[late].mean())
    assert abs(float(p.mean()) - true_rate) < 0.015, (p.mean(), true_rate)
    model.recent = None  # the model as trained, without the eve-of-day update
    static = noshow.score(model, rows, frame)
    assert true_rate - float(static.mean()) > 0.04  # the drift the update corrects is real


def test_the_update_uses_nothing_from_the_scored_day_or_later() -> None:
    frame, _ = _frame(50, drift_from=45, seed=11)
    cutoff = (pd.Timestamp("2026-01-05") + pd.Timedelta(days=40)).date()
    model = noshow.train(frame, cutoff)
    day = pd.Timestamp("2026-01-05") + pd.Timedelta(days=46)
    rows = labelled(frame[frame["appointment_date"] == day])
    flipped = frame.copy()
    later = flipped["appointment_date"] >= day
    flipped.loc[later, "status"] = flipped.loc[later, "status"].map({"completed": "no_show", "no_show": "completed"})
    assert np.array_equal(noshow.score(model, rows, frame), noshow.score(model, rows, flipped))
