"""Benchmark the no-show model on the public file (issue 20): the issue's time split (train on
appointments before 2016-05-20, score from it on) and a validation split INSIDE that training
window (train before 2016-05-10, score 2016-05-10..05-19), which is the one to choose features
and settings on, so the test weeks never steer the model. Prints AUC, PR-AUC, Brier, the worst
calibration gap over deciles of at least 500 appointments, and the train and score times.
Never fails on figures or timing.

    python bench/bench_noshow_kaggle.py [--db sqlite:////tmp/kaggle.db]

The file is imported by the real importer into ``--db`` unless that database already holds it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select

KAGGLE = Path(__file__).resolve().parents[1] / "../shared/data/rmartins__DataMining/KaggleV2-May-2016.csv"
SPLITS = (("validation (inside the training window)", date(2016, 5, 10), date(2016, 5, 20)),
          ("issue 20 test split", date(2016, 5, 20), None))


def figures(frame: pd.DataFrame, split: date, end: date | None) -> str:
    from bot.forecast import noshow
    from bot.forecast.evaluate import CALIBRATION_MIN_N, risk_scores
    from bot.forecast.features import labelled

    known = frame if end is None else frame[frame["appointment_date"] < pd.Timestamp(end)]
    t = time.perf_counter()
    model = noshow.train(known, split)
    train_s = time.perf_counter() - t
    test = labelled(known[known["appointment_date"] >= pd.Timestamp(split)])
    t = time.perf_counter()
    p = noshow.score(model, test, known)
    score_s = time.perf_counter() - t
    r = risk_scores(test["y"].to_numpy(), p, model.base_rate)
    gap = max((d.gap for d in r.deciles if d.n >= CALIBRATION_MIN_N), default=float("nan"))
    return (f"train {model.window_start}..{model.window_end} ({model.rows}), score {len(test)} from {split}: "
            f"AUC {r.auc:.4f}  PR-AUC {r.pr_auc:.4f}  Brier {r.brier:.4f} (base {r.brier_baseline:.4f})  "
            f"worst decile gap {gap * 100:.1f} pts  train {train_s:.1f} s  score {score_s:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=f"sqlite:///{Path(tempfile.gettempdir()) / 'opsbot-bench-kaggle.db'}")
    args = ap.parse_args()

    from bot.ingest.appointments import AppointmentsImporter
    from bot.ingest.runner import run_import
    from storage import forecast_queries as q
    from storage.db import make_engine, make_session_factory, session_scope
    from storage.migrate import upgrade
    from storage.models import Appointment

    upgrade(args.db)
    sessions = make_session_factory(make_engine(args.db))
    with session_scope(sessions) as s:
        if not s.scalar(select(func.count(Appointment.id))):
            run_import(s, AppointmentsImporter("bench"), KAGGLE, progress=False,
                       rejects_path=Path(tempfile.gettempdir()) / "opsbot-bench-kaggle-rejects.csv")
    with session_scope(sessions) as s:
        frame = q.appointment_frame(s)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for name, split, end in SPLITS:
        print(f"{name}: {figures(frame, split, end)}")


if __name__ == "__main__":
    main()
