"""Chaos benchmark for exactly-once delivery (issue 14): many senders at once on PostgreSQL
against a faulty Slack stand-in, with SIGKILLs; prints duplicated / lost / waiting / dead.

    .venv/bin/python bench/bench_delivery_chaos.py [--deliveries 1200] [--channels 24]
        [--chaos-seconds 240] [--calm-seconds 360] [--seed 14]

Senders, all at once on one fresh PostgreSQL database:
* two ``opsbot scheduler`` processes (leader + standby, lease 10 s; the leader runs the delivery
  sweep every 2 s),
* two extra delivery loops (``opsbot jobs run deliver`` over and over),
* a click sender (``bench/chaos_click_sender.py``: what ``opsbot serve`` does after alert clicks,
  ``deliver_pending(keys=…)`` on four worker threads).
Every child gets ``OPSBOT_DELIVERY_LEASE_SECONDS=40`` and ``OPSBOT_DELIVERY_BATCH=100``: with the
slow answers below a 100-row batch outlives its lease.

The stand-in (this process) enforces ~1 chat.postMessage per second per channel, pages
``conversations.history`` 15 messages at a time (a non-Marketplace app since May 2025), and keeps
a stream of faults queued: 429 with Retry-After, 500/503, 504 after the message landed, answers
after the client's 10 s timeout (landed), slow answers (2–5 s), history 500 / 429 / slow. Random
children are SIGKILLed at random moments and restarted. After the chaos phase, faults and kills
stop and the senders keep running (calm phase) until every row is settled or time runs out.

Counts (from what the stand-in actually holds, by each message's delivery key):
duplicated = keys posted more than once; lost = keys recorded sent but absent from Slack, or
absent and in no visible state; waiting = keys not yet posted, with their state and reason;
dead = keys given up (with the reason). Never fails on timing; exits 1 only if duplicated or
lost is non-zero. Waiting rows (pending/failed/unconfirmed) are not lost: each carries its state
and reason in ``opsbot alerts log``.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, select, text

from bot.delivery import enqueue
from bot.delivery.history import delivery_key_of
from devtools.standin import SlackStandIn
from storage import migrate
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Delivery

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
OPSBOT = str(ROOT / ".venv" / "bin" / "opsbot")
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"

FAULTS = [  # (weight, method, inject kwargs)
    (6, "chat.postMessage", dict(status=429, retry_after=2)),
    (3, "chat.postMessage", dict(status=500)),
    (3, "chat.postMessage", dict(status=503)),
    (5, "chat.postMessage", dict(status=504, landed=True)),
    (2, "chat.postMessage", dict(delay=11.0)),  # answered after the 10 s client timeout, landed
    (6, "chat.postMessage", dict(delay=3.0)),   # slow
    (3, "conversations.history", dict(status=500)),
    (2, "conversations.history", dict(status=429, retry_after=5)),
    (2, "conversations.history", dict(delay=3.0)),
]


def fresh_database() -> str:
    name = f"opsbot_chaos_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG + "postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = PG + name
    migrate.upgrade(url)
    return url


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG + "postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Children:
    """The sender processes, each in its own process group (so a kill takes its children)."""

    def __init__(self, env: dict[str, str], logdir: Path) -> None:
        self.env, self.logdir = env, logdir
        self.specs = {
            "scheduler-1": [OPSBOT, "scheduler", "--delivery-interval", "2"],
            "scheduler-2": [OPSBOT, "scheduler", "--delivery-interval", "2"],
            "deliver-loop-1": ["bash", "-c", f"while true; do {OPSBOT} jobs run deliver >/dev/null; sleep 0.5; done"],
            "deliver-loop-2": ["bash", "-c", f"while true; do {OPSBOT} jobs run deliver >/dev/null; sleep 0.5; done"],
            "serve-clicks": [PY, str(ROOT / "bench" / "chaos_click_sender.py")],
        }
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.kills = Counter[str]()

    def start(self, name: str) -> None:
        log = open(self.logdir / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen(self.specs[name], env=self.env, stdout=log, stderr=log,
                                            start_new_session=True, cwd=ROOT)

    def start_all(self) -> None:
        for name in self.specs:
            self.start(name)

    def kill(self, name: str) -> None:
        proc = self.procs[name]
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        self.kills[name] += 1

    def stop_all(self) -> None:
        for proc in self.procs.values():
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()


def fault_feeder(standin: SlackStandIn, stop: threading.Event, rng: random.Random, injected: Counter[str]) -> None:
    weights = [w for w, _, _ in FAULTS]
    while not stop.wait(0.25):
        _, method, kw = rng.choices(FAULTS, weights)[0]
        if standin.faults.pending(method) >= 4:
            continue
        standin.inject(method, **kw)  # type: ignore[arg-type]
        injected[f"{method} {' '.join(f'{k}={v}' for k, v in kw.items())}"] += 1


def killer(children: Children, stop: threading.Event, rng: random.Random) -> None:
    while not stop.wait(rng.uniform(4, 12)):
        name = rng.choice(sorted(children.specs))
        children.kill(name)
        time.sleep(rng.uniform(0.5, 3))
        if not stop.is_set():
            children.start(name)


def snapshot(sessions, standin: SlackStandIn, channels: list[str]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        rows = {d.key: (d.state, d.last_error, d.kind) for d in s.scalars(select(Delivery))}
    landed = Counter(delivery_key_of(m) for ch in channels for m in standin.messages.messages(ch))
    ours = {k: v for k, v in rows.items() if v[2] == "chaos"}
    dup = sorted(k for k in ours if landed[k] > 1)
    lost = sorted(k for k, (st, _, _) in ours.items() if landed[k] == 0 and st in ("sent", "fallback_sent"))
    waiting = Counter(f"{st:11} {(err or '').removeprefix('unconfirmed: ').split(';')[0][:70]}" for k, (st, err, _) in ours.items()
                      if landed[k] == 0 and st not in ("sent", "fallback_sent", "dead"))
    dead = Counter(f"{(err or '')[:70]}" for k, (st, err, _) in ours.items() if st == "dead")
    return dict(total=len(ours), posted_once=sum(1 for k in ours if landed[k] == 1), duplicated=dup,
                lost=lost, waiting=waiting, dead=dead,
                dead_but_posted=sum(1 for k, (st, _, _) in ours.items() if st == "dead" and landed[k]),
                states=Counter(v[0] for v in ours.values()),
                bot_health=sum(1 for v in rows.values() if v[2] == "bot_health"))


def settled(snap: dict[str, object]) -> bool:
    states: Counter[str] = snap["states"]  # type: ignore[assignment]
    return sum(n for st, n in states.items() if st not in ("sent", "fallback_sent", "dead")) == 0


def report(title: str, snap: dict[str, object]) -> None:
    print(f"\n== {title} ==")
    print(f"deliveries {snap['total']}  posted exactly once {snap['posted_once']}  "
          f"duplicated {len(snap['duplicated'])}  lost {len(snap['lost'])}  "  # type: ignore[arg-type]
          f"dead {sum(snap['dead'].values())}  dead-but-posted {snap['dead_but_posted']}")  # type: ignore[attr-defined]
    print(f"states: {dict(snap['states'])}  alerts about the bot queued: {snap['bot_health']}")  # type: ignore[call-overload]
    for label in ("waiting", "dead"):
        for reason, n in snap[label].most_common(8):  # type: ignore[attr-defined]
            print(f"  {label:8} {n:5}  {reason}")
    for label in ("duplicated", "lost"):
        if snap[label]:
            print(f"  {label}: {snap[label][:10]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--deliveries", type=int, default=1200)
    ap.add_argument("--channels", type=int, default=24)
    ap.add_argument("--chaos-seconds", type=float, default=240)
    ap.add_argument("--calm-seconds", type=float, default=360)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--keep-db", action="store_true")
    ap.add_argument("--history-down", action="store_true",
                    help="conversations.history answers 500 for the whole chaos phase (a restricted or "
                         "broken history API): ambiguous rows must wait, not re-post")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    url = fresh_database()
    sessions = make_session_factory(make_engine(url))
    channels = [f"CCHAOS{i:03d}" for i in range(args.channels)]
    with session_scope(sessions) as s:
        for i in range(args.deliveries):
            enqueue(s, f"chaos/{i:05d}", channels[i % len(channels)], {"text": f"chaos alert {i}"}, kind="chaos")
    standin = SlackStandIn(rate_limit_per_channel=1.0)
    standin.start()
    standin.messages.max_limit = 15
    logdir = Path(tempfile.mkdtemp(prefix="opsbot-chaos-"))
    env = {**os.environ, "DATABASE_URL": url, "SLACK_API_URL": standin.base_url, "SLACK_BOT_TOKEN": "xoxb-chaos",
           "OPSBOT_LEASE_SECONDS": "10", "OPSBOT_DELIVERY_LEASE_SECONDS": "40", "OPSBOT_DELIVERY_BATCH": "100",
           "OPSBOT_LOG_LEVEL": "INFO"}
    env.pop("OPSBOT_CONFIG", None)
    children = Children(env, logdir)
    injected: Counter[str] = Counter()
    stop_chaos = threading.Event()
    started = time.monotonic()
    children.start_all()
    if args.history_down:
        standin.inject("conversations.history", status=500, times=10**9)
    threads = [threading.Thread(target=fault_feeder, args=(standin, stop_chaos, rng, injected), daemon=True),
               threading.Thread(target=killer, args=(children, stop_chaos, rng), daemon=True)]
    for t in threads:
        t.start()
    print(f"{args.deliveries} deliveries to {args.channels} channels; senders: {', '.join(children.specs)}; "
          f"logs in {logdir}", flush=True)
    while time.monotonic() - started < args.chaos_seconds:
        time.sleep(10)
        snap = snapshot(sessions, standin, channels)
        print(f"  t={time.monotonic() - started:5.0f}s states {dict(snap['states'])}", flush=True)  # type: ignore[call-overload]
    stop_chaos.set()
    for t in threads:
        t.join(30)
    standin.faults.clear()
    for name, proc in children.procs.items():  # whatever the killer left down comes back for the calm phase
        if proc.poll() is not None:
            children.start(name)
    chaos_snap = snapshot(sessions, standin, channels)
    calm_start = time.monotonic()
    while time.monotonic() - calm_start < args.calm_seconds:
        time.sleep(10)
        snap = snapshot(sessions, standin, channels)
        print(f"  calm t={time.monotonic() - calm_start:5.0f}s states {dict(snap['states'])}", flush=True)  # type: ignore[call-overload]
        if settled(snap):
            break
    children.stop_all()
    final = snapshot(sessions, standin, channels)
    elapsed = time.monotonic() - started
    calls = Counter((c.method, c.status) for c in standin.calls)
    standin.stop()
    report(f"after the chaos phase ({args.chaos_seconds:.0f} s)", chaos_snap)
    report(f"final ({elapsed:.0f} s in all)", final)
    print(f"\nSIGKILLs: {sum(children.kills.values())} ({dict(children.kills)})")
    print(f"faults injected: {sum(injected.values())}")
    for kind, n in injected.most_common():
        print(f"  {n:4}  {kind}")
    print("Slack calls answered: " + ", ".join(f"{m} {st}: {n}" for (m, st), n in sorted(calls.items())))
    logs = [p.read_text(errors="replace") for p in logdir.glob("*.log")]
    taken = sum(t.count("took it over before this one posted") for t in logs)
    late = sum(t.count("claim lost before recording") for t in logs)
    print(f"claims found taken over at the pre-post re-check (batch outlived its lease; nothing posted): {taken}")
    print(f"claims lost after the attempt, before recording (settled by the next sender): {late}")
    print(f"logs in {logdir}")
    if not args.keep_db:
        drop_database(url)
    return 1 if final["duplicated"] or final["lost"] else 0


if __name__ == "__main__":
    sys.exit(main())
