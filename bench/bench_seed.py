"""Time ``opsbot seed`` on a fresh database and print rows per table.

Usage::

    .venv/bin/python bench/bench_seed.py [--clinics 50] [--days 365] [--database URL]

Without ``--database`` a fresh SQLite file in a temp dir is used; with a PostgreSQL URL the
database must exist (it is migrated here). Prints figures; never fails on timing.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from devtools.seed import SeedParams, generate, seed_database
from storage import migrate
from storage.db import make_engine, make_session_factory, session_scope


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clinics", type=int, default=50)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--end-date", default="2026-03-31")
    ap.add_argument("--database", default=None)
    args = ap.parse_args()
    params = SeedParams(clinics=args.clinics, days=args.days, seed=args.seed,
                        end_date=date.fromisoformat(args.end_date))
    tmp = tempfile.TemporaryDirectory(prefix="bench-seed-")
    url = args.database or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    migrate.upgrade(url)

    started = time.perf_counter()
    generate(params)
    generate_s = time.perf_counter() - started

    engine = make_engine(url)
    started, cpu = time.perf_counter(), time.process_time()
    with session_scope(make_session_factory(engine)) as session:
        report = seed_database(session, params, pseudonym_key="bench", progress=True)
    total_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    rows = sum(v for k, v in report.rows.items() if k != "appointment_daily")
    print(f"backend: {url.split(':', 1)[0]}  network: {args.clinics} clinics × {args.days} days (seed {args.seed})")
    print(f"generate only (in memory): {generate_s:8.1f} s")
    print(f"seed (generate + write + roll-ups + validation + commit): {total_s:8.1f} s wall, {cpu_s:8.1f} s CPU "
          f"(this process)  → {rows / total_s:,.0f} rows/s; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")
    for line in report.lines()[1:]:
        print(line)
    tmp.cleanup()


if __name__ == "__main__":
    main()
