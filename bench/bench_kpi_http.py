"""Benchmark: signed ``/kpi`` slash commands against ``opsbot serve`` (waitress) over HTTP.

Starts a Slack stand-in in-process and ``opsbot serve`` as a subprocess on a database (given with
--database, or a temp SQLite loaded from the Kaggle no-show file), then sends N signed
``/kpi <text>`` requests one at a time and then from 32 concurrent clients. Prints ack latency
(HTTP answer to Slack's request; Slack allows 3 s) and reply latency (until the bot's
response_url post reaches the stand-in), p50/p99/max. A last "burst" phase sends 64 commands at
once, each carrying 1 s of work after its ack (the stand-in holds each reply 1 s), and counts
acks over Slack's 3 s limit. Never fails on timing.

    .venv/bin/python bench/bench_kpi_http.py [-n 200] [--concurrency 32] [--database URL]
    .venv/bin/python bench/bench_kpi_http.py --database URL --skip-phases --burst 64 --work-seconds 1
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.signing import signed_headers, slash_command_body  # noqa: E402
from bot.standin import SlackStandIn  # noqa: E402
from tests.e2e.conftest import BotProcess, bot_env, free_port  # noqa: E402

KAGGLE = REPO.parent / "shared" / "data" / "rmartins__DataMining" / "KaggleV2-May-2016.csv"
SECRET = "bench-signing-secret"


def load_kaggle(db_url: str, path: Path) -> int:
    """Neighbourhood = clinic, "No-show" Yes = no_show; bulk upsert, then the roll-ups."""
    from datetime import datetime

    import pandas as pd
    from sqlalchemy import insert, select

    from bot.text import fold
    from storage import migrate
    from storage.bulk import upsert_frame
    from storage.db import make_engine, make_session_factory, session_scope
    from storage.models import Appointment, Clinic, FeedLoad
    from storage.rollups import refresh_appointment_rollups

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


def send(url: str, standin: SlackStandIn, text: str) -> tuple[float, str, int, float]:
    """One signed /kpi; returns (send perf_counter, response_url path, HTTP status, ack seconds)."""
    response_url = standin.new_response_url()
    body = slash_command_body("/kpi", text, user_id="U0BENCH", channel_id="C0BENCH", response_url=response_url)
    req = urllib.request.Request(url, data=body.encode(), headers=signed_headers(SECRET, body), method="POST")
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:
        status = 0
    return start, response_url.split("/", 3)[-1], status, time.perf_counter() - start


def send_and_wait(url: str, standin: SlackStandIn, text: str) -> tuple[float, str, int, float]:
    """Sequential phase: the next request goes only after this one's reply has arrived (or 30 s)."""
    result = send(url, standin, text)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if any(c.headers.get("X-Path", "").lstrip("/") == result[1] for c in list(standin.response_posts)):
            break
        time.sleep(0.005)
    return result


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def report(label: str, results: list, standin: SlackStandIn, wall: float) -> None:  # type: ignore[type-arg]
    acks = [r[3] * 1000 for r in results if r[2] == 200]
    bad = sum(1 for r in results if r[2] != 200)
    deadline = time.monotonic() + 60
    wanted = {r[1] for r in results if r[2] == 200}
    while time.monotonic() < deadline:
        arrived = {c.headers.get("X-Path", "").lstrip("/"): c.at for c in standin.response_posts}
        if wanted <= arrived.keys():
            break
        time.sleep(0.1)
    # standin timestamps are time.time(); convert send perf_counter offsets to wall clock
    offset = time.time() - time.perf_counter()
    replies = [(arrived[r[1]] - (r[0] + offset)) * 1000 for r in results if r[1] in arrived]
    print(f"{label}: {len(results)} requests in {wall:.2f} s ({len(results) / wall:.1f}/s), non-200: {bad}")
    print(f"  ack   ms  p50 {pct(acks, .5):8.1f}  p99 {pct(acks, .99):8.1f}  max {max(acks, default=0):8.1f}"
          f"  over 3 s: {sum(a > 3000 for a in acks)}")
    if replies:
        print(f"  reply ms  p50 {pct(replies, .5):8.1f}  p99 {pct(replies, .99):8.1f}  max {max(replies):8.1f}"
              f"  (response_url posts {len(replies)}/{len(results)})")
    else:
        print("  reply: no response_url posts arrived (the handler may answer in the ack body)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=200, help="requests per phase")
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--database", help="database URL (default: temp SQLite loaded from the Kaggle file)")
    ap.add_argument("--csv", type=Path, default=KAGGLE, help="Kaggle no-show CSV for the temp database")
    ap.add_argument("--text", default="no-show-rate all", help="text after /kpi")
    ap.add_argument("--server-threads", type=int, default=16, help="waitress threads")
    ap.add_argument("--burst", type=int, default=64,
                    help="then K concurrent commands whose replies each take --work-seconds (0 = skip)")
    ap.add_argument("--work-seconds", type=float, default=1.0,
                    help="seconds the stand-in holds each response_url post in the burst phase")
    ap.add_argument("--skip-phases", action="store_true", help="only the burst phase")
    ap.add_argument("--stagger-ms", type=float, default=0.0,
                    help="burst: send the k-th command k x this many ms after the first (0 = all at once)")
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
        env = bot_env(tmp, DATABASE_URL=db_url, SLACK_API_URL=standin.base_url,
                      SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN="xoxb-bench")
        env["OPSBOT_LOG_LEVEL"] = os.environ.get("OPSBOT_LOG_LEVEL", "WARNING")
        with BotProcess(["serve", "--port", str(port), "--threads", str(args.server_threads)], env, tmp) as proc:
            base = f"http://127.0.0.1:{port}"
            proc.wait_http(base + "/healthz", timeout=60)
            url = base + "/slack/events"
            for _ in range(3):  # warm-up: imports, first queries, connection pool
                send_and_wait(url, standin, args.text)
            if not args.skip_phases:
                standin.response_posts.clear()
                t0 = time.perf_counter()
                seq = [send_and_wait(url, standin, args.text) for _ in range(args.n)]
                report("sequential (each waits for its reply)", seq, standin, time.perf_counter() - t0)
                standin.response_posts.clear()
                t0 = time.perf_counter()
                with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
                    conc = list(pool.map(lambda _: send(url, standin, args.text), range(args.n)))
                report(f"{args.concurrency} concurrent clients", conc, standin, time.perf_counter() - t0)
            if args.burst:
                burst(url, standin, args.text, args.burst, args.work_seconds, args.stagger_ms)


def burst(url: str, standin: SlackStandIn, text: str, count: int, work: float, stagger_ms: float = 0.0) -> None:
    """``count`` commands sent at once (a barrier releases them together), each followed by
    ``work`` seconds of work after the ack: the stand-in holds every response_url post that
    long, so a worker thread is busy for it, as with a slow answer or a slow Slack."""
    import threading

    standin.response_posts.clear()
    standin.inject("response_url", delay=work, times=count)
    gate = threading.Barrier(count)

    def one(k: int) -> tuple[float, str, int, float]:
        gate.wait()
        if stagger_ms:
            time.sleep(k * stagger_ms / 1000)
        return send(url, standin, text)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(one, range(count)))
    how = f"one every {stagger_ms:g} ms" if stagger_ms else "at once"
    report(f"burst: {count} commands {how}, {work:g} s of work each after the ack", results, standin,
           time.perf_counter() - t0)


if __name__ == "__main__":
    main()
