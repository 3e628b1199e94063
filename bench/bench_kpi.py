"""Server-side time of single-KPI questions (parse + SQL + SPC + Block Kit), p50/p99 per question.

    .venv/bin/python bench/bench_kpi.py --database sqlite:////tmp/net.db [--repeat 30]
    .venv/bin/python bench/bench_kpi.py --database sqlite:////tmp/net.db \
        --database postgresql+psycopg://postgres@127.0.0.1/net --repeat 30
    .venv/bin/python bench/bench_kpi.py --database sqlite:////tmp/net.db --seed 50 --days 365
    .venv/bin/python bench/bench_kpi.py --database postgresql+psycopg://postgres@127.0.0.1/net --acks 64

Questions: every catalogue KPI at network scope, at the first clinic, and for one provider and
one payer where the KPI has that dimension, each for the default period (all data), last month
and the last 30 days ("today" is the day after the last appointment with an outcome). Each is
timed ``--repeat`` times in a fresh session after an untimed warm-up; the value column shows the
answer (or "no data" / a usage error) so a question that does not exercise the KPI is visible.
Per database the last line reads "N of M questions with p99 < 50 ms". With 30 samples the p99 is
the slowest sample, so one full garbage collection (tens of ms with pandas/scipy loaded) decides
it: the ``gc2`` column counts those that fell in a question's samples; ``--gc-freeze`` calls
``gc.freeze()`` after the warm-up, as a server process can after start-up.

``--database`` may be repeated. ``--seed N`` first migrates the database and seeds an N-clinic
network (``devtools.seed``) when it holds no clinics; ``--refresh`` rebuilds every roll-up first
(timed); ``--charts K`` times K SPC chart renders per question; the load average is printed at
the start and the end (other work on the machine inflates the figures). ``--acks K`` also sends
K concurrent ``/kpi`` commands through the real Bolt app (local Slack stand-in) and prints the
acknowledgement latency. Prints figures; never fails on timing.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.kpi.catalogue import CATALOGUE
from bot.orgconfig import OrgConfig
from bot.services.kpi import kpi_reply
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Appointment, Clinic, Payer, Provider


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
        from devtools.seed import SeedParams, seed_database

        t = time.perf_counter()
        seed_database(s, SeedParams(clinics=clinics, days=days, seed=1, end_date=date.today() - timedelta(days=1)),
                      pseudonym_key="bench", progress=True)
        print(f"seeded {clinics} clinics × {days} days in {time.perf_counter() - t:.0f} s")


PERIODS = (("default", ""), ("last month", "last month"), ("last 30d", "last 30d"))


def questions(session: Session) -> list[tuple[str, str, str]]:
    """``(kpi id, label, /kpi text)`` for every catalogue KPI: network, one clinic, and one
    provider / payer where the KPI has that dimension, each for the default period (all data),
    last month and the last 30 days. Provider and payer are named by key (unique)."""
    clinic_id, clinic = session.execute(select(Clinic.id, Clinic.name).order_by(Clinic.id).limit(1)).one()
    provider = session.execute(select(Provider.key).where(Provider.clinic_id == clinic_id)
                               .order_by(Provider.id)).scalars().first()
    payer = session.execute(select(Payer.key).order_by(Payer.id)).scalars().first()
    out = []
    for kpi in CATALOGUE:
        scopes = [("network", ""), ("clinic", f'clinic "{clinic}" ')]
        if "provider" in kpi.dimensions and provider:
            scopes.append(("provider", f'provider "{provider}" '))
        if "payer" in kpi.dimensions and payer:
            scopes.append(("payer", f'payer "{payer}" '))
        for scope, words in scopes:
            for period, text in PERIODS:
                out.append((kpi.id, f"{scope}, {period}", f"{kpi.id} {words}{text}".strip()))
    return out


class FullCollections:
    """Counts full (generation 2) garbage collections and their pauses while installed: with
    pandas, scipy and SQLAlchemy loaded one takes tens of milliseconds, so it decides the p99
    of whichever question it lands in."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._start = 0.0

    def __enter__(self) -> FullCollections:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.pauses.append((time.perf_counter() - self._start) * 1000)


