"""The demand forecast against "same weekday last week" on generated networks (issue 20):
per clinic and overall improvement in mean absolute error, 28 days ahead, from several origins
per clinic (:mod:`bot.forecast.demand_backtest`). Prints figures; never fails.

    python bench/bench_demand.py --clinics 50 --days 365 --seed 1 --seed 2
    python bench/bench_demand.py --db sqlite:////tmp/net50.db     # a seeded database instead

Without ``--db`` each network is generated in memory by the seed generator (``devtools.seed``, the
rows ``opsbot seed`` writes: every appointment with its booking time, status and clinic time
zone); with ``--db`` the stored appointments are read as ``opsbot model report`` reads them.
The naive forecast for every day ahead is the latest same weekday known at the origin.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

import pandas as pd


def generated(clinics: int, days: int, seed: int, end: date) -> tuple[pd.DataFrame, dict[int, str], dict[int, str]]:
    """Appointment frame (``clinic_id, booked_at, appointment_date, status``), keys and zones of a
    network generated in memory."""
    from devtools.seed import SeedParams
    from devtools.seed.frames import appointment_frame

    return appointment_frame(SeedParams(clinics=clinics, days=days, seed=seed, end_date=end))


def stored(url: str) -> tuple[pd.DataFrame, dict[int, str], dict[int, str]]:
    from storage import forecast_queries as q
    from storage.db import make_engine, make_session_factory, session_scope

    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as s:
        frame = q.appointment_frame(s)
        clinics = q.clinic_table(s)
    engine.dispose()
    ids = [int(i) for i in clinics["id"]]
    return (frame, dict(zip(ids, clinics["key"], strict=True)),
            {i: str(z) for i, z in zip(ids, clinics["timezone"], strict=True) if z})


def report(label: str, frame: pd.DataFrame, keys: dict[int, str], zones: dict[int, str], per_clinic: bool) -> None:
    from bot.forecast.demand_backtest import HORIZON, TARGET, clinic_scores, summary

    t = time.perf_counter()
    scores = clinic_scores(frame, keys, zones=zones)
    took = time.perf_counter() - t
    if not scores:
        print(f"{label}: no clinic with enough history ({len(frame)} appointments)")
        return
    if per_clinic:
        print(f"{label}: per clinic, {HORIZON} days ahead: origins  days  MAE  naive MAE  improvement")
        for s in sorted(scores, key=lambda s: s.improvement):
            print(f"  {s.clinic:24} {s.origins:3} {s.days:5}  {s.mae:7.2f}  {s.naive_mae:7.2f}  {s.improvement:+6.1%}"
                  f"{'' if s.improvement >= TARGET else '  < 20 %'}{'' if s.shown else '  (not shown)'}")
    sm = summary(scores)
    first, last = min(s.first_origin for s in scores if s.first_origin), max(s.last_origin for s in scores if s.last_origin)
    print(f"{label}: {len(scores)} clinics, origins {first}..{last} ({scores[0].origins} per clinic); MAE improvement "
          f"over 'same weekday last week': overall {sm['overall']:.1%}, per clinic min {sm['min']:.1%} "
          f"median {sm['median']:.1%}; {sm['at_target']:.0f}/{len(scores)} clinics >= {TARGET:.0%}; "
          f"backtest {took:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clinics", type=int, default=50)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--seed", type=int, action="append", help="Seed (repeatable; default 1).")
    ap.add_argument("--end", default="2026-06-30")
    ap.add_argument("--db", help="Read a seeded database instead of generating.")
    ap.add_argument("--quiet", action="store_true", help="Overall figures only, no per-clinic lines.")
    args = ap.parse_args()
    if args.db:
        report(args.db, *stored(args.db), per_clinic=not args.quiet)
        return
    for seed in args.seed or [1]:
        t = time.perf_counter()
        frame, keys, zones = generated(args.clinics, args.days, seed, date.fromisoformat(args.end))
        label = f"seed {seed}, {args.clinics} clinics x {args.days} days (generated in {time.perf_counter() - t:.0f} s)"
        report(label, frame, keys, zones, per_clinic=not args.quiet)


if __name__ == "__main__":
    main()
