"""Benchmark the look-ahead (issue 20): training the no-show model on a seeded network and
scoring one day's appointments; plus the demand forecast's MAE against "same weekday last
week" per clinic. Prints figures; never fails on timing.

    python bench/bench_forecast.py --clinics 50 --days 365 [--db sqlite:////tmp/net50.db]

An existing database given by ``--db`` with appointments is reused (no re-seeding).
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, select


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clinics", type=int, default=50)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--db", default="sqlite:////tmp/opsbot-bench-forecast.db")
    ap.add_argument("--end", default="2026-06-30")
    args = ap.parse_args()

    from bot.forecast import ahead, noshow
    from bot.forecast.features import labelled
    from bot.forecast.service import demand_scores
    from storage import forecast_queries as q
    from storage.db import make_engine, make_session_factory, session_scope
    from storage.migrate import upgrade
    from storage.models import Appointment

    upgrade(args.db)
    engine = make_engine(args.db)
    sessions = make_session_factory(engine)
    end = date.fromisoformat(args.end)
    with session_scope(sessions) as s:
        have = s.scalar(select(func.count(Appointment.id))) or 0
    if not have:
        from devtools.seed import SeedParams, seed_database

        t = time.perf_counter()
        with session_scope(sessions) as s:
            seed_database(s, SeedParams(clinics=args.clinics, days=args.days, seed=1, end_date=end), pseudonym_key="bench")
        print(f"seed {args.clinics} clinics x {args.days} days: {time.perf_counter() - t:.1f} s")
    with session_scope(sessions) as s:
        t = time.perf_counter()
        frame = q.appointment_frame(s)
        read_s = time.perf_counter() - t
        last = labelled(frame)["appointment_date"].max().date()
        t = time.perf_counter()
        model = noshow.train(frame, last + timedelta(days=1))
        train_s = time.perf_counter() - t
        print(f"appointments {len(frame)}; read {read_s:.1f} s; train on {model.rows} outcomes "
              f"({model.window_start}..{model.window_end}): {train_s:.1f} s; total {read_s + train_s:.1f} s")
        clinics = [(int(r.id), str(r.name)) for r in q.clinic_table(s).itertuples()]
        ahead_days = frame.loc[frame["appointment_date"] > pd.Timestamp(last), "appointment_date"]
        day = ahead_days.min().date() if len(ahead_days) else last  # the next day with bookings
        times = []
        for _ in range(5):
            t = time.perf_counter()
            rows, p = ahead.scored_day(s, [c for c, _ in clinics], day, model)
            times.append(time.perf_counter() - t)
        print(f"score one day ({day}, {len(rows)} appointments, all clinics, read + features + predict): "
              f"median {sorted(times)[2] * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")
        keys = dict(zip(q.clinic_table(s)["id"], q.clinic_table(s)["key"], strict=True))
        split = last - timedelta(days=27)
        scores = demand_scores(frame, split, keys)
        good = [d for d in scores if d.improvement >= 0.2]
        imp = sorted(d.improvement for d in scores)
        print(f"demand, 28 days from {split}: {len(good)}/{len(scores)} clinics >= 20 % better MAE than "
              f"'same weekday last week'; improvement min {imp[0]:.0%} median {imp[len(imp) // 2]:.0%} "
              f"max {imp[-1]:.0%}" if imp else "demand: no clinic with enough history")


if __name__ == "__main__":
    main()
