"""Benchmark: appointment import vs a bare pandas + sqlite3 load of the same file; memory at 10×.

Run: ``.venv/bin/python bench/bench_import.py [--file PATH] [--repeat 3] [--skip-memory]``

Prints (never fails on timing):

* bare baseline: ``pandas.read_csv(dtype=str)`` + ``DataFrame.to_sql`` into a new SQLite file
  (the issue's yardstick: the ratio is against this line);
* for context only, "bare, product schema": the same read, the columns renamed/derived with
  plain pandas (no validation, no pseudonymisation, no hashing: placeholders) and
  ``to_sql(if_exists="append")`` into the migrated ``appointments`` table with its indexes,
  WAL and ``synchronous=NORMAL`` as the product's engine sets them;
* ``run_import`` with validation, pseudonymisation, hashing and upsert into a migrated SQLite
  database, without and with the roll-up refresh that ``opsbot import`` runs after loading;
* best-of-N times (runs interleaved, so machine load hits all alike), rows/s and the ratio, and
  the load average before and after;
* peak RSS of an import of the file and of a 10× copy (new appointment ids) in fresh
  subprocesses, to show chunked streaming keeps memory flat: the importing process and, when
  the file is prepared in a worker process (bot.ingest.worker), that worker.

Default file: ../shared/data/rmartins__DataMining/KaggleV2-May-2016.csv.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT = REPO.parent / "shared/data/rmartins__DataMining/KaggleV2-May-2016.csv"


def bare(path: Path, db: Path) -> float:
    start = time.perf_counter()
    frame = pd.read_csv(path, dtype=str)
    with sqlite3.connect(db) as conn:
        frame.to_sql("raw", conn, index=False)
    return time.perf_counter() - start


def bare_schema(path: Path, db: Path) -> float:
    """Context line: plain pandas into the product's migrated, indexed appointments table."""
    from storage import migrate

    migrate.upgrade(f"sqlite:///{db}")
    start = time.perf_counter()
    raw = pd.read_csv(path, dtype=str)
    frame = pd.DataFrame({
        "source": "kaggle-noshow", "external_id": raw["AppointmentID"],
        "clinic_id": pd.factorize(raw["Neighbourhood"])[0] + 1, "patient_pseudonym": raw["PatientId"],
        "booked_at": raw["ScheduledDay"], "appointment_date": raw["AppointmentDay"].str.slice(0, 10),
        "status": raw["No-show"].map({"Yes": "no_show", "No": "completed"}), "row_hash": "0" * 16,
    })
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        frame.to_sql("appointments", conn, if_exists="append", index=False)
    return time.perf_counter() - start


def ours(path: Path, db: Path, rollups: bool) -> tuple[float, int]:
    from bot.ingest.appointments import AppointmentsImporter
    from bot.ingest.runner import run_import
    from storage import migrate
    from storage.db import make_engine, make_session_factory, session_scope

    url = f"sqlite:///{db}"
    migrate.upgrade(url)
    engine = make_engine(url)
    importer = AppointmentsImporter("bench-key")
    if not rollups:
        importer.finish = lambda session, summary: None  # type: ignore[method-assign]
    start = time.perf_counter()
    with session_scope(make_session_factory(engine)) as session:
        summary = run_import(session, importer, path, progress=False, rejects_path=db.with_suffix(".rejects.csv"))
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed, summary.imported + summary.updated + summary.unchanged


def times(path: Path, repeat: int, tmp: Path) -> None:
    names = ("bare", "bare, product schema", "import", "import+rollups")
    best = dict.fromkeys(names, float("inf"))
    rows = 0
    before = os.getloadavg()
    for i in range(repeat):
        best["bare"] = min(best["bare"], bare(path, tmp / f"bare{i}.db"))
        best["bare, product schema"] = min(best["bare, product schema"], bare_schema(path, tmp / f"schema{i}.db"))
        t, rows = ours(path, tmp / f"ours{i}.db", rollups=False)
        best["import"] = min(best["import"], t)
        t, _ = ours(path, tmp / f"roll{i}.db", rollups=True)
        best["import+rollups"] = min(best["import+rollups"], t)
    after = os.getloadavg()
    print(f"file: {path} ({rows:,} rows), best of {repeat}; load average "
          f"{' '.join(f'{x:.2f}' for x in before)} before, {' '.join(f'{x:.2f}' for x in after)} after")
    for name, seconds in best.items():
        note = "  (context, not the yardstick)" if name == "bare, product schema" else ""
        print(f"  {name:<22} {seconds:6.2f} s  {rows / seconds:>10,.0f} rows/s  "
              f"ratio {seconds / best['bare']:.2f}× bare{note}")


def tenfold(path: Path, out: Path) -> Path:
    """Ten copies of ``path`` with distinct AppointmentIDs (+k·10⁸), written chunk by chunk."""
    target = out / "kaggle_x10.csv"
    for k in range(10):
        for n, chunk in enumerate(pd.read_csv(path, dtype=str, chunksize=50_000)):
            chunk["AppointmentID"] = (chunk["AppointmentID"].astype("int64") + k * 100_000_000).astype(str)
            chunk.to_csv(target, mode="a" if (k or n) else "w", header=not (k or n), index=False)
    return target


def peak_rss(path: Path, tmp: Path, tag: str) -> tuple[float, float, float]:
    """(seconds, peak RSS MiB of the importing process, of its worker process or 0) of one
    import in a fresh interpreter."""
    out = subprocess.run([sys.executable, __file__, "--child", str(path), str(tmp / f"mem_{tag}.db")],
                         check=True, capture_output=True, text=True).stdout.split()
    return float(out[-3]), float(out[-2]), float(out[-1])


def child(path: Path, db: Path) -> None:
    logging.disable(logging.INFO)
    seconds, _ = ours(path, db, rollups=False)
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so a child started by this (by
    # then large) benchmark process would report the benchmark's own size
    status = Path("/proc/self/status")
    hwm = [line.split()[1] for line in status.read_text().splitlines() if line.startswith("VmHWM:")] \
        if status.exists() else []
    main_mib = int(hwm[0]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # the worker's peak RSS (largest ended child); it counts pages still shared with this process
    worker_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{seconds:.3f} {main_mib:.1f} {worker_mib:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        times(args.file, args.repeat, tmp)
        if not args.skip_memory:
            big = tenfold(args.file, tmp)
            for tag, file in (("1x", args.file), ("10x", big)):
                seconds, mib, worker_mib = peak_rss(file, tmp, tag)
                print(f"  memory {tag:>3}: peak RSS {mib:7.1f} MiB (worker process {worker_mib:7.1f} MiB), "
                      f"import {seconds:6.2f} s")


if __name__ == "__main__":
    main()
