"""What one request costs on its way to the acknowledgement, in-process (no HTTP server).

1. ``bot.slack.middleware.guard.check`` (dedup + bounds + roles + audit row) on fresh slash-command
   bodies: wall time per request (median, p95, max) and this process's CPU per request.
2. The whole acknowledgement path of a ``/kpi`` command: the WSGI app of ``opsbot serve``
   (request id, metrics, ``Server-Timing`` off), Bolt's signature check and parsing, the guard, the
   listener's ``ack()`` and its hand-over to the worker pool, with the answer itself stubbed out
   (it runs after the ack): CPU and wall per request. Times N requests arriving at once, that CPU
   is the floor of the last one's acknowledgement in one process (one GIL), before waitress's
   own HTTP parsing.

The database is a temporary SQLite one, or DATABASE_URL (give a scratch PostgreSQL database:
rows are written). Prints figures only; never fails on timing.

    .venv/bin/python bench/bench_access_guard.py [-n 500]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/scratch .venv/bin/python bench/bench_access_guard.py
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.access.resolver import GroupCache, RoleResolver  # noqa: E402
from bot.orgconfig import OrgConfig  # noqa: E402
from bot.slack.middleware.guard import check  # noqa: E402
from devtools.signing import signed_headers, slash_command_body  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import make_engine, make_session_factory  # noqa: E402


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def summary(label: str, walls: list[float], cpu: float) -> None:
    walls = sorted(w * 1000 for w in walls)
    n = len(walls)
    print(f"{label}: n={n} wall median {statistics.median(walls):.2f} ms p95 {walls[int(n * 0.95)]:.2f} ms "
          f"max {walls[-1]:.2f} ms; CPU {cpu / n * 1000:.2f} ms per request")


def bench_guard(url: str, n: int) -> None:
    engine = make_engine(url)
    org = OrgConfig.model_validate({"clinics": [{"key": "north", "name": "North"}],
                                    "roles": {"admin": ["U0ADMIN"], "finance": {"north": ["U0FIN"]}}})
    ctx = SimpleNamespace(org=org, sessions=make_session_factory(engine))
    resolver = RoleResolver(org.roles, GroupCache(None))
    stamp = time.time_ns()
    bodies = []
    for i in range(n + 50):
        raw = slash_command_body("/kpi", f"denial-rate clinic north last {i % 90 + 1}d", user_id="U0FIN",
                                 trigger_id=f"{stamp}.{i}")
        bodies.append((dict(parse_qsl(raw)), raw))
    for body, raw in bodies[:50]:  # warm-up: connections, statement caches
        check(ctx, resolver, body, raw)  # type: ignore[arg-type]
    walls = []
    cpu0 = time.process_time()
    for body, raw in bodies[50:]:
        start = time.perf_counter()
        check(ctx, resolver, body, raw)  # type: ignore[arg-type]
        walls.append(time.perf_counter() - start)
    summary(f"guard.check on {url.split(':')[0]}", walls, time.process_time() - cpu0)
    engine.dispose()


def bench_ack_path(url: str, n: int) -> None:
    import handlers.kpi
    from bot.app import create_app
    from bot.settings import load_settings
    from bot.slack.server import make_wsgi_app
    from devtools.standin import SlackStandIn

    secret = "bench-signing-secret"
    engine = make_engine(url)
    with SlackStandIn() as standin:  # answers the one auth.test Bolt makes
        settings = load_settings(SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=secret,
                                 SLACK_API_URL=standin.base_url, DATABASE_URL=url)
        app = create_app(settings, engine, make_session_factory(engine))
        handlers.kpi._answer_job = lambda *args, **kwargs: None  # the answer runs after the ack: not measured
        wsgi = make_wsgi_app(app, engine)

        def one(i: int) -> None:
            raw = slash_command_body("/kpi", f"no-show-rate all last {i % 90 + 1}d", user_id="U0BENCH",
                                     channel_id="C0BENCH", trigger_id=f"{time.time_ns()}.{i}").encode()
            headers = signed_headers(secret, raw.decode())
            environ: dict[str, Any] = {
                "REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "QUERY_STRING": "",
                "SERVER_PROTOCOL": "HTTP/1.1", "CONTENT_LENGTH": str(len(raw)), "wsgi.input": io.BytesIO(raw),
                "CONTENT_TYPE": headers["Content-Type"],
                "HTTP_X_SLACK_REQUEST_TIMESTAMP": headers["X-Slack-Request-Timestamp"],
                "HTTP_X_SLACK_SIGNATURE": headers["X-Slack-Signature"]}
            status: list[str] = []
            result = wsgi(environ, lambda s, h, e=None: status.append(s))
            b"".join(result)
            result.close()  # type: ignore[attr-defined]
            assert status == ["200 OK"], status

        for i in range(50):
            one(i)
        walls = []
        cpu0 = time.process_time()
        for i in range(50, 50 + n):
            start = time.perf_counter()
            one(i)
            walls.append(time.perf_counter() - start)
        summary(f"/kpi acknowledgement path (WSGI app to ack) on {url.split(':')[0]}", walls,
                time.process_time() - cpu0)
        app.listener_runner.listener_executor.shutdown(wait=True)
        app._opsbot_ctx.workers.shutdown(wait=True)  # type: ignore[attr-defined]
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=500, help="requests per measurement")
    args = ap.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    migrate.upgrade(url)
    print(f"load average before: {loadavg()}")
    bench_guard(url, args.n)
    bench_ack_path(url, args.n)
    print(f"load average after: {loadavg()}")


if __name__ == "__main__":
    main()