def bench_questions(url: str, repeat: int, only: list[str] | None = None, freeze: bool = False) -> list[float]:
    """Time every question ``repeat`` times (after an untimed warm-up of all of them); print
    p50/p99/max per question, the full GC pauses that fell in its samples, and the summary line.
    ``freeze``: ``gc.freeze()`` after the warm-up, as a server can after start-up. Returns the p99s."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    org = OrgConfig()
    with session_scope(sessions) as s:
        n_appts = s.execute(select(func.count()).select_from(Appointment)).scalar()
        last = s.execute(select(func.max(Appointment.appointment_date)).where(Appointment.status.in_(("completed", "no_show")))).scalar()
        asked = [q for q in questions(s) if not only or q[0] in only]
    # "today" = the day after the last appointment with an outcome, so relative periods hold data
    now = datetime.combine(date.fromisoformat(str(last)[:10]) + timedelta(days=1), datetime.min.time()) + timedelta(hours=15)
    name = engine.url.render_as_string(hide_password=True)
    shown = {}
    for _, _, q in asked:  # warm-up (first-use imports, statement cache), untimed
        with session_scope(sessions) as s:
            shown[q] = _value_text(s, org, q, now)
    if freeze:
        gc.collect()
        gc.freeze()
    print(f"database {name}: {n_appts:,} appointments; {len(asked)} questions × {repeat}"
          f"{'; gc.freeze() after warm-up' if freeze else ''}")
    print(f"{'kpi':34s} {'question':26s} {'p50 ms':>8s} {'p99 ms':>8s} {'max ms':>8s} {'gc2':>4s}  value")
    worst = []
    with FullCollections() as full:
        for kpi_id, label, q in asked:
            times = []
            seen = len(full.pauses)
            for _ in range(repeat):
                t = time.perf_counter()
                with session_scope(sessions) as s:
                    kpi_reply(s, org, q, now=now)
                times.append((time.perf_counter() - t) * 1000)
            worst.append(pct(times, 0.99))
            gcs = full.pauses[seen:]
            print(f"{kpi_id:34s} {label:26s} {statistics.median(times):8.1f} {pct(times, 0.99):8.1f} "
                  f"{max(times):8.1f} {len(gcs) or '':>4}  {shown[q]}")
    if freeze:
        gc.unfreeze()
    pauses = full.pauses
    print(f"full GC pauses during timed runs: {len(pauses)}"
          + (f" (max {max(pauses):.1f} ms, median {statistics.median(pauses):.1f} ms)" if pauses else ""))
    print(f"{name}: {sum(w < 50 for w in worst)} of {len(worst)} questions with p99 < 50 ms "
          f"(worst p99 {max(worst):.1f} ms; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    engine.dispose()
    return worst


def _value_text(session: Session, org: OrgConfig, q: str, now: datetime) -> str:
    """The answer's value and n (so a question that silently fails to parse or has no data shows)."""
    from bot.errors import UsageError
    from bot.services.kpi import kpi_answer

    try:
        a = kpi_answer(session, org, q, now=now)
    except UsageError as exc:
        return f"USAGE ERROR: {str(exc)[:60]}"
    m = a.measure
    return "no data" if m.value is None else f"{m.value:.6g} (n {m.n:g}, d {m.d:g}; {len(a.trend)} trend points)"


def bench_refresh(url: str) -> None:
    """Rebuild every roll-up from the raw rows (what the seed does after loading) and time it."""
    from bot.kpi.rollup_refresh import refresh_all_rollups

    sessions = make_session_factory(make_engine(url))
    t = time.perf_counter()
    with session_scope(sessions) as s:
        refresh_all_rollups(s)
    print(f"refresh_all_rollups: {time.perf_counter() - t:.1f} s")


def bench_charts(url: str, repeat: int) -> None:
    """Answer + SPC chart PNG (``bot.views.chart_png``), as the "Show chart" button does, p50/p99."""
    from bot.services.kpi import kpi_answer
    from bot.views.chart_png import render_chart_png

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

    from bot.settings import load_settings
    from devtools.asking import LocalSlack
    from devtools.signing import signed_headers, slash_command_body

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
    ap.add_argument("--database", required=True, action="append", help="repeat to bench several databases")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0, help="seed N clinics first when the database is empty")
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--acks", type=int, default=0)
    ap.add_argument("--refresh", action="store_true", help="rebuild all roll-ups first (timed)")
    ap.add_argument("--charts", type=int, default=0, help="also time K chart renders per question")
    ap.add_argument("--only", help="comma-separated KPI ids to bench (default: all)")
    ap.add_argument("--gc-freeze", action="store_true",
                    help="gc.freeze() after the warm-up (what a server can do after start-up)")
    args = ap.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    summary = []
    for url in args.database:
        if args.seed:
            seed_if_empty(url, args.seed, args.days)
        if args.refresh:
            bench_refresh(url)
        worst = bench_questions(url, args.repeat, args.only.split(",") if args.only else None, args.gc_freeze)
        summary.append(f"{make_url(url).get_backend_name()}: {sum(w < 50 for w in worst)} of {len(worst)} "
                       f"questions with p99 < 50 ms (worst {max(worst):.1f} ms)")
        if args.charts:
            bench_charts(url, args.charts)
        if args.acks:
            bench_acks(url, args.acks)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for line in summary:
        print(line)


if __name__ == "__main__":
    main()
