"""Load test: nginx in front of three ``opsbot serve`` replicas on one PostgreSQL database.

Everything on 127.0.0.1: a Slack stand-in (in this process), three replicas (subprocesses), nginx
configured from ``deploy/nginx/`` (needs Debian's nginx: ``apt-get install nginx``). Steps:

1. a modal opened through replica A (``/idea`` → views.open) is submitted through replica B;
2. signed ``/kpi no-show-rate …`` slash commands at a steady rate (open loop: each request is sent
   at its scheduled instant whatever the previous ones did) through nginx for ``--seconds``;
   replica C is SIGKILLed at half time;
3. prints throughput, acknowledgement latency p50/p99/max (HTTP answer through nginx; Slack's
   limit is 3 s), reply latency (the response_url post reaching the stand-in), errors — before
   and after the kill — and whether every failed request was in flight when C died.

    .venv/bin/python bench/loadtest_replicas.py --database postgresql://postgres@127.0.0.1:5432/opsbot_loadtest
    (without --database: creates opsbot_loadtest_<pid>, migrates, seeds 6 clinics × 120 days, drops it)

Bounded in time (about --seconds + start-up); never fails on timing.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from devtools.signing import interactive_body, signed_headers, slash_command_body, view_submission_payload  # noqa: E402
from devtools.standin import SlackStandIn  # noqa: E402
from devtools.standin.nginx import NGINX, Nginx  # noqa: E402
from devtools.standin.process import BotProcess, bot_env, free_port, http  # noqa: E402

SECRET = "loadtest-signing-secret"
IMPROVE = "C0IMPROVE"
TEXTS = ["no-show-rate all", "no-show-rate last 30 days", "no-show-rate by clinic last 90 days",
         "no-show-rate last 7 days"]


@dataclass
class Sample:
    t: float  # seconds since the start of the run, when it was sent
    status: int
    ack_s: float
    reply_path: str


def prepare_database(url: str | None) -> tuple[str, bool]:
    """(database URL, created here?)."""
    import subprocess

    if url:
        return url, False
    from sqlalchemy import create_engine, text

    name = f"opsbot_loadtest_{__import__('os').getpid()}"
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    opsbot = [sys.executable, "-c", "from bot.cli import main; main()"]
    subprocess.run([*opsbot, "db", "upgrade", "--database", url], check=True, capture_output=True)
    print("seeding 6 clinics × 120 days …", flush=True)
    subprocess.run([*opsbot, "seed", "--clinics", "6", "--days", "120", "--no-progress", "--database", url],
                   check=True, capture_output=True)
    return url, True


def org_yaml(url: str, path: Path) -> None:
    from sqlalchemy import select

    from storage.db import make_engine
    from storage.models import Clinic

    engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        clinics = conn.execute(select(Clinic.key, Clinic.name, Clinic.timezone).order_by(Clinic.key)).all()
    engine.dispose()
    lines = ["organisation: Load Test Health", "clinics:"]
    for key, name, tz in clinics:
        lines += [f"  - key: {key}", f"    name: {name}", f"    timezone: {tz}",
                  f"    channels: {{improvement: {IMPROVE}}}"]
    path.write_text("\n".join(lines) + "\n")


def modal_across_replicas(slack: SlackStandIn, a: str, b: str, clinic: str) -> str:
    body = slash_command_body("/idea", "", user_id="U0BENCH", response_url=slack.new_response_url())
    http("POST", a + "/slack/events", body, signed_headers(SECRET, body))
    view = slack.wait_for("views.open", timeout=30)[0].params["view"]

    def txt(v: str) -> dict:
        return {"value": {"type": "plain_text_input", "value": v}}

    def sel(v: str) -> dict:
        return {"value": {"type": "static_select", "selected_option": {"text": {"type": "plain_text", "text": v}, "value": v}}}

    run_id = time.strftime("%H%M%S")
    title = __import__("uuid").uuid4().hex  # unlike any earlier idea (no "possible duplicate" step)
    values = {"idea_title": txt(title), "idea_problem": txt("Long waits"), "idea_change": txt("Morning huddles"),
              "idea_category": sel("scheduling"), "idea_clinic": sel(clinic),
              "idea_kpi": {"value": {"type": "static_select", "selected_option": None}},
              "idea_anonymous": {"value": {"type": "checkboxes", "selected_options": []}}}
    payload = view_submission_payload(view["callback_id"], values, user_id="U0BENCH", view_id=f"V0BENCH{run_id}",
                                      private_metadata=view.get("private_metadata", ""), blocks=view["blocks"])
    body = interactive_body(payload)
    status, answer = http("POST", b + "/slack/events", body, signed_headers(SECRET, body))
    try:
        post = slack.wait_for("chat.postMessage", timeout=30)[-1]
    except TimeoutError as exc:
        return f"FAILED: view_submission via B answered HTTP {status} {answer[:300]!r}; {exc}"
    return f"views.open via A, view_submission via B → HTTP {status} {answer[:40]!r}; posted to {post.params['channel']}"


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 10) - 1] if len(values) > 1 else values[0]


def report(name: str, samples: list[Sample], seconds: float, replies: dict[str, float]) -> None:
    ok = [s for s in samples if s.status == 200]
    acks = [s.ack_s * 1000 for s in ok]
    got = [replies[s.reply_path] for s in ok if s.reply_path in replies]
    print(f"  {name:18} sent {len(samples):5}  ok {len(ok):5}  errors {len(samples) - len(ok):3}  "
          f"throughput {len(ok) / seconds:6.1f}/s  ack p50 {pct(acks, 50):6.1f} ms  p99 {pct(acks, 99):7.1f} ms  "
          f"max {max(acks, default=float('nan')):7.1f} ms  replies {len(got)}/{len(ok)}  "
          f"reply p50 {pct(got, 50) * 1000:6.0f} ms  p99 {pct(got, 99) * 1000:6.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database", help="PostgreSQL URL of a migrated, seeded database")
    ap.add_argument("--rate", type=float, default=40.0, help="requests per second")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--threads", type=int, default=16, help="waitress threads per replica")
    args = ap.parse_args()
    if NGINX is None:
        sys.exit("nginx is not installed: apt-get update && apt-get install -y nginx")
    db_url, created = prepare_database(args.database)
    tmp = Path(tempfile.mkdtemp(prefix="opsbot-loadtest-"))
    org_yaml(db_url, tmp / "org.yml")
    ports = [free_port() for _ in range(3)]
    with SlackStandIn() as slack:
        env = bot_env(tmp, DATABASE_URL=db_url, SLACK_API_URL=slack.base_url, SLACK_SIGNING_SECRET=SECRET,
                      SLACK_BOT_TOKEN="xoxb-loadtest", OPSBOT_CONFIG=str(tmp / "org.yml"), OPSBOT_LOG_LEVEL="WARNING")
        procs = [BotProcess(["serve", "--port", str(p), "--threads", str(args.threads)], env, tmp) for p in ports]
        try:
            for p in procs:
                p.__enter__()
            for p, port in zip(procs, ports, strict=True):
                p.wait_http(f"http://127.0.0.1:{port}/readyz", timeout=120)
            clinic = (tmp / "org.yml").read_text().split("key: ", 1)[1].split("\n", 1)[0]
            print("modal:", modal_across_replicas(slack, f"http://127.0.0.1:{ports[0]}",
                                                  f"http://127.0.0.1:{ports[1]}", clinic))
            with Nginx(tmp, free_port(), ports) as nginx:
                run(args, nginx.url, slack, procs[2])
        finally:
            for p in procs:
                p.__exit__(None, None, None)
    if created:
        from sqlalchemy import create_engine, text

        admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db_url.rsplit("/", 1)[1]}" WITH (FORCE)'))


def run(args: argparse.Namespace, url: str, slack: SlackStandIn, victim: BotProcess) -> None:
    samples: list[Sample] = []
    lock = threading.Lock()
    n_total = int(args.rate * args.seconds)
    start = time.monotonic() + 0.5
    sent_at: dict[str, float] = {}

    def one(i: int) -> None:
        due = start + i / args.rate
        time.sleep(max(0.0, due - time.monotonic()))
        reply = slack.new_response_url()
        path = "/" + reply.split("/", 3)[3]
        body = slash_command_body("/kpi", TEXTS[i % len(TEXTS)], user_id=f"U0LOAD{i % 50}", response_url=reply)
        t0 = time.monotonic()
        with lock:
            sent_at[path] = t0
        try:
            status = http("POST", url + "/slack/events", body, signed_headers(SECRET, body), timeout=10)[0]
        except OSError:
            status = 0
        with lock:
            samples.append(Sample(t0 - start, status, time.monotonic() - t0, path))

    kill = {"sent": 0.0, "dead": 0.0}

    def killer() -> None:
        time.sleep(max(0.0, start + args.seconds / 2 - time.monotonic()))
        kill["sent"] = time.monotonic() - start
        victim.proc.send_signal(signal.SIGKILL)  # type: ignore[union-attr]
        victim.proc.wait(timeout=10)  # type: ignore[union-attr]
        kill["dead"] = time.monotonic() - start

    print(f"load: {args.rate:.0f} signed /kpi per second for {args.seconds:.0f} s through nginx → 3 replicas; "
          f"replica C SIGKILLed at {args.seconds / 2:.0f} s", flush=True)
    k = threading.Thread(target=killer)
    k.start()
    with ThreadPoolExecutor(max_workers=max(64, int(args.rate * 2))) as pool:
        list(pool.map(one, range(n_total)))
    k.join()
    slack.wait_until_quiet(idle=1.0, timeout=30)
    replies = {c.headers.get("X-Path", ""): c.at for c in slack.response_posts}
    reply_s = {p: replies[p] - (sent_at[p] - time.monotonic() + time.time()) for p in replies if p in sent_at}
    half = args.seconds / 2
    before = [s for s in samples if s.t < kill["sent"]]
    after = [s for s in samples if s.t >= kill["sent"]]
    failed = [s for s in samples if s.status != 200]
    in_flight = [s for s in failed if s.t <= kill["dead"] and s.t + s.ack_s >= kill["sent"]]
    print(f"results (kill sent at {kill['sent']:.2f} s, process gone at {kill['dead']:.2f} s):")
    report("all", samples, args.seconds, reply_s)
    report("before the kill", before, half, reply_s)
    report("after the kill", after, args.seconds - half, reply_s)
    late = [s for s in after if s.t > kill["dead"] + 1.0]
    report("kill + 1 s onward", late, max(1e-9, args.seconds - kill["dead"] - 1.0), reply_s)
    print(f"  failed requests: {len(failed)} (status {sorted({s.status for s in failed})}); in flight at the kill: "
          f"{len(in_flight)}; failures not explained by the kill: {len(failed) - len(in_flight)}")
    acked_lost = [s for s in samples if s.status == 200 and s.reply_path not in reply_s]
    print(f"  acknowledged but no reply posted (work after ack lost with the killed process): {len(acked_lost)}")


if __name__ == "__main__":
    main()
