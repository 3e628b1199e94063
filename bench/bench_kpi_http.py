"""Benchmark: signed ``/kpi`` slash commands against ``opsbot serve`` (waitress) over HTTP.

Starts a Slack stand-in in-process and ``opsbot serve`` as a subprocess (``OPSBOT_SERVER_TIMING=1``)
on a database (--database, or a temp SQLite loaded from the Kaggle no-show file). Phases:

* sequential / concurrent (skipped with --skip-phases): N commands one at a time, then from
  --concurrency clients;
* (a) burst: --burst commands released at once by a barrier;
* (b) steady: --steady commands, one every --stagger-ms, so that about work/stagger of them are
  doing their work at the same time (1 s / 15 ms ≈ 67).

In (a) and (b) the stand-in holds each response_url post --work-seconds, so every command keeps a
worker busy that long after its ack. Each phase prints the client-side ack (request sent →
response read; Slack allows 3 s), the server-side ack (``Server-Timing``: request reaching the
WSGI app → status and headers back to waitress; excludes waitress's queue), replies counted and
their latency, the peak number of commands between ack and reply, the bot process's CPU per
command (ack path and answer), and the load average. The client runs in its own process with
pre-built raw HTTP requests, so its own CPU and GIL add little to the figures. --repeat runs
(a) and (b) several times and ends with the best run of each (lowest client p99). Never fails on
timing.

    .venv/bin/python bench/bench_kpi_http.py --skip-phases --repeat 3
    .venv/bin/python bench/bench_kpi_http.py --database URL --skip-phases --burst 64 --steady 256
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.kpi_http_client import Phase, fire, pct, raw_request, send_urllib  # noqa: E402
from devtools.standin import SlackStandIn  # noqa: E402
from devtools.standin.process import BotProcess, bot_env, free_port  # noqa: E402

KAGGLE = REPO.parent / "shared" / "data" / "rmartins__DataMining" / "KaggleV2-May-2016.csv"
SECRET = "bench-signing-secret"


def load_kaggle(db_url: str, path: Path) -> int:
    """Neighbourhood = clinic, "No-show" Yes = no_show; bulk upsert, then the roll-ups."""
    import hashlib
    from datetime import datetime

    import pandas as pd
    from sqlalchemy import insert, select

    from bot.kpi.rollup_refresh import refresh_appointment_rollups
    from core.text import fold
    from storage import migrate
    from storage.bulk import upsert_frame
    from storage.db import make_engine, make_session_factory, session_scope
    from storage.models import Appointment, Clinic, FeedLoad

    migrate.upgrade(db_url)
    raw = pd.read_csv(path, dtype={"PatientId": str, "AppointmentID": str})
    engine = make_engine(db_url)
    with session_scope(make_session_factory(engine)) as s:
        s.execute(insert(Clinic), [{"key": f"n{i:03d}", "name": h, "name_folded": fold(h),
                                    "timezone": "America/Sao_Paulo"} for i, h in enumerate(sorted(raw["Neighbourhood"].unique()))])
        load = FeedLoad(feed="appointments", source_name=path.name, file_format="csv",
                        started_at=datetime.utcnow(), finished_at=datetime.utcnow(), rows_read=len(raw))
        s.add(load)
        s.flush()
        ids = dict(s.execute(select(Clinic.name, Clinic.id)).all())
        booked = pd.to_datetime(raw["ScheduledDay"], utc=True).dt.tz_localize(None)
        day = pd.to_datetime(raw["AppointmentDay"], utc=True).dt.date
        frame = pd.DataFrame({
            "source": "kaggle", "external_id": raw["AppointmentID"], "clinic_id": raw["Neighbourhood"].map(ids),
            "provider_id": None,
            "patient_pseudonym": raw["PatientId"].map(lambda p: hashlib.sha256(p.encode()).hexdigest()[:16]),
            "booked_at": booked, "appointment_date": day,
            "status": raw["No-show"].map({"Yes": "no_show", "No": "completed"}),
            "lead_days": (pd.to_datetime(day) - booked.dt.normalize()).dt.days, "feed_load_id": load.id,
        })
        upsert_frame(s, Appointment, frame, ("source", "external_id"))
        refresh_appointment_rollups(s)
    engine.dispose()
    return len(raw)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds(pid: int) -> float:
    """utime + stime of process ``pid`` (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_phase(label: str, port: int, standin: SlackStandIn, text: str, offsets: list[float], work: float,
              pid: int) -> Phase:
    """Send one signed /kpi per offset (seconds after the start; all 0 = a burst), wait for the
    replies, return the figures."""
    standin.response_posts.clear()
    if work:
        standin.inject("response_url", delay=work, times=len(offsets))
    urls = [standin.new_response_url() for _ in offsets]
    requests = [raw_request(port, SECRET, text, url) for url in urls]
    load_before, cpu_before = loadavg(), cpu_seconds(pid)
    sent = fire(port, requests, offsets)
    deadline = time.monotonic() + 60 + work * len(offsets) / 8
    wanted = {u.split("/", 3)[-1] for u, s in zip(urls, sent, strict=True) if s.status == 200}
    arrived: dict[str, float] = {}
    while time.monotonic() < deadline:
        arrived = {c.headers.get("X-Path", "").lstrip("/"): c.at for c in list(standin.response_posts)}
        if wanted <= arrived.keys():
            break
        time.sleep(0.05)
    time.sleep(0.2)
    phase = Phase(label, sent, [arrived.get(u.split("/", 3)[-1]) for u in urls],
                  cpu_seconds(pid) - cpu_before, load_before, loadavg())
    phase.print()
    return phase


def legacy_phases(url: str, standin: SlackStandIn, text: str, n: int, concurrency: int) -> None:
    """One at a time (each waits for its reply), then ``concurrency`` clients (urllib)."""
    for label, workers in (("sequential (each waits for its reply)", 1), (f"{concurrency} concurrent clients", concurrency)):
        standin.response_posts.clear()
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(lambda _, w=workers: send_urllib(url, standin, SECRET, text, wait=w == 1), range(n)))
        acks = [r[1] * 1000 for r in results if r[0] == 200]
        print(f"{label}: {n} in {time.perf_counter() - t0:.2f} s, non-200: {n - len(acks)}; ack ms p50 "
              f"{pct(acks, .5):.1f} p99 {pct(acks, .99):.1f} max {max(acks, default=0):.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=200, help="requests per legacy phase")
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--database", help="database URL (default: temp SQLite loaded from the Kaggle file)")
    ap.add_argument("--csv", type=Path, default=KAGGLE, help="Kaggle no-show CSV for the temp database")
    ap.add_argument("--text", default="no-show-rate all", help="text after /kpi")
    ap.add_argument("--server-threads", type=int, default=None, help="waitress threads (default: opsbot's)")
    ap.add_argument("--burst", type=int, default=64, help="(a): commands released at once (0 = skip)")
    ap.add_argument("--steady", type=int, default=256, help="(b): commands one every --stagger-ms (0 = skip)")
    ap.add_argument("--stagger-ms", type=float, default=15.0, help="(b): ms between two commands")
    ap.add_argument("--work-seconds", type=float, default=1.0, help="seconds the stand-in holds each reply")
    ap.add_argument("--repeat", type=int, default=1, help="run (a) and (b) this many times; best is summarised")
    ap.add_argument("--skip-phases", action="store_true", help="skip the sequential/concurrent phases")
    ap.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                    help="extra bot environment, e.g. OPSBOT_WORKER_THREADS=64 (repeatable)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-kpi-"))
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, tmp: Path) -> None:
    db_url = args.database
    if db_url is None:
        db_url = f"sqlite:///{tmp / 'opsbot.db'}"
        t0 = time.perf_counter()
        rows = load_kaggle(db_url, args.csv)
        print(f"loaded {rows:,} appointments into {db_url} in {time.perf_counter() - t0:.1f} s")
    port = free_port()
    with SlackStandIn() as standin:
        env = bot_env(tmp, DATABASE_URL=db_url, SLACK_API_URL=standin.base_url, SLACK_SIGNING_SECRET=SECRET,
                      SLACK_BOT_TOKEN="xoxb-bench", OPSBOT_SERVER_TIMING="1",
                      OPSBOT_LOG_LEVEL=os.environ.get("OPSBOT_LOG_LEVEL", "WARNING"))
        env.update(kv.split("=", 1) for kv in args.env)
        threads = ["--threads", str(args.server_threads)] if args.server_threads else []
        with BotProcess(["serve", "--port", str(port), *threads], env, tmp) as proc:
            base = f"http://127.0.0.1:{port}"
            proc.wait_http(base + "/healthz", timeout=60)
            pid = proc.proc.pid  # type: ignore[union-attr]
            print(f"bot pid {pid}; {' '.join(args.env) or 'default sizes'}; waitress threads "
                  f"{args.server_threads or 'default'}; load {loadavg()}")
            for _ in range(3):  # warm-up: imports, first queries, connection pool
                send_urllib(base + "/slack/events", standin, SECRET, args.text, wait=True)
            if not args.skip_phases:
                legacy_phases(base + "/slack/events", standin, args.text, args.n, args.concurrency)
            bursts, steadies = [], []
            for i in range(args.repeat):
                if args.burst:
                    bursts.append(run_phase(f"(a) burst #{i + 1}: {args.burst} commands at once, "
                                            f"{args.work_seconds:g} s of work each after the ack", port, standin,
                                            args.text, [0.0] * args.burst, args.work_seconds, pid))
                if args.steady:
                    gap = args.stagger_ms / 1000
                    steadies.append(run_phase(f"(b) steady #{i + 1}: {args.steady} commands, one every "
                                              f"{args.stagger_ms:g} ms, {args.work_seconds:g} s of work each",
                                              port, standin, args.text, [k * gap for k in range(args.steady)],
                                              args.work_seconds, pid))
            if args.repeat > 1:
                print(f"\nbest of {args.repeat} (lowest client p99):")
                for runs in (bursts, steadies):
                    if runs:
                        min(runs, key=lambda p: p.client_p99).print()


if __name__ == "__main__":
    main()
