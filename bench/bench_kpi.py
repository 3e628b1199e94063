"""Server-side time of single-KPI questions (parse + SQL + SPC + Block Kit), p50/p99 per KPI.

    .venv/bin/python bench/bench_kpi.py --database sqlite:////tmp/net.db [--repeat 30]
    .venv/bin/python bench/bench_kpi.py --database sqlite:////tmp/net.db --seed 50 --days 365
    .venv/bin/python bench/bench_kpi.py --database postgresql+psycopg://postgres@127.0.0.1/net --acks 64

``--seed N`` first migrates the database and seeds an N-clinic network (``bot.seed``) when it
holds no clinics; ``--refresh`` rebuilds every roll-up first (timed); ``--charts K`` times K SPC
chart renders per question; the load average is printed at the start and the end (other work on
the machine inflates the figures). ``--acks K`` also sends K concurrent ``/kpi`` commands through the real Bolt
app (local Slack stand-in) and prints the acknowledgement latency. Prints figures; never fails
on timing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from bot.kpi.catalogue import CATALOGUE
from bot.orgconfig import OrgConfig
from bot.services.kpi import kpi_reply
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Appointment, Clinic


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def seed_if_empty(url: str, clinics: int, days: int) -> None:
    from storage import migrate

    migrate.upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as s:
        if s.execute(select(func.count()).select_from(Clinic)).scalar():
            return
        from bot.seed import SeedParams, seed_database

        t = time.perf_counter()
        seed_database(s, SeedParams(clinics=clinics, days=days, seed=1, end_date=date.today() - timedelta(days=1)),
                      pseudonym_key="bench", progress=True)
        print(f"seeded {clinics} clinics × {days} days in {time.perf_counter() - t:.0f} s")


def bench_questions(url: str, repeat: int, only: list[str] | None = None) -> None:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    org = OrgConfig()
    with session_scope(sessions) as s:
        clinic = s.execute(select(Clinic.name).order_by(Clinic.id)).scalars().first()
        n_appts = s.execute(select(func.count()).select_from(Appointment)).scalar()
        last = s.execute(select(func.max(Appointment.appointment_date)).where(Appointment.status.in_(("completed", "no_show")))).scalar()
    # "today" = the day after the last appointment with an outcome, so relative periods hold data
    now = datetime.combine(date.fromisoformat(str(last)[:10]) + timedelta(days=1), datetime.min.time()) + timedelta(hours=15)
    print(f"database {engine.url.render_as_string(hide_password=True)}: {n_appts:,} appointments")
    print(f"{'kpi':34s} {'question':22s} {'p50 ms':>8s} {'p99 ms':>8s} {'max ms':>8s}")
    worst = []
    for kpi in CATALOGUE:
        if only and kpi.id not in only:
            continue
        for label, q in (("network, last 30d", f"{kpi.id} last 30d"),
                         ("one clinic, last month", f'{kpi.id} clinic "{clinic}" last month')):
            times = []
            with session_scope(sessions) as s:  # warm-up (first-use imports, statement cache), untimed
                kpi_reply(s, org, q, now=now)
            for _ in range(repeat):
                t = time.perf_counter()
                with session_scope(sessions) as s:
                    kpi_reply(s, org, q, now=now)
                times.append((time.perf_counter() - t) * 1000)
            worst.append(pct(times, 0.99))
            print(f"{kpi.id:34s} {label:22s} {statistics.median(times):8.1f} {pct(times, 0.99):8.1f} {max(times):8.1f}")
    print(f"worst p99 over all questions: {max(worst):.1f} ms; questions with p99 < 50 ms: "
          f"{sum(w < 50 for w in worst)}/{len(worst)}")
    engine.dispose()


def bench_refresh(url: str) -> None:
    """Rebuild every roll-up from the raw rows (what the seed does after loading) and time it."""
    from storage.rollups import refresh_all_rollups

    sessions = make_session_factory(make_engine(url))
    t = time.perf_counter()
    with session_scope(sessions) as s:
        refresh_all_rollups(s)
    print(f"refresh_all_rollups: {time.perf_counter() - t:.1f} s")


def bench_charts(url: str, repeat: int) -> None:
    """Answer + SPC chart PNG (``bot.charts``), as the "Show chart" button does, p50/p99."""
    from bot.charts import render_chart_png
    from bot.services.kpi import kpi_answer

    sessions = make_session_factory(make_engine(url))
    org = OrgConfig()
    with session_scope(sessions) as s:
        clinic = s.execute(select(Clinic.name).order_by(Clinic.id)).scalars().first()
        last = s.execute(select(func.max(Appointment.appointment_date)).where(Appointment.status.in_(("completed", "no_show")))).scalar()
    now = datetime.combine(date.fromisoformat(str(last)[:10]) + timedelta(days=1), datetime.min.time()) + timedelta(hours=15)
    for q in ("no-show-rate last month", f'third-next-available clinic "{clinic}" last month', "denial-rate last 30d"):
        totals, renders = [], []
        for i in range(repeat + 1):
            t = time.perf_counter()
            with session_scope(sessions) as s:
                result = kpi_answer(s, org, q, now=now)
            if result.spc is None or result.spc.chart is None:
                break
            r = time.perf_counter()
            render_chart_png(result.spc.chart, title=result.kpi.name, labels=result.spc.labels, unit=result.kpi.unit)
            if i:  # the first is a warm-up (font cache)
                renders.append((time.perf_counter() - r) * 1000)
                totals.append((time.perf_counter() - t) * 1000)
        if not renders:
            print(f"chart {q[:48]:48s} no chart (no trend)")
            continue
        print(f"chart {q[:48]:48s} render p50 {statistics.median(renders):6.1f} p99 {pct(renders, 0.99):6.1f} ms; "
              f"answer+render p50 {statistics.median(totals):6.1f} p99 {pct(totals, 0.99):6.1f} ms")


def bench_acks(url: str, count: int) -> None:
    from slack_bolt import BoltRequest

    from bot.asking import LocalSlack
    from bot.settings import load_settings
    from bot.signing import signed_headers, slash_command_body

    engine = make_engine(url)
    with LocalSlack(load_settings(DATABASE_URL=url), engine) as local:
        def one(i: int) -> float:
            body = slash_command_body("/kpi", "no-show-rate last 30d by clinic",
                                      response_url=local.standin.new_response_url())
            t = time.perf_counter()
            resp = local.app.dispatch(BoltRequest(body=body, headers=signed_headers(local.secret, body)))  # type: ignore[union-attr]
            assert resp.status == 200
            return (time.perf_counter() - t) * 1000

        with ThreadPoolExecutor(max_workers=count) as pool:
            acks = list(pool.map(one, range(count)))
        local._settle(120)
        print(f"{count} concurrent /kpi commands: ack p50 {statistics.median(acks):.1f} ms, "
              f"p99 {pct(acks, 0.99):.1f} ms, max {max(acks):.1f} ms (Slack allows 3,000 ms); "
              f"replies {len(local.standin.response_posts)}")
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database", required=True)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0, help="seed N clinics first when the database is empty")
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--acks", type=int, default=0)
    ap.add_argument("--refresh", action="store_true", help="rebuild all roll-ups first (timed)")
    ap.add_argument("--charts", type=int, default=0, help="also time K chart renders per question")
    ap.add_argument("--only", help="comma-separated KPI ids to bench (default: all)")
    args = ap.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    if args.seed:
        seed_if_empty(args.database, args.seed, args.days)
    if args.refresh:
        bench_refresh(args.database)
    bench_questions(args.database, args.repeat, args.only.split(",") if args.only else None)
    if args.charts:
        bench_charts(args.database, args.charts)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.acks:
        bench_acks(args.database, args.acks)


if __name__ == "__main__":
    main()
